package org.kalaja.engine;

/**
 * An authenticated API client: the token it presented, never the token's secret.
 *
 * @param tokenId  the token's id: the first 16 hex digits of SHA-256 of the token; safe to log and show
 * @param name     the name given when the token was created
 * @param role     what the token may do
 */
public record Principal(String tokenId, String name, Role role) {
    /** The actor recorded in every entry this principal causes. */
    public String actor() {
        return "token:" + tokenId;
    }

    /** The caller for an engine write made by this principal from {@code address}. */
    public Caller caller(String address, String userAgent) {
        return Caller.of(actor(), address, userAgent);
    }
}
