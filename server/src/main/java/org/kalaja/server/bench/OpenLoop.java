package org.kalaja.server.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop HTTP load: requests leave on a fixed schedule ({@code rate} per second, round robin over
 * the targets) whether or not earlier ones were answered, and each latency is measured from the moment
 * the request was due, not from when it left. A closed-loop tool (wrk, ab) waits for answers before
 * sending more and so hides a server's stalls ("coordinated omission"); a citizen arriving at 23:59
 * does not wait for the previous one to be served.
 */
final class OpenLoop {
    /**
     * One page under load: GET {@code path}, as anonymous visitors ({@code sessions} empty) or as signed-in
     * people taking turns (each request carries the next one's session cookie).
     */
    record Target(String name, String path, List<String> sessions) {
        Target {
            sessions = List.copyOf(sessions);
        }

        @org.jspecify.annotations.Nullable String cookie(int turn) {
            return sessions.isEmpty() ? null : sessions.get(turn % sessions.size());
        }
    }

    /** Latencies of one target, in milliseconds. */
    record Stats(String name, int requests, int errors, double p50, double p99, double max) {}

    /** Connections to the node, each a worker thread sending its share of the schedule one request at a time. */
    static final int CONNECTIONS = 32;

    private final String base;

    OpenLoop(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /**
     * Sends {@code rate × seconds} requests; returns per-target stats in {@code targets}' order.
     *
     * <p>Request {@code i} is due at {@code start + i / rate} and goes out on connection {@code i mod
     * CONNECTIONS} (keep-alive, like a browser's). A connection still waiting for an earlier answer sends late,
     * and that lateness counts in the latency, as a person waiting would count it. A fixed set of
     * connections also keeps the client from opening hundreds of sockets when the server slows down,
     * which would measure the client's thrashing instead of the server.
     *
     * @param record false for a warm-up whose latencies are thrown away
     */
    List<Stats> run(List<Target> targets, int rate, int seconds, boolean record) throws InterruptedException {
        int total = rate * seconds;
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        long[] latency = new long[total];
        boolean[] failed = new boolean[total];
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < CONNECTIONS; w++) {
            int first = w;
            workers.add(Thread.ofPlatform().name("bench-connection-" + w).start(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
                for (int i = first; i < total; i += CONNECTIONS) {
                    Target t = targets.get(i % targets.size());
                    long due = start + i * period;
                    long wait = due - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + t.path())).timeout(Duration.ofSeconds(30))
                            .header("User-Agent", "kalaja-bench-portal");
                    String cookie = t.cookie(i / targets.size());
                    if (cookie != null) req.header("Cookie", cookie);
                    try {
                        failed[i] = client.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode() != 200;
                    } catch (IOException e) {
                        failed[i] = true;
                    } catch (InterruptedException e) {
                        return;
                    }
                    latency[i] = System.nanoTime() - due;
                }
            }));
        }
        for (Thread w : workers) w.join();
        List<Stats> out = new ArrayList<>();
        if (!record) return out;
        for (int k = 0; k < targets.size(); k++) {
            List<Long> mine = new ArrayList<>();
            int errors = 0;
            for (int i = k; i < total; i += targets.size()) {
                mine.add(latency[i]);
                if (failed[i]) errors++;
            }
            long[] l = mine.stream().mapToLong(Long::longValue).sorted().toArray();
            out.add(new Stats(targets.get(k).name(), l.length, errors, pct(l, 50), pct(l, 99), l.length == 0 ? 0 : l[l.length - 1] / 1e6));
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
