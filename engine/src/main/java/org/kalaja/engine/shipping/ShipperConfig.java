package org.kalaja.engine.shipping;

import java.time.Duration;

/**
 * How the shipper paces itself.
 *
 * @param pollInterval how often it looks for a new checkpoint when nobody waits for one; this bounds
 *     the part of the lag that is the shipper's own
 * @param minBackoff the first wait before retrying a vault that is down, doubled after each failure
 * @param maxBackoff the longest wait between two attempts on a vault that stays down, and between two
 *     witness rounds that missed the quorum
 * @param parallelism how many puts to one vault may be in flight at once while catching up
 */
public record ShipperConfig(Duration pollInterval, Duration minBackoff, Duration maxBackoff, int parallelism) {
    public ShipperConfig {
        if (pollInterval.isNegative() || pollInterval.isZero() || minBackoff.isNegative() || minBackoff.isZero()
                || maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("the poll interval and backoffs must be positive, the maximum backoff at"
                    + " least the minimum; got " + pollInterval + ", " + minBackoff + ", " + maxBackoff);
        }
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be between 1 and 64, got " + parallelism);
        }
    }

    /** 100 ms polls, retries from 100 ms up to 30 s, 4 puts in flight per vault. */
    public static ShipperConfig defaults() {
        return new ShipperConfig(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(30), 4);
    }

    public ShipperConfig withBackoff(Duration min, Duration max) {
        return new ShipperConfig(pollInterval, min, max, parallelism);
    }
}
