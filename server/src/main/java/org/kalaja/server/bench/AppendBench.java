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
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Caller;
import org.kalaja.engine.CollectionPolicy;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.seal.Kms;
import org.kalaja.engine.seal.PassphraseKms;
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
 *
 * <p>With {@code --sealed}, each run also writes the same records into a sealed collection, once
 * with a data key per applicant (subject pointer {@code /applicant}: 1,024 applicants, so 1,024 data
 * keys) and once under the collection's key of the hour; the three Kalaja sides run in an order
 * rotated run by run, and each sealed side is reported against the unsealed side of the same run.
 * Every Kalaja side is first primed, untimed, with one write per applicant, which creates the data
 * keys: the timed writes measure sealing in steady state, and the priming tells what a new
 * applicant's key costs. Keys come from a {@link PassphraseKms} in the run's scratch directory.
 */
public final class AppendBench {
    /** Writes in flight at once: enough to keep group commits full, bounded so memory stays flat. */
    private static final int WINDOW = 16_384;
    private static final Caller BENCH = Caller.of("bench", "127.0.0.1", "kalaja-bench");

    /** What a Kalaja side seals. */
    enum Seal {
        /** nothing: the collection declared nothing */
        NONE("kalaja", null),
        /** every body, under its applicant's data key */
        SUBJECT("sealed/subject", "/applicant"),
        /** every body, under the collection's key of the hour */
        HOURLY("sealed/hourly", null);

        final String label;
        final @Nullable String subject;

        Seal(String label, @Nullable String subject) {
            this.label = label;
            this.subject = subject;
        }
    }

    private final long records;
    private final int runs;
    private final PrintStream progress;
    private final List<Seal> sides;
    private final byte[][] bodies = new byte[1024][];

    public AppendBench(long records, int runs, PrintStream progress) {
        this(records, runs, false, progress);
    }

