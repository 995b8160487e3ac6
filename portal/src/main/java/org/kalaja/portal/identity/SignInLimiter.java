package org.kalaja.portal.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed sign-ins per account (5 in 15 minutes) and per client address (20 in 15 minutes), in memory.
 * Once either limit is reached, further attempts are refused without checking the password until the
 * oldest failure in the window is 15 minutes old, so guessing costs the attacker time, not the node CPU.
 *
 * <p>The account key is whatever the person typed (the lower-case email), so an email with no account is
 * limited exactly like one with an account and the answer tells nothing. A success clears the account's
 * failures, not the address's. Counters are per node and forgotten on restart.
 */
public final class SignInLimiter {
    public static final int PER_ACCOUNT = 5;
    public static final int PER_ADDRESS = 20;
    public static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int MAX_KEYS = 200_000;

    private final Clock clock;
    private final ConcurrentHashMap<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public SignInLimiter(Clock clock) {
        this.clock = clock;
    }

    /** Whole minutes (at least 1) until {@code account} from {@code address} may try again, or empty if it may now. */
    public OptionalLong blockedMinutes(String account, String address) {
        Instant now = clock.instant();
        long wait = Math.max(waitSeconds("acct:" + account, PER_ACCOUNT, now), waitSeconds("addr:" + address, PER_ADDRESS, now));
        return wait <= 0 ? OptionalLong.empty() : OptionalLong.of(Math.max(1, (wait + 59) / 60));
    }

    public void failed(String account, String address) {
        Instant now = clock.instant();
        if (failures.size() > MAX_KEYS) {
            for (String k : failures.keySet()) failures.computeIfPresent(k, (kk, q) -> {
                prune(q, now);
                return q.isEmpty() ? null : q;
            });
        }
        add("acct:" + account, now);
        add("addr:" + address, now);
    }

    public void succeeded(String account) {
        failures.remove("acct:" + account);
    }

    private void add(String key, Instant now) {
        failures.compute(key, (k, d) -> {
            Deque<Instant> q = d == null ? new ArrayDeque<>() : d;
            prune(q, now);
            q.addLast(now);
            return q;
        });
    }

    private long waitSeconds(String key, int limit, Instant now) {
        long[] wait = {0};
        failures.computeIfPresent(key, (k, q) -> {
            prune(q, now);
            if (q.size() >= limit) {
                Instant freeAt = q.toArray(new Instant[0])[q.size() - limit].plus(WINDOW);
                wait[0] = Duration.between(now, freeAt).toSeconds();
            }
            return q.isEmpty() ? null : q;
        });
        return wait[0];
    }

    private static void prune(Deque<Instant> q, Instant now) {
        while (!q.isEmpty() && !q.peekFirst().plus(WINDOW).isAfter(now)) q.removeFirst();
    }
}
