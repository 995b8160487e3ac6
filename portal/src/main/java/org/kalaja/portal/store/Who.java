package org.kalaja.portal.store;

import org.kalaja.engine.Caller;

/**
 * The person behind a portal request, as entries and audit events record them.
 *
 * @param actor     {@code citizen:<account id>}, {@code clerk:<account id>}, {@code admin:<account id>},
 *                  {@code anonymous} (verification, sign-in attempts) or {@code system:portal} (demo data)
 * @param name      a display name for audit trails ("" when unknown); never a secret
 * @param role      {@code citizen}, {@code clerk}, {@code admin} or ""
 * @param address   the client's address as the server saw it
 * @param userAgent the client's User-Agent, clipped
 */
public record Who(String actor, String name, String role, String address, String userAgent) {
    /** The portal itself (demo data, scheduled housekeeping). */
    public static final Who SYSTEM = new Who("system:portal", "", "", "", "kalaja portal");

    public Who {
        if (actor.isBlank()) throw new IllegalArgumentException("every portal action needs an actor");
    }

    public Caller caller() {
        return Caller.of(actor, address, userAgent);
    }
}
