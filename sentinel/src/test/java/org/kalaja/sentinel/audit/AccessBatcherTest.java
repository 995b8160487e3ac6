package org.kalaja.sentinel.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Outcome;

class AccessBatcherTest {
    private static final Instant T = Instant.parse("2022-07-15T08:30:00.123456Z");

    @TempDir
    Path dir;

    static AuditEvent read(int i, String address) {
        return new AuditEvent(T.plusNanos(1_000L * i), Action.RECORD_GET, Outcome.SUCCESS, "token:3f9a0c1d2e3b4a59", "portal backend",
                "admin", address, "curl/8.5", "civil-status", "birth-2022-" + i, 3, -1, 1, "", Map.of());
    }

    @Provide
    Arbitrary<List<AuditEvent>> events() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').withChars("é\"\\\u00e4\u4e2d").ofMaxLength(300);
        Arbitrary<AuditEvent> event = Combinators.combine(
                Arbitraries.of(Action.class), Arbitraries.of(Outcome.class), text, text, Arbitraries.integers().between(0, 5000),
                Arbitraries.longs().between(-1, 1_000_000), Arbitraries.longs().between(-5_000_000, 5_000_000_000L), Arbitraries.of("", "c", "x"))
                .as((action, outcome, key, agent, count, version, micros, extra) -> new AuditEvent(T.plus(micros, ChronoUnit.MICROS), action,
                        outcome, "token:" + Math.abs(key.hashCode() % 7), "n", "clerk", "203.0.113." + (count % 5), agent, "civil-status", key,
                        version, -1, count, outcome == Outcome.FAILURE ? "forbidden" : "",
                        extra.isEmpty() ? Map.of() : Map.of("kalaja.first_seen.address", true, "kalaja.count_" + extra, (long) count)));
        return event.list().ofMinSize(1).ofMaxSize(3000);
    }

    @Property(tries = 30)
    void batchEntryNeverExceedsEntryLimit(@ForAll("events") List<AuditEvent> events) {
        List<List<AuditEvent>> batches = new ArrayList<>();
        AccessCodec.Batch batch = new AccessCodec.Batch("node-1");
        List<AuditEvent> in = new ArrayList<>();
        for (AuditEvent e : events) {
            if (!batch.add(e)) {
                assertFits(batch, in);
                batches.add(in);
                batch = new AccessCodec.Batch("node-1");
                in = new ArrayList<>();
                assertThat(batch.add(e)).as("an event fits an empty batch").isTrue();
            }
            in.add(e);
        }
        assertFits(batch, in);
    }

    private static void assertFits(AccessCodec.Batch batch, List<AuditEvent> in) {
        byte[] body = batch.toJson();
        assertThat(body.length).isEqualTo(batch.bytes()).isLessThanOrEqualTo(AccessCodec.MAX_BODY);
        Entry entry = new Entry(EntryKind.ACCESS, T, "sentinel", "", "", AccessCodec.COLLECTION, AccessCodec.KEY, 0, "", BodyType.JSON, body);
        assertThat(EntryCodec.encode(entry).length).isLessThanOrEqualTo(EntryCodec.MAX_ENCODED_SIZE);
        List<AuditEvent> back = AccessCodec.decode(7, entry);
        assertThat(back).hasSize(in.size());
        for (int i = 0; i < in.size(); i++) assertThat(back.get(i)).isEqualTo(asLogged(in.get(i), 7, i));
    }

    /** What an event reads back as from the log: its index and ordinal set, time in whole microseconds. */
    static AuditEvent asLogged(AuditEvent e, long index, int ordinal) {
        Map<String, Object> extra = new HashMap<>(e.extra());
        extra.put("kalaja.ordinal", (long) ordinal);
        String reason = e.outcome() == Outcome.SUCCESS ? "" : e.outcome() == Outcome.FAILURE && e.reason().isEmpty() ? "failure" : e.reason();
        return new AuditEvent(e.time().truncatedTo(ChronoUnit.MICROS), e.action(), e.outcome(), e.actor(), e.actorName(), e.role(), e.address(), e.userAgent(), e.collection(), e.key(),
                e.version(), index, e.count(), reason, extra);
    }

    @Test
    void accessEventsRoundTripThroughTheLog() {
        List<AuditEvent> offered = new ArrayList<>();
        for (int i = 0; i < 2500; i++) offered.add(read(i, "203.0.113." + (i % 3)));
        offered.add(new AuditEvent(T, Action.AUTH_FAILURE, Outcome.FAILURE, "anonymous", "", "", "198.51.100.9", "python-requests/2.31",
                "", "", -1, -1, 1, "unknown_token", Map.of("kalaja.token_id", "00000000000000ff")));
        try (TestLog log = new TestLog(dir)) {
            try (AccessBatcher batcher = new AccessBatcher(AccessBatcher.appender(log.engine()), "node-1", 10_000, Duration.ofMillis(50))) {
                for (AuditEvent e : offered) assertThat(batcher.offer(e)).isTrue();
            }
            log.restart();
            List<AuditEvent> logged = new ArrayList<>();
            List<Entry> entries = log.entries();
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                assertThat(e.kind()).isEqualTo(EntryKind.ACCESS);
                assertThat(e.actor()).isEqualTo("sentinel");
                assertThat(e.collection() + "/" + e.key()).isEqualTo("kalaja.audit/access");
                List<AuditEvent> batch = LogEvents.of(i, e);
                for (int n = 0; n < batch.size(); n++) {
                    assertThat(batch.get(n)).isEqualTo(asLogged(offered.get(logged.size()), i, n));
                    logged.add(batch.get(n));
                }
            }
            assertThat(entries).as("2,501 events of ~60 bytes need more than one entry").hasSizeGreaterThan(1);
            assertThat(logged).hasSize(offered.size());
        }
    }

    @Test
    void offerRefusesWhenTheQueueIsFullInsteadOfBlocking() throws Exception {
        CompletableFuture<Void> stuck = new CompletableFuture<>();
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        AccessBatcher batcher = new AccessBatcher(json -> {
            bodies.add(json);
            return stuck; // the store cannot commit
        }, "node-1", 100, Duration.ofMillis(10));
        int accepted = 0;
        int offered = 0;
        for (int round = 0; round < 2; round++) {
            // The first round may race with the flusher's drain; by the second it is stuck on the store.
            while (offered < 1_000_000 && batcher.offer(read(offered++, "203.0.113.1"))) accepted++;
            assertThat(offered).as("an offer was refused").isLessThan(1_000_000);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (bodies.isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
        }
        assertThat(batcher.offer(read(1, "203.0.113.1"))).as("still full while the store cannot commit").isFalse();
        assertThat(bodies).hasSize(1);
        stuck.complete(null);
        batcher.close();
        assertThat(batcher.events() + batcher.lost()).isEqualTo(accepted);
        assertThat(batcher.lost()).isZero();
    }

    @Test
    void failedBatchIsRetriedUntilItCommits() {
        List<byte[]> committed = new CopyOnWriteArrayList<>();
        int[] calls = {0};
        AccessBatcher batcher = new AccessBatcher(json -> {
            if (calls[0]++ < 2) return CompletableFuture.failedFuture(new IllegalStateException("store down"));
            committed.add(json);
            return CompletableFuture.completedFuture(null);
        }, "node-1", 1000, Duration.ofMillis(10));
        for (int i = 0; i < 10; i++) batcher.offer(read(i, "203.0.113.1"));
        batcher.close();
        Entry entry = new Entry(EntryKind.ACCESS, T, "sentinel", "", "", AccessCodec.COLLECTION, AccessCodec.KEY, 0, "", BodyType.JSON,
                committed.getFirst());
        assertThat(committed.stream().mapToInt(b -> AccessCodec.decode(0, new Entry(EntryKind.ACCESS, T, "sentinel", "", "",
                AccessCodec.COLLECTION, AccessCodec.KEY, 0, "", BodyType.JSON, b)).size()).sum()).isEqualTo(10);
        assertThat(AccessCodec.decode(0, entry).getFirst().key()).isEqualTo("birth-2022-0");
        assertThat(batcher.lost()).isZero();
    }
}
