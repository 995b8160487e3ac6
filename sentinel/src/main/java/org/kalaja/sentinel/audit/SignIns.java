package org.kalaja.sentinel.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns bearer-token requests into sign-ins: an API token has no session, so the first request of a
 * token from an address and client, or the first after {@link #IDLE} without one, is the
 * {@code auth.signin} event an incident responder looks for. Later requests of the same session are
 * their own events (reads, writes), not sign-ins.
 *
 * <p>Bounded to {@value #MAX_SESSIONS} sessions, least recently used first out (an evicted session's
 * next request is a sign-in again: more events, never fewer). Thread-safe.
 */
public final class SignIns {
    public static final Duration IDLE = Duration.ofMinutes(30);
    static final int MAX_SESSIONS = 100_000;

    private final Map<String, Instant> lastSeen = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    /** Whether this request opens a session, i.e. is a sign-in; records it either way. */
    public synchronized boolean opens(String actor, String address, String userAgent, Instant now) {
        Instant last = lastSeen.put(actor + '\u0000' + address + '\u0000' + userAgent, now);
        return last == null || Duration.between(last, now).compareTo(IDLE) > 0;
    }
}
