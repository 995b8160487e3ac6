package org.kalaja.sentinel.state;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.WriteResult;
import org.kalaja.sentinel.state.StateAudit.Report;
import org.kalaja.store.sqlite.SqliteStore;

/**
 * Measures the state audit on SQLite (docs/STATE-AUDIT.md): {@code java … StateAuditCost 100000 1000000}.
 * For each count: the first audit (whole log replayed + one scan), a second audit after 1,000 more writes
 * (tail + scan), and the heap the replayed state holds. Prints figures; asserts nothing (not a test).
 */
public final class StateAuditCost {
    private static final Caller CLERK = Caller.of("token:bench", "", "cost");

    private StateAuditCost() {
    }

    public static void main(String[] args) throws Exception {
        for (String arg : args) measure(Integer.parseInt(arg));
    }

    private static void measure(int records) throws Exception {
        Path dir = Files.createTempDirectory("state-audit-cost");
        try (SqliteStore store = SqliteStore.open(dir.resolve("kalaja.db"))) {
            RecordsEngine engine = RecordsEngine.open(store, EngineConfig.defaults());
            long began = System.nanoTime();
            write(engine, 0, records);
            System.out.printf("%,d records written in %,d ms%n", records, ms(began));
            if (System.getProperty("probe") != null) {
                long p = System.nanoTime();
                store.scanStates(row -> { });
                System.out.printf("  cold bare scan %,d ms%n", ms(p));
                p = System.nanoTime();
                new ExpectedState(store).advance(store.size());
                System.out.printf("  cold replay %,d ms%n", ms(p));
            }
            long heapBefore = usedHeap();
            StateAudit audit = StateAudit.create(engine);
            Report first = audit.runNow();
            long heap = usedHeap() - heapBefore;
            write(engine, records, 1_000);
            Report second = audit.runNow();
            Report third = audit.runNow();
            System.out.printf("records %,d: first audit %,d ms (clean %s), after 1,000 writes %,d ms, again %,d ms;"
                    + " replayed state ~%,d MB (%,d B/record)%n", records, first.took().toMillis(), first.clean(),
                    second.took().toMillis(), third.took().toMillis(), heap >> 20, heap / records);
            long t = System.nanoTime();
            new ExpectedState(store).advance(store.size());
            long replay = ms(t);
            t = System.nanoTime();
            long[] n = {0};
            store.scanStates(row -> n[0]++);
            long scan = ms(t);
            t = System.nanoTime();
            store.entries(0, store.size(), e -> n[0] += org.kalaja.ledger.EntryCodec.decode(e.data()).recordVersion());
            System.out.printf("  for comparison: replay alone %,d ms; bare scan of %,d rows %,d ms; bare read+decode of %,d"
                    + " entries %,d ms%n", replay, records + 1_000, scan, store.size(), ms(t));
            engine.close();
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void write(RecordsEngine engine, int from, int count) {
        List<CompletableFuture<WriteResult>> pending = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            byte[] body = ("{\"case\":" + i + ",\"status\":\"open\",\"owner\":\"clerk-" + (i % 97) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            pending.add(engine.put(CLERK, "cases", "case-" + i, body, -1, ""));
            if (pending.size() == 20_000) {
                pending.forEach(CompletableFuture::join);
                pending.clear();
            }
        }
        pending.forEach(CompletableFuture::join);
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static long ms(long began) {
        return (System.nanoTime() - began) / 1_000_000;
    }
}
