package org.kalaja.server.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP load: requests leave on a fixed schedule ({@code rate} per second, round robin over
 * the targets) whether or not earlier ones were answered, and each latency is measured from the moment
 * the request was due, not from when it left. A closed-loop tool (wrk, ab) waits for answers before
 * sending more and so hides a server's stalls ("coordinated omission"); a citizen arriving at 23:59
 * does not wait for the previous one to be served.
 */
final class OpenLoop {
    /** One page under load: GET {@code path} with {@code cookie} (a signed-in person's session, or null). */
    record Target(String name, String path, @org.jspecify.annotations.Nullable String cookie) {}

    /** Latencies of one target, in milliseconds. */
    record Stats(String name, int requests, int errors, double p50, double p99, double max) {}

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    OpenLoop(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /**
     * Sends {@code rate × seconds} requests; returns per-target stats in {@code targets}' order.
     *
     * @param record false for a warm-up whose latencies are thrown away
     */
    List<Stats> run(List<Target> targets, int rate, int seconds, boolean record) throws InterruptedException {
        int total = rate * seconds;
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        Map<String, long[]> latencies = new ConcurrentHashMap<>();
        Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
        for (Target t : targets) {
            latencies.put(t.name(), new long[total / targets.size() + 1]);
            counts.put(t.name(), new AtomicLong());
            errors.put(t.name(), new AtomicLong());
        }
        List<CompletableFuture<?>> pending = new ArrayList<>(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            Target t = targets.get(i % targets.size());
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) LockSupport.parkNanos(wait);
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + t.path())).timeout(Duration.ofSeconds(30))
                    .header("User-Agent", "kalaja-bench-portal");
            if (t.cookie() != null) req.header("Cookie", t.cookie());
            pending.add(client.sendAsync(req.build(), HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
                long ms = System.nanoTime() - due;
                if (e != null || r.statusCode() != 200) errors.get(t.name()).incrementAndGet();
                long[] l = latencies.get(t.name());
                int slot = (int) counts.get(t.name()).getAndIncrement();
                if (slot < l.length) l[slot] = ms;
                return null;
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        List<Stats> out = new ArrayList<>();
        if (!record) return out;
        for (Target t : targets) {
            int n = (int) Math.min(counts.get(t.name()).get(), latencies.get(t.name()).length);
            long[] l = Arrays.copyOf(latencies.get(t.name()), n);
            Arrays.sort(l);
            out.add(new Stats(t.name(), n, (int) errors.get(t.name()).get(), pct(l, 50), pct(l, 99), n == 0 ? 0 : l[n - 1] / 1e6));
        }
        return out;
    }

    /** All targets together, as one page mix. */
    static Stats overall(List<Stats> per) {
        // Recomputing from raw latencies would need them kept; the worst page's p99 bounds the mix's p99.
        int n = per.stream().mapToInt(Stats::requests).sum();
        int err = per.stream().mapToInt(Stats::errors).sum();
        double p50 = per.stream().mapToDouble(Stats::p50).max().orElse(0);
        double p99 = per.stream().mapToDouble(Stats::p99).max().orElse(0);
        double max = per.stream().mapToDouble(Stats::max).max().orElse(0);
        return new Stats("all pages (worst page's percentiles)", n, err, p50, p99, max);
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }
}
