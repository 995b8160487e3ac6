package org.kalaja.portal.store;

import org.kalaja.engine.Caller;

/**
 * The person behind a portal request, as entries and audit events record them.
 *
 * @param actor     {@code citizen:<account id>}, {@code clerk:<account id>}, {@code admin:<account id>},
 *                  {@code anonymous} (verification, sign-in attempts) or {@code system:portal} (demo data)
 * @param name      a staff member's display name for audit trails ("" when unknown); never a secret. A
 *                  citizen's is always "": audit events leave the node (exports, the national CERT), and
 *                  the actor's account id says who it was to whoever holds the keys to the sealed account
 * @param role      {@code citizen}, {@code clerk}, {@code admin} or ""
 * @param address   the client's address as the server saw it
 * @param userAgent the client's User-Agent, clipped
 */
public record Who(String actor, String name, String role, String address, String userAgent) {
    /** The portal itself (demo data, scheduled housekeeping). */
    public static final Who SYSTEM = new Who("system:portal", "", "", "", "kalaja portal");

    public Who {
        if (actor.isBlank()) throw new IllegalArgumentException("every portal action needs an actor");
        if (actor.startsWith("citizen:")) name = "";
    }

    public Caller caller() {
        return Caller.of(actor, address, userAgent);
    }
}
