package org.kalaja.sentinel;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * How the sentinel runs.
 *
 * @param rules          folders (or files) of Sigma rules loaded after the defaults; a rule with a
 *                       default's id replaces it
 * @param incidentWindow a later match of an open incident's rule and group within this time of the
 *                       incident's detection updates it instead of opening another (the longest default
 *                       rule timespan, 1 h)
 * @param blockFor       how long {@code block_address} blocks when the rule gives no {@code block_for}
 * @param clock          the time containment and approvals are stamped with
 */
public record SentinelConfig(List<Path> rules, Duration incidentWindow, Duration blockFor, Clock clock) {
    public SentinelConfig {
        rules = List.copyOf(rules);
        if (incidentWindow.isNegative() || blockFor.isNegative() || blockFor.isZero()) {
            throw new IllegalArgumentException("the incident window and the block duration must be positive");
        }
    }

    /** Default rules only, 1 h incidents, 15 min blocks, the system clock. */
    public static SentinelConfig defaults() {
        return new SentinelConfig(List.of(), Duration.ofHours(1), Duration.ofMinutes(15), Clock.systemUTC());
    }

    public SentinelConfig withRules(List<Path> dirs) {
        return new SentinelConfig(dirs, incidentWindow, blockFor, clock);
    }

    public SentinelConfig withClock(Clock newClock) {
        return new SentinelConfig(rules, incidentWindow, blockFor, newClock);
    }
}
