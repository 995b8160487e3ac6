package org.kalaja.engine;

/**
 * Who asked for a change and from where; every entry records it.
 *
 * @param actor      the authenticated principal, e.g. {@code token:3f9a…} or {@code system}
 * @param address    the client's network address as the server saw it ({@code ""} when local)
 * @param userAgent  the client's User-Agent ({@code ""} when none)
 */
public record Caller(String actor, String address, String userAgent) {
    /** The engine itself, for entries no person asked for (log creation, housekeeping). */
    public static final Caller SYSTEM = new Caller("system", "", "");

    public Caller {
        if (actor.isEmpty()) throw new IllegalArgumentException("every change needs an actor");
    }

    /** Clips the client-supplied fields so a hostile client cannot bloat entries. */
    public static Caller of(String actor, String address, String userAgent) {
        return new Caller(actor, clip(address, 64), clip(userAgent, 256));
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
