package org.kalaja.sentinel.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class EventCountPropertyTest {
    private static final RuleSet RULES = rules();

    private static RuleSet rules() {
        try {
            Path dir = Files.createTempDirectory("sigma-prop");
            return Sigma.rules(dir, """
                    title: Five in thirty seconds
                    name: base
                    %s
                    detection: {s: {event.action: record.put}, condition: s}
                    ---
                    title: Burst
                    name: burst
                    correlation: {type: event_count, rules: [base], group-by: [user.id], timespan: 30s, condition: {gte: 5}}
                    ---
                    title: Few
                    name: few
                    correlation: {type: event_count, rules: [base], group-by: [user.id], timespan: 30s, condition: {gt: 1, lte: 3}}
                    """.formatted(Sigma.LOGSOURCE.strip()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whatever the gaps between events (bursts, pauses, equal times), the ring agrees with a full count. */
    @Property(tries = 300)
    void eventCountRingHoldsUnderAnyRate(@ForAll @Size(min = 1, max = 120) List<@IntRange(min = 0, max = 15_000) Integer> gapsMillis) {
        Evaluator ev = new Evaluator(RULES);
        Fields put = Sigma.event("event.action", "record.put", "user.id", "token:w");
        List<Long> times = new ArrayList<>();
        long now = 0;
        for (int gap : gapsMillis) {
            now += gap;
            times.add(now);
            long t = now;
            long inWindow = times.stream().filter(x -> x >= t - 30_000).count();
            List<String> fired = ev.evaluate(put, Sigma.T0.plusMillis(now)).stream().map(m -> m.rule().name()).toList();
            assertThat(fired.contains("burst")).as("burst with %d in window", inWindow).isEqualTo(inWindow >= 5);
            assertThat(fired.contains("few")).as("few with %d in window", inWindow).isEqualTo(inWindow > 1 && inWindow <= 3);
        }
    }
}
