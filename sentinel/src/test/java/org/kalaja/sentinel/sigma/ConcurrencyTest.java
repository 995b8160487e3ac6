package org.kalaja.sentinel.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

class ConcurrencyTest {
    private static final RuleSet DEFAULTS = RuleSet.defaults();

    @RepeatedTest(5)
    @Timeout(60)
    void parallelDeletesFromOneActorAreContainedAtTheThreshold() throws InterruptedException {
        Evaluator ev = new Evaluator(DEFAULTS);
        int threads = 64;
        int perThread = 8;
        AtomicInteger passed = new AtomicInteger();
        ConcurrentLinkedQueue<Long> matchedCounts = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String prefix = "births/" + t + "-";
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        Fields delete = Sigma.event("event.action", "record.delete", "user.id", "token:stolen", "kalaja.record", prefix + i);
                        List<Match> m = ev.evaluate(delete, Instant.now());
                        if (m.isEmpty()) passed.incrementAndGet();
                        else matchedCounts.add(m.getFirst().count());
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) assertThat(w.join(Duration.ofSeconds(30))).isTrue();
        assertThat(failures).isEmpty();
        // gt 10: exactly ten deletions get through before every further one is matched (and refused).
        assertThat(passed.get()).isEqualTo(10);
        assertThat(matchedCounts).hasSize(threads * perThread - 10).allMatch(c -> c >= 11);
    }
}
