package org.kalaja.server.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.Principal;
import org.kalaja.engine.RecordVersion;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.Role;
import org.kalaja.engine.Tokens;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.Admission;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.ContainedException;
import org.kalaja.sentinel.Outcome;
import org.kalaja.sentinel.Sentinel;
import org.kalaja.sentinel.SentinelConfig;
import org.kalaja.sentinel.audit.ChangeScore;
import org.kalaja.store.sqlite.SqliteStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kalaja bench sentinel}, in process on SQLite, no HTTP (it costs the same with and without the
 * sentinel). Part 1, the write path's cost of auditing: N puts of 1 KiB records (half creations, half
 * updates) through the engine alone; with the sentinel scoring every put (read the current version, score
 * the change, {@link Sentinel#admit}, put, {@link Sentinel#complete}) with the default rules; and as the
 * server's PUT route does it, reading and scoring only a body that may be opaque or thin
 * ({@code ChangeScore.worthScoring}). Each side on
 * a fresh store, the order rotated run by run, medians. Part 2, detection latency of a wiper: per trial a
 * new admin token deletes distinct records until refused, timed from the call of the triggering admission
 * to its refusal (in memory), and to the incident's and containment's entries being durable
 * ({@link Sentinel#flush}).
 */
final class SentinelBench {
    private static final int WINDOW = 4096;
    private static final Caller WRITER = Caller.of("token:bench", "10.0.0.8", "kalaja-bench");

    private final long records;
    private final int runs;
    private final int trials;
    private final PrintStream progress;
    private final byte[][] bodies = new byte[1024][];

    SentinelBench(long records, int runs, int trials, PrintStream progress) {
        this.records = records;
        this.runs = runs;
        this.trials = trials;
        this.progress = progress;
        for (int i = 0; i < bodies.length; i++) bodies[i] = body(i);
    }

    /** A 1 KiB application with readable notes (no long base64-like run, as in most records). */
    private static byte[] body(int i) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "{\"service\":\"birth-certificate\",\"applicant\":\"J%08d\",\"status\":\"submitted\",\"seq\":%d,\"note\":\"", i * 7919, i));
        while (s.length() < 1022) s.append("checked at the desk ").append(i % 97).append(". ");
        s.setLength(1022);
        return s.append("\"}").toString().getBytes(UTF_8);
    }

    /**
     * Medians over the runs: writes per second and CPU µs per write on each side, and the ratios to the engine
     * alone taken within each run; detection latencies in µs and ms.
     */
    record Result(long records, int runs, double plainPerS, double auditedPerS, double ratio, double prefilteredPerS, double prefilteredRatio,
            double plainCpuUs, double auditedCpuUs, double prefilteredCpuUs,
            int trials, double admitP50Us, double containP50Us, double containP99Us, double durableP50Ms, double durableP99Ms, int allowed, double load) {
        String toJson() {
            return String.format(Locale.ROOT, "{\"records\":%d,\"runs\":%d,\"engine_per_s\":%.0f,\"audited_per_s\":%.0f,\"ratio\":%.3f,"
                    + "\"prefiltered_per_s\":%.0f,\"prefiltered_ratio\":%.3f,\"engine_cpu_us\":%.2f,\"audited_cpu_us\":%.2f,"
                    + "\"prefiltered_cpu_us\":%.2f,\"trials\":%d,\"contain_p50_us\":%.1f,\"contain_p99_us\":%.1f,"
                    + "\"durable_p50_ms\":%.2f,\"durable_p99_ms\":%.2f,\"deletions_allowed\":%d,\"load_average\":%.2f}", records, runs, plainPerS,
                    auditedPerS, ratio, prefilteredPerS, prefilteredRatio, plainCpuUs, auditedCpuUs, prefilteredCpuUs, trials, admitP50Us, containP50Us, containP99Us, durableP50Ms, durableP99Ms, allowed, load);
        }
    }

    Result run() throws Exception {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        progress.printf(Locale.ROOT, "warming up (not measured)…%n");
        for (Side side : Side.values()) writes(side, Math.min(records, 20_000));
        int n = Side.values().length;
        double[][] perS = new double[n][runs];
        double[][] cpu = new double[n][runs];
        for (int r = 0; r < runs; r++) {
            // Rotate which side goes first, so a drift in the machine's load falls on every side.
            for (int i = 0; i < n; i++) {
                int side = (i + r) % n;
                double[] w = writes(Side.values()[side], records);
                perS[side][r] = w[0];
                cpu[side][r] = w[1];
            }
            progress.printf(Locale.ROOT, "  run %d/%d: engine %,8.0f/s %5.1f µs CPU; always scored %,8.0f/s %5.1f µs (ratio %.3f); as wired (prefilter) %,8.0f/s"
                    + " %5.1f µs (ratio %.3f)%n", r + 1, runs, perS[0][r], cpu[0][r], perS[1][r], cpu[1][r], perS[1][r] / perS[0][r], perS[2][r],
                    cpu[2][r], perS[2][r] / perS[0][r]);
        }
        long[][] detection = detection();
        // Ratios within each run (same machine state), then their median: the figure to trust on a shared machine.
        double[] wiredRatio = new double[runs];
        double[] prefilteredRatio = new double[runs];
        for (int r = 0; r < runs; r++) {
            wiredRatio[r] = perS[1][r] / perS[0][r];
            prefilteredRatio[r] = perS[2][r] / perS[0][r];
        }
        return new Result(records, runs, BenchSupport.median(perS[0]), BenchSupport.median(perS[1]), BenchSupport.median(wiredRatio), BenchSupport.median(perS[2]), BenchSupport.median(prefilteredRatio), BenchSupport.median(cpu[0]), BenchSupport.median(cpu[1]), BenchSupport.median(cpu[2]), trials,
                percentile(detection[3], 50) / 1e3, percentile(detection[0], 50) / 1e3, percentile(detection[0], 99) / 1e3, percentile(detection[1], 50) / 1e6,
                percentile(detection[1], 99) / 1e6, (int) detection[2][0], load);
    }

    /** What runs before each put. */
    enum Side {
        /** nothing: the engine alone */
        ENGINE,
        /** as the server's PUT route does: read the current version, score the change, admit */
        AS_WIRED,
        /** as the server's PUT route does: read and score only when ChangeScore.worthScoring(body) (opaque or thin) */
        PREFILTERED
    }

    /** Returns {writes per second, process CPU µs per write}. */
    private double[] writes(Side side, long count) throws Exception {
        boolean withSentinel = side != Side.ENGINE;
        Path dir = Files.createTempDirectory("kalaja-bench-sentinel-");
        try (SqliteStore store = SqliteStore.open(dir.resolve("kalaja.db"));
                RecordsEngine engine = RecordsEngine.open(store, EngineConfig.defaults());
                Sentinel sentinel = withSentinel ? Sentinel.start(engine, new Tokens(engine), SentinelConfig.defaults()) : null) {
            Semaphore window = new Semaphore(WINDOW);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long half = Math.max(1, count / 2);
            long cpu0 = BenchSupport.cpuNanos();
            long start = System.nanoTime();
            for (long i = 0; i < count && failure.get() == null; i++) {
                String key = "r-" + (i % half);
                byte[] body = bodies[(int) (i % bodies.length)];
                window.acquire();
                Admission a = sentinel == null ? null : admit(sentinel, engine, key, body, side == Side.PREFILTERED);
                engine.put(WRITER, "applications", key, body, -1, "").whenComplete((w, error) -> {
                    if (error != null) failure.compareAndSet(null, error);
                    else if (a != null) sentinel.complete(a, Outcome.SUCCESS, "", w.index(), w.version());
                    window.release();
                });
            }
            window.acquire(WINDOW);
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = BenchSupport.cpuNanos() - cpu0;
            if (failure.get() != null) throw new IllegalStateException("a benchmark write failed", failure.get());
            return new double[] {count / seconds, cpu / 1e3 / count};
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    /** What the server's PUT route does before the write: the change score from the current version, then admission. */
    private static Admission admit(Sentinel sentinel, RecordsEngine engine, String key, byte[] body, boolean prefilter) {
        Map<String, Object> score = Map.of();
        if (!prefilter || ChangeScore.worthScoring(body)) {
            score = ChangeScore.score(engine.get("applications", key).map(RecordVersion::json).orElse(null), body).fields();
        }
        return sentinel.admit(new AuditEvent(Instant.now(), Action.RECORD_PUT, Outcome.UNKNOWN, WRITER.actor(), "bench", "service",
                WRITER.address(), WRITER.userAgent(), "applications", key, -1, -1, 1, "", score));
    }

    /**
     * Returns {containment ns per trial, ns until durable per trial, {deletions allowed in the last trial}}. Each
     * trial's events are dated 15 min after the previous trial's, past the multi-actor rule's 10 min window, so
     * every trial is one stolen token alone (two in 10 min would put the node in safe mode, a different path).
     */
    private long[][] detection() throws Exception {
        Path dir = Files.createTempDirectory("kalaja-bench-sentinel-detect-");
        long[] contain = new long[trials];
        long[] durable = new long[trials];
        long[] plainAdmit = new long[trials];
        int allowed = 0;
        try (SqliteStore store = SqliteStore.open(dir.resolve("kalaja.db"));
                RecordsEngine engine = RecordsEngine.open(store, EngineConfig.defaults())) {
            Tokens tokens = new Tokens(engine);
            try (Sentinel sentinel = Sentinel.start(engine, tokens, SentinelConfig.defaults())) {
                Instant time = Instant.now();
                for (int t = 0; t < trials + 20; t++) {
                    Tokens.Issued issued = tokens.create(Caller.SYSTEM, Role.ADMIN, "stolen " + t);
                    Principal p = new Principal(issued.id(), issued.name(), Role.ADMIN);
                    List<CompletableFuture<?>> puts = new ArrayList<>();
                    for (int k = 0; k < 12; k++) puts.add(engine.put(Caller.SYSTEM, "people", "t" + t + "-" + k, bodies[k], -1, ""));
                    puts.forEach(CompletableFuture::join);
                    time = time.plus(Duration.ofMinutes(15));
                    int deleted = 0;
                    long refusedAt = -1;
                    long called = 0;
                    long admitted = 0;
                    for (int k = 0; k < 12 && refusedAt < 0; k++) {
                        AuditEvent e = new AuditEvent(time.plusMillis(k), Action.RECORD_DELETE, Outcome.UNKNOWN, p.actor(), p.name(), "admin",
                                "203.0.113.7", "curl/8.5", "people", "t" + t + "-" + k, -1, -1, 1, "", Map.of());
                        called = System.nanoTime();
                        try {
                            Admission a = sentinel.admit(e);
                            admitted = System.nanoTime() - called;
                            var w = engine.delete(p.caller("203.0.113.7", "curl/8.5"), "people", "t" + t + "-" + k, -1, "").join();
                            sentinel.complete(a, Outcome.SUCCESS, "", w.index(), w.version());
                            deleted++;
                        } catch (ContainedException refused) {
                            refusedAt = System.nanoTime();
                        }
                    }
                    if (refusedAt < 0) throw new IllegalStateException("trial " + t + ": 12 deletions and no containment");
                    sentinel.flush();
                    long flushed = System.nanoTime();
                    if (t >= 20) {
                        contain[t - 20] = refusedAt - called;
                        plainAdmit[t - 20] = admitted;
                        durable[t - 20] = flushed - called;
                    }
                    allowed = deleted;
                }
            }
        } finally {
            BenchSupport.deleteTree(dir);
        }
        progress.printf(Locale.ROOT, "  detection: %d wiper trials (after 20 warm-up trials), %d deletions allowed in each%n", trials, allowed);
        return new long[][] {contain, durable, {allowed}, plainAdmit};
    }

    private static double percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    @Command(name = "sentinel", mixinStandardHelpOptions = true,
            description = "The write path's cost of auditing (N puts through the engine alone and through the sentinel's admission "
                    + "with the default rules, same run, ratio and CPU per write) and the detection latency of a wiper (p50/p99).")
    static final class Cli implements Callable<Integer> {
        @Option(names = "--records", defaultValue = "100000", description = "puts per run and side (default ${DEFAULT-VALUE})")
        long records;

        @Option(names = "--runs", defaultValue = "3", description = "runs of each side; medians are reported (default ${DEFAULT-VALUE})")
        int runs;

        @Option(names = "--trials", defaultValue = "200", description = "wiper trials for the detection latency (default ${DEFAULT-VALUE})")
        int trials;

        @Option(names = "--json", description = "print a JSON object on stdout (progress goes to stderr)")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (records < 2 || runs < 1 || trials < 1) {
                System.err.println("--records must be at least 2, --runs and --trials at least 1");
                return 2;
            }
            System.err.printf(Locale.ROOT, "bench sentinel: %,d puts of 1 KiB per side, %d runs, %d wiper trials; load average %.2f%n",
                    records, runs, trials, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            Result r = new SentinelBench(records, runs, trials, System.err).run();
            if (json) {
                System.out.println(r.toJson());
            } else {
                System.out.printf(Locale.ROOT, "%nwrite path (%,d puts, medians of %d runs, ratios within a run): engine alone %,.0f/s (%.1f µs CPU per write);"
                        + " with the sentinel scoring every put %,.0f/s (%.1f µs), ratio %.3f; as wired, with the prefilter %,.0f/s (%.1f µs), ratio %.3f%n",
                        r.records(), r.runs(), r.plainPerS(), r.plainCpuUs(), r.auditedPerS(), r.auditedCpuUs(), r.ratio(), r.prefilteredPerS(),
                        r.prefilteredCpuUs(), r.prefilteredRatio());
                System.out.printf(Locale.ROOT, "wiper detection (%d trials, %d deletions allowed): the 10th (admitted) deletion's admission p50 %.1f µs;"
                        + " triggering admission → refusal p50 %.1f µs,"
                        + " p99 %.1f µs; → incident and containment entries durable p50 %.2f ms, p99 %.2f ms (load average at start %.2f)%n",
                        r.trials(), r.allowed(), r.admitP50Us(), r.containP50Us(), r.containP99Us(), r.durableP50Ms(), r.durableP99Ms(), r.load());
            }
            return 0;
        }
    }
}
