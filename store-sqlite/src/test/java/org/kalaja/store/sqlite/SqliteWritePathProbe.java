package org.kalaja.store.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;

/**
 * Measures the write path as the engine's group commit drives it: per transaction, look up the
 * batch's states and idempotency keys, then append 1 KiB entries and upsert one state row and one
 * idempotency key per entry, and commit durably.
 *
 * <p>Usage: {@code SqliteWritePathProbe [entries] [batch] [keys] [directory]}; defaults 200000,
 * 2000, {@code sequential}, a temporary directory. {@code keys} is {@code sequential} (record keys in
 * insertion order, no idempotency keys: what a time-ordered id gives), {@code random} (random UUID
 * record keys) or {@code random+idempotency} (and a random idempotency key per entry). Random keys
 * cost a B-tree page write per row once the table outgrows a batch, so they measure the disk.
 */
final class SqliteWritePathProbe {
    private SqliteWritePathProbe() {
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        String keys = args.length > 2 ? args[2] : "sequential";
        Path dir = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("kalaja-probe");
        Path file = dir.resolve("probe.db");
        Files.deleteIfExists(file);
        byte[] body = new byte[1024];
        new Random(1).nextBytes(body);

        try (SqliteStore store = SqliteStore.open(file)) {
            run(store, 20_000, batch, body, keys); // warm up the JIT
        }
        Files.delete(file);
        try (SqliteStore store = SqliteStore.open(file)) {
            long started = System.nanoTime();
            long lookupNanos = run(store, total, batch, body, keys);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("%d entries (1 KiB) + state upserts, %s keys, batches of %d, synchronous=FULL:%n", total, keys, batch);
            System.out.printf("  %.0f entries/s (%.2f s), of which state+key lookups %.2f s; file %d MiB%n",
                    total / seconds, seconds, lookupNanos / 1e9, Files.size(file) >> 20);
            readLatency(store, total);
        }
    }

    /** Random {@code entry(i)} lookups, as a GET of a record does: the median and 99th percentile. */
    private static void readLatency(SqliteStore store, int total) {
        Random random = new Random(2);
        long[] nanos = new long[20_000];
        for (int warm = 0; warm < 5_000; warm++) store.entry(random.nextInt(total));
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            store.entry(random.nextInt(total)).orElseThrow();
            nanos[i] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(nanos);
        System.out.printf("  random entry(i): median %.1f µs, p99 %.1f µs%n", nanos[nanos.length / 2] / 1e3, nanos[nanos.length * 99 / 100] / 1e3);
    }

    /** Returns the time spent in lookups. */
    private static long run(SqliteStore store, int total, int batch, byte[] body, String keyKind) {
        long lookups = 0;
        boolean random = keyKind.startsWith("random");
        boolean idempotency = keyKind.endsWith("idempotency");
        for (int done = 0; done < total; done += batch) {
            int n = Math.min(batch, total - done);
            List<RecordId> ids = new ArrayList<>(n);
            List<String> keys = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String key = random ? UUID.randomUUID().toString() : String.format("app-%012d", done + i);
                ids.add(new RecordId("applications", key));
                if (idempotency) keys.add(UUID.randomUUID().toString());
            }
            long[] spent = {0};
            store.write(tx -> {
                long t0 = System.nanoTime();
                tx.states(ids);
                tx.idempotencyKeys(keys);
                spent[0] = System.nanoTime() - t0;
                long at = tx.size();
                for (int i = 0; i < n; i++) {
                    tx.append(at + i, body, -1);
                    tx.putState(new RecordState(ids.get(i), 1, at + i, false));
                    if (idempotency) tx.putIdempotencyKey(keys.get(i), at + i);
                }
                return null;
            });
            lookups += spent[0];
        }
        return lookups;
    }
}