    /** @param sealed whether each run also measures the two sealed sides beside the unsealed one */
    public AppendBench(long records, int runs, boolean sealed, PrintStream progress) {
        this.records = records;
        this.runs = runs;
        this.progress = progress;
        this.sides = sealed ? List.of(Seal.NONE, Seal.SUBJECT, Seal.HOURLY) : List.of(Seal.NONE);
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

    /**
     * One untimed round of every side, so that the first measured run does not pay for the JIT: as
     * long as a measured run (up to 200,000 records), since after 50,000 the first measured run still
     * cost a third more CPU per write than the later ones.
     */
    private void warmUp() throws Exception {
        long count = Math.min(records, 200_000);
        progress.printf(Locale.ROOT, "warming up (%,d records each side, not measured)…%n", count);
        Path dir = Files.createTempDirectory("kalaja-bench-warmup-");
        try {
            for (Seal seal : sides) ledgerRun(SqliteStore.open(dir.resolve(seal.name() + ".db")), count, seal, dir);
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
                figures.measure(r, seal -> ledgerRun(SqliteStore.open(dir.resolve(seal.name() + ".db")), records, seal, dir),
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
                String plainDb = "bench_plain_" + r;
                int run = r;
                try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    for (Seal seal : sides) s.execute("CREATE DATABASE " + ledgerDb(seal, run));
                    s.execute("CREATE DATABASE " + plainDb);
                }
                Path keys = Files.createTempDirectory("kalaja-bench-keys-");
                try {
                    figures.measure(r, seal -> ledgerRun(PostgresStore.open(pg.getJdbcUrl("postgres", ledgerDb(seal, run)), "postgres",
                                    "postgres"), records, seal, keys),
                            () -> PlainUpserts.run(pg.getJdbcUrl("postgres", plainDb), "postgres", "postgres", false, records, bodies));
                } finally {
                    BenchSupport.deleteTree(keys);
                }
            }
            return figures.result();
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    private static String ledgerDb(Seal seal, int run) {
        return "bench_ledger_" + seal.name().toLowerCase(Locale.ROOT) + "_" + run;
    }

    /**
     * Returns {records per second acknowledged, seconds from the last acknowledgement to a covering
     * checkpoint, seconds the priming took, CPU nanoseconds the priming took}. A sealed side opens a passphrase keystore in
     * {@code keysDir} and declares the collection sealed before the clock starts. With sealed sides,
     * every Kalaja side is primed, untimed, with one write of each of the 1,024 bodies: the sealed
     * sides create their data keys there (one per applicant, or the hour's), so that the timed writes
     * measure sealing in steady state and the priming times tell what a new subject's key costs.
     */
    private double[] ledgerRun(Store store, long count, Seal seal, Path keysDir) throws Exception {
        String origin = "bench.kalaja.localhost/log";
        LogIdentity identity = new LogIdentity(origin, SigningKey.generate(origin, SignatureType.ED25519));
        try (store; Kms kms = seal == Seal.NONE ? null
                        : PassphraseKms.open(keysDir.resolve(seal.name() + "-keys.p12"), BenchSupport.PASSPHRASE);
                RecordsEngine engine = kms == null ? RecordsEngine.open(store, EngineConfig.defaults())
                        : RecordsEngine.open(store, EngineConfig.defaults(), kms);
                TransparencyLog log = TransparencyLog.open(engine, identity)) {
            if (seal != Seal.NONE) engine.declare(BENCH, "applications", new CollectionPolicy(true, seal.subject));
            long cpu0 = BenchSupport.cpuNanos();
            double primeSeconds = sides.size() > 1 ? write(engine, "prime-", bodies.length) : 0;
            long primeCpu = BenchSupport.cpuNanos() - cpu0;
            double ackSeconds = write(engine, "r-", count);
            long integrateStart = System.nanoTime();
            long covered = log.integrate();
            double integrateSeconds = (System.nanoTime() - integrateStart) / 1e9;
            if (covered < count) throw new IllegalStateException("checkpoint covers " + covered + " of " + count);
            return new double[] {count / ackSeconds, integrateSeconds, primeSeconds, primeCpu};
        }
    }

    /** Puts records {@code prefix0 … prefix(count-1)}, up to {@link #WINDOW} in flight; returns the seconds until all were durable. */
    private double write(RecordsEngine engine, String prefix, long count) throws InterruptedException {
        Semaphore window = new Semaphore(WINDOW);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong acknowledged = new AtomicLong();
        long start = System.nanoTime();
        for (long i = 0; i < count && failure.get() == null; i++) {
            window.acquire();
            engine.put(BENCH, "applications", prefix + i, bodies[(int) (i % bodies.length)], -1, "")
                    .whenComplete((result, error) -> {
                        if (error != null) failure.compareAndSet(null, error);
                        else acknowledged.incrementAndGet();
                        window.release();
                    });
        }
        window.acquire(WINDOW);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) throw new IllegalStateException("a benchmark write failed", failure.get());
        if (acknowledged.get() != count) throw new IllegalStateException("only " + acknowledged.get() + " of " + count + " acknowledged");
        return seconds;
    }

    @FunctionalInterface
    private interface Timed<T> {
        T run() throws Exception;
    }

    @FunctionalInterface
    private interface LedgerSide {
        /** Returns {records per second acknowledged, seconds to a covering checkpoint, seconds and CPU nanoseconds of priming}. */
        double[] run(Seal seal) throws Exception;
    }

    /** One engine's figures, run by run: each run times the Kalaja sides (order rotated), then the plain side. */
    private final class Runs {
        private final String engine;
        private final double[][] ledger = new double[Seal.values().length][runs];
        private final double[][] ledgerCpu = new double[Seal.values().length][runs];
        private final double[][] prime = new double[Seal.values().length][runs];
        private final double[] plain = new double[runs];
        private final double[] integrate = new double[runs];
        private final double[] plainCpu = new double[runs];

        Runs(String engine) {
            this.engine = engine;
        }

        /** @param plainSide returns the seconds the plain upserts took */
        void measure(int r, LedgerSide ledgerSide, Timed<Double> plainSide) throws Exception {
            for (int i = 0; i < sides.size(); i++) {
                Seal seal = sides.get((r + i) % sides.size());
                long cpu0 = BenchSupport.cpuNanos();
                double[] l = ledgerSide.run(seal);
                ledger[seal.ordinal()][r] = l[0];
                prime[seal.ordinal()][r] = l[2];
                ledgerCpu[seal.ordinal()][r] = (BenchSupport.cpuNanos() - cpu0 - l[3]) / 1e3 / records;
                if (seal == Seal.NONE) integrate[r] = l[1];
            }
            long cpu1 = BenchSupport.cpuNanos();
            double plainSeconds = plainSide.run();
            plain[r] = records / plainSeconds;
            plainCpu[r] = (BenchSupport.cpuNanos() - cpu1) / 1e3 / records;
            double kalaja = ledger[Seal.NONE.ordinal()][r];
            progress.printf(Locale.ROOT, "  %-10s run %d/%d: ledger %,9.0f/s   plain upserts %,9.0f/s   ratio %.2f   cpu µs/write %.1f vs %.1f%n",
                    engine, r + 1, runs, kalaja, plain[r], kalaja / plain[r], ledgerCpu[Seal.NONE.ordinal()][r], plainCpu[r]);
            for (Seal seal : sides) {
                if (seal == Seal.NONE) continue;
                progress.printf(Locale.ROOT, "  %-10s run %d/%d: %-14s %,9.0f/s   sealed/kalaja %.2f   cpu µs/write %.1f   priming %.2f s vs %.2f s%n",
                        engine, r + 1, runs, seal.label, ledger[seal.ordinal()][r], ledger[seal.ordinal()][r] / kalaja, ledgerCpu[seal.ordinal()][r],
                        prime[seal.ordinal()][r], prime[Seal.NONE.ordinal()][r]);
            }
        }

        BenchResult result() {
            double l = BenchSupport.median(ledger[Seal.NONE.ordinal()]);
            double p = BenchSupport.median(plain);
            return new BenchResult(engine, records, runs, l, p, l / p, BenchSupport.median(integrate),
                    BenchSupport.median(ledgerCpu[Seal.NONE.ordinal()]), BenchSupport.median(plainCpu),
                    sides.size() == 1 ? null : new BenchResult.Sealed(sealed(Seal.SUBJECT), sealed(Seal.HOURLY), newSubjectMs()));
        }

        /** What each new applicant's data key added to the priming, in ms: (subject side − unsealed side) / 1,024, median over the runs. */
        private double newSubjectMs() {
            double[] ms = new double[runs];
            for (int r = 0; r < runs; r++) ms[r] = (prime[Seal.SUBJECT.ordinal()][r] - prime[Seal.NONE.ordinal()][r]) * 1e3 / bodies.length;
            return BenchSupport.median(ms);
        }

        /** A sealed side's medians; its ratio is the median of the run-by-run ratios to the unsealed side. */
        private BenchResult.Side sealed(Seal seal) {
            double[] ratios = new double[runs];
            for (int r = 0; r < runs; r++) ratios[r] = ledger[seal.ordinal()][r] / ledger[Seal.NONE.ordinal()][r];
            return new BenchResult.Side(BenchSupport.median(ledger[seal.ordinal()]), BenchSupport.median(ratios),
                    BenchSupport.median(ledgerCpu[seal.ordinal()]));
        }
    }
}
