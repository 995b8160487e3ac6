package org.kalaja.sentinel;

/**
 * An event the sentinel admitted, as it was evaluated (with the fields the sentinel added, such as
 * {@code kalaja.maintenance}); hand it back to {@link Sentinel#complete} once the operation ended.
 */
public record Admission(AuditEvent event) {
}
