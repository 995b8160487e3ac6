package org.kalaja.server.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.shipping.LogSource;
import org.kalaja.engine.shipping.Shipper;
import org.kalaja.engine.shipping.ShipperConfig;
import org.kalaja.engine.shipping.ShippingStatus;
import org.kalaja.engine.vault.DirectoryVault;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.store.sqlite.SqliteStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kalaja bench ship}: what shipping to a directory vault (on the same disk as the SQLite store,
 * the worst case for contention) costs. Part 1, store durability: writes at full speed while the shipper
 * follows; reports the worst lag seen (sampled every 20 ms) and how long after the last acknowledgement
 * the vault held everything. Part 2, vault durability: the same number of concurrent writers, each
 * waiting for its write to be durable in the store only, then in store and vault; reports throughput
 * and latency side by side. The HTTP layer is left out: it costs the same in both modes.
 */
final class ShipBench {
    private static final Caller BENCH = Caller.of("bench", "127.0.0.1", "kalaja-bench");
    private static final int WINDOW = 16_384;

    private final long records;
    private final int writers;
    private final PrintStream progress;

    ShipBench(long records, int writers, PrintStream progress) {
        this.records = records;
        this.writers = writers;
        this.progress = progress;
    }

    /** The measured figures; lags in seconds, latencies in milliseconds. */
    record Result(long records, double storeModePerS, double maxLagS, long maxLagEntries, double drainS, int writers,
            long waitedWrites, double storeWaitPerS, double vaultWaitPerS, double storeP50Ms, double storeP99Ms,
            double vaultP50Ms, double vaultP99Ms) {
        String toJson() {
            return String.format(Locale.ROOT, "{\"records\":%d,\"store_mode_per_s\":%.0f,\"max_lag_s\":%.3f,\"max_lag_entries\":%d,"
                    + "\"drain_s\":%.3f,\"writers\":%d,\"waited_writes\":%d,\"store_wait_per_s\":%.0f,\"vault_wait_per_s\":%.0f,"
                    + "\"store_p50_ms\":%.2f,\"store_p99_ms\":%.2f,\"vault_p50_ms\":%.2f,\"vault_p99_ms\":%.2f}", records, storeModePerS,
                    maxLagS, maxLagEntries, drainS, writers, waitedWrites, storeWaitPerS, vaultWaitPerS, storeP50Ms, storeP99Ms,
                    vaultP50Ms, vaultP99Ms);
        }
    }

    Result run() throws Exception {
        double[] storeMode = storeModeLag();
        long waited = Math.min(records, 20_000);
        double[] store = waitingWriters(false, waited);
        double[] vault = waitingWriters(true, waited);
        return new Result(records, storeMode[0], storeMode[1], (long) storeMode[2], storeMode[3], writers, waited,
                store[0], vault[0], store[1], store[2], vault[1], vault[2]);
    }

    /** {acknowledged per second, max lag seconds, max lag entries, seconds from last ack until the vault held all}. */
    private double[] storeModeLag() throws Exception {
        progress.printf(Locale.ROOT, "store durability: %,d records of 1 KiB at full speed, shipper following…%n", records);
        try (Setup s = new Setup()) {
            Semaphore window = new Semaphore(WINDOW);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            double maxLagS = 0;
            long maxLagEntries = 0;
            long start = System.nanoTime();
            long nextSample = start;
            for (long i = 0; i < records && failure.get() == null; i++) {
                window.acquire();
                s.engine.put(BENCH, "applications", "r-" + i, body(i), -1, "").whenComplete((r, e) -> {
                    if (e != null) failure.compareAndSet(null, e);
                    window.release();
                });
                if (System.nanoTime() > nextSample) {
                    ShippingStatus.VaultStatus v = s.shipper.status().vaults().getFirst();
                    maxLagS = Math.max(maxLagS, v.lagSeconds());
                    maxLagEntries = Math.max(maxLagEntries, v.lagEntries());
                    nextSample = System.nanoTime() + 20_000_000L;
                }
            }
            window.acquire(WINDOW);
            if (failure.get() != null) throw new IllegalStateException("a benchmark write failed", failure.get());
            long acked = System.nanoTime();
            long size = s.engine.size();
            s.shipper.published(size - 1).get(10, TimeUnit.MINUTES);
            long drained = System.nanoTime();
            ShippingStatus.VaultStatus v = s.shipper.status().vaults().getFirst();
            maxLagS = Math.max(maxLagS, v.maxLagSeconds());
            double perS = records / ((acked - start) / 1e9);
            progress.printf(Locale.ROOT, "  %,.0f writes/s acknowledged; worst lag %.2f s / %,d entries; vault complete %.2f s"
                    + " after the last acknowledgement%n", perS, maxLagS, maxLagEntries, (drained - acked) / 1e9);
            return new double[] {perS, maxLagS, maxLagEntries, (drained - acked) / 1e9};
        }
    }

