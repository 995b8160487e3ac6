package org.kalaja.portal.catalogue;

/** One answer a choice field offers: {@code value} is stored, {@code label} is shown. */
public record Option(String value, String label) {}
