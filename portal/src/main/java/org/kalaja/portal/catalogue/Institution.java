package org.kalaja.portal.catalogue;

/**
 * An issuing institution: it decides applications for its services and seals their documents.
 *
 * @param id   short lower-case id used in keys, URLs and clerk roles ({@code civil-registry})
 * @param name the official name shown to citizens and printed on documents
 */
public record Institution(String id, String name) {}