    /** {writes per second, p50 ms, p99 ms} of {@code writers} clients each writing and waiting, {@code count} in all. */
    private double[] waitingWriters(boolean vault, long count) throws Exception {
        progress.printf(Locale.ROOT, "%s durability: %d writers waiting for each write, %,d writes…%n", vault ? "vault" : "store",
                writers, count);
        try (Setup s = new Setup(); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicLong next = new AtomicLong();
            double[] latencies = new double[(int) count];
            List<Future<?>> clients = new ArrayList<>();
            long start = System.nanoTime();
            for (int w = 0; w < writers; w++) {
                clients.add(pool.submit((Callable<Void>) () -> {
                    for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        long t0 = System.nanoTime();
                        WriteResult r = s.engine.put(BENCH, "applications", "w-" + i, body(i), -1, "").get();
                        if (vault) s.shipper.published(r.index()).get(1, TimeUnit.MINUTES);
                        latencies[(int) i] = (System.nanoTime() - t0) / 1e6;
                    }
                    return null;
                }));
            }
            for (Future<?> c : clients) c.get();
            double perS = count / ((System.nanoTime() - start) / 1e9);
            Arrays.sort(latencies);
            double p50 = latencies[(int) (count * 0.50)];
            double p99 = latencies[(int) Math.min(count - 1, count * 0.99)];
            progress.printf(Locale.ROOT, "  %,.0f writes/s, latency p50 %.1f ms, p99 %.1f ms%n", perS, p50, p99);
            return new double[] {perS, p50, p99};
        }
    }

    private static byte[] body(long i) {
        String head = String.format(Locale.ROOT, "{\"service\":\"birth-certificate\",\"applicant\":\"J%08d\",\"note\":\"", i);
        return (head + "x".repeat(1024 - head.length() - 2) + "\"}").getBytes(UTF_8);
    }

    /** A node without HTTP: SQLite store, engine, log (default 500 ms interval) and a shipper to a vault beside it. */
    private static final class Setup implements AutoCloseable {
        final Path dir;
        final SqliteStore store;
        final RecordsEngine engine;
        final TransparencyLog log;
        final DirectoryVault vault;
        final Shipper shipper;

        Setup() throws IOException {
            dir = Files.createTempDirectory("kalaja-bench-ship-");
            store = SqliteStore.open(dir.resolve("ledger.db"));
            engine = RecordsEngine.open(store, EngineConfig.defaults());
            String origin = "bench.kalaja.localhost/log";
            log = TransparencyLog.open(engine, new LogIdentity(origin, SigningKey.generate(origin, SignatureType.ED25519)));
            vault = DirectoryVault.open(Files.createDirectory(dir.resolve("vault")));
            shipper = Shipper.start(LogSource.of(log, store), List.of(vault), null, ShipperConfig.defaults());
        }

        @Override
        public void close() throws IOException {
            engine.close();
            log.close();
            shipper.close();
            vault.close();
            store.close();
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    p.toFile().setWritable(true);
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** {@code kalaja bench ship}. */
    @Command(name = "ship", mixinStandardHelpOptions = true,
            description = "Measure shipping to a directory vault on the same disk: the worst lag in store durability under "
                    + "full-speed writes, and the throughput and latency of vault durability against store durability.")
    static final class Ship implements Callable<Integer> {
        @Option(names = "--records", defaultValue = "200000", description = "records written in store durability (default ${DEFAULT-VALUE})")
        long records;

        @Option(names = "--writers", defaultValue = "64", description = "concurrent writers that wait for each write (default ${DEFAULT-VALUE})")
        int writers;

        @Option(names = "--json", description = "print a JSON object on stdout (progress goes to stderr)")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (records < 1 || writers < 1) {
                System.err.println("--records and --writers must be at least 1");
                return 2;
            }
            Result r = new ShipBench(records, writers, System.err).run();
            if (json) {
                System.out.println(r.toJson());
            } else {
                System.out.printf(Locale.ROOT, "%nstore durability: %,.0f writes/s, worst vault lag %.2f s (%,d entries), vault"
                        + " complete %.2f s after the last write%n", r.storeModePerS(), r.maxLagS(), r.maxLagEntries(), r.drainS());
                System.out.printf(Locale.ROOT, "%d waiting writers: store %,.0f/s (p50 %.1f ms, p99 %.1f ms), vault %,.0f/s"
                        + " (p50 %.1f ms, p99 %.1f ms)%n", r.writers(), r.storeWaitPerS(), r.storeP50Ms(), r.storeP99Ms(),
                        r.vaultWaitPerS(), r.vaultP50Ms(), r.vaultP99Ms());
            }
            return 0;
        }
    }
}
