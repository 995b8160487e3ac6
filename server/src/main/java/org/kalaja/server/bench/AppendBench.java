package org.kalaja.server.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.store.postgres.PostgresStore;
import org.kalaja.store.sqlite.SqliteStore;

/**
 * {@code kalaja bench append}: N records of 1 KiB written through the whole ledger path (validation,
 * group commit of entry + state in one durable transaction, integration into the tree, signed
 * checkpoint), against N plain upserts of the same bodies into an ordinary table of the same
 * database engine with the same durability, alternating runs, medians reported.
 */
public final class AppendBench {
    /** Writes in flight at once: enough to keep group commits full, bounded so memory stays flat. */
    private static final int WINDOW = 16_384;
    private static final Caller BENCH = Caller.of("bench", "127.0.0.1", "kalaja-bench");

    private final long records;
    private final int runs;
    private final PrintStream progress;
    private final byte[][] bodies = new byte[1024][];

    public AppendBench(long records, int runs, PrintStream progress) {
        this.records = records;
        this.runs = runs;
        this.progress = progress;
        for (int i = 0; i < bodies.length; i++) bodies[i] = body(i);
    }

    /** A 1 KiB JSON record: an application with some fields and a padding note. */
    private static byte[] body(int i) {
        String head = String.format(Locale.ROOT,
                "{\"service\":\"birth-certificate\",\"applicant\":\"J%08d\",\"status\":\"submitted\",\"seq\":%d,\"note\":\"", i * 7919, i);
        int pad = 1024 - head.length() - 2;
        return (head + "x".repeat(pad) + "\"}").getBytes(UTF_8);
    }

    public List<BenchResult> run(List<String> engines) throws Exception {
        warmUp();
        List<BenchResult> results = new ArrayList<>();
        for (String engine : engines) {
            results.add(switch (engine) {
                case "sqlite" -> sqlite();
                case "postgresql" -> postgres();
                default -> throw new IllegalArgumentException("unknown engine '" + engine + "': use sqlite or postgresql");
            });
        }
        return results;
    }

    /** One untimed round of both sides, so that the first measured run does not pay for the JIT. */
    private void warmUp() throws Exception {
        long count = Math.min(records, 50_000);
        progress.printf(Locale.ROOT, "warming up (%,d records each side, not measured)…%n", count);
        Path dir = Files.createTempDirectory("kalaja-bench-warmup-");
        try {
            ledgerRun(SqliteStore.open(dir.resolve("ledger.db")), count);
            PlainUpserts.run("jdbc:sqlite:" + dir.resolve("plain.db"), null, null, true, count, bodies);
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    private BenchResult sqlite() throws Exception {
        Runs figures = new Runs("sqlite");
        for (int r = 0; r < runs; r++) {
            Path dir = Files.createTempDirectory("kalaja-bench-");
            try {
                figures.measure(r, () -> ledgerRun(SqliteStore.open(dir.resolve("ledger.db")), records),
                        () -> PlainUpserts.run("jdbc:sqlite:" + dir.resolve("plain.db"), null, null, true, records, bodies));
            } finally {
                BenchSupport.deleteTree(dir);
            }
        }
        return figures.result();
    }

    private BenchResult postgres() throws Exception {
        progress.println("starting PostgreSQL (embedded binaries, synchronous_commit=on, fsync=on)…");
        Path dir = Files.createTempDirectory("kalaja-bench-pg-");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(true)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .start()) {
            Runs figures = new Runs("postgresql");
            for (int r = 0; r < runs; r++) {
                String ledgerDb = "bench_ledger_" + r;
                String plainDb = "bench_plain_" + r;
                try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + ledgerDb);
                    s.execute("CREATE DATABASE " + plainDb);
                }
                figures.measure(r, () -> ledgerRun(PostgresStore.open(pg.getJdbcUrl("postgres", ledgerDb), "postgres", "postgres"), records),
                        () -> PlainUpserts.run(pg.getJdbcUrl("postgres", plainDb), "postgres", "postgres", false, records, bodies));
            }
            return figures.result();
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    /** Returns {records per second acknowledged, seconds from the last acknowledgement to a covering checkpoint}. */
    private double[] ledgerRun(Store store, long count) throws Exception {
        String origin = "bench.kalaja.localhost/log";
        LogIdentity identity = new LogIdentity(origin, SigningKey.generate(origin, SignatureType.ED25519));
        try (store; RecordsEngine engine = RecordsEngine.open(store, EngineConfig.defaults());
                TransparencyLog log = TransparencyLog.open(engine, identity)) {
            Semaphore window = new Semaphore(WINDOW);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong acknowledged = new AtomicLong();
            long start = System.nanoTime();
            for (long i = 0; i < count && failure.get() == null; i++) {
                window.acquire();
                engine.put(BENCH, "applications", "r-" + i, bodies[(int) (i % bodies.length)], -1, "")
                        .whenComplete((result, error) -> {
                            if (error != null) failure.compareAndSet(null, error);
                            else acknowledged.incrementAndGet();
                            window.release();
                        });
            }
            window.acquire(WINDOW);
            double ackSeconds = (System.nanoTime() - start) / 1e9;
            if (failure.get() != null) throw new IllegalStateException("a benchmark write failed", failure.get());
            if (acknowledged.get() != count) throw new IllegalStateException("only " + acknowledged.get() + " of " + count + " acknowledged");
            long integrateStart = System.nanoTime();
            long covered = log.integrate();
            double integrateSeconds = (System.nanoTime() - integrateStart) / 1e9;
            if (covered < count) throw new IllegalStateException("checkpoint covers " + covered + " of " + count);
            return new double[] {count / ackSeconds, integrateSeconds};
        }
    }

    @FunctionalInterface
    private interface Timed<T> {
        T run() throws Exception;
    }

    /** One engine's figures, run by run: each run times the ledger side, then the plain side. */
    private final class Runs {
        private final String engine;
        private final double[] ledger = new double[runs];
        private final double[] plain = new double[runs];
        private final double[] integrate = new double[runs];
        private final double[] ledgerCpu = new double[runs];
        private final double[] plainCpu = new double[runs];

        Runs(String engine) {
            this.engine = engine;
        }

        /** @param plainSide returns the seconds the plain upserts took */
        void measure(int r, Timed<double[]> ledgerSide, Timed<Double> plainSide) throws Exception {
            long cpu0 = BenchSupport.cpuNanos();
            double[] l = ledgerSide.run();
            long cpu1 = BenchSupport.cpuNanos();
            double plainSeconds = plainSide.run();
            ledger[r] = l[0];
            integrate[r] = l[1];
            plain[r] = records / plainSeconds;
            ledgerCpu[r] = (cpu1 - cpu0) / 1e3 / records;
            plainCpu[r] = (BenchSupport.cpuNanos() - cpu1) / 1e3 / records;
            progress.printf(Locale.ROOT, "  %-10s run %d/%d: ledger %,9.0f/s   plain upserts %,9.0f/s   ratio %.2f   cpu µs/write %.1f vs %.1f%n",
                    engine, r + 1, runs, ledger[r], plain[r], ledger[r] / plain[r], ledgerCpu[r], plainCpu[r]);
        }

        BenchResult result() {
            double l = BenchSupport.median(ledger);
            double p = BenchSupport.median(plain);
            return new BenchResult(engine, records, runs, l, p, l / p, BenchSupport.median(integrate), BenchSupport.median(ledgerCpu),
                    BenchSupport.median(plainCpu));
        }
    }
}
