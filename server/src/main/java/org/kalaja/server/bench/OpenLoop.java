package org.kalaja.server.bench;

import java.io.IOException;
import java.net.URI;
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
     * CONNECTIONS} (keep-alive, like a browser's; {@link Connection}). A connection still waiting for an earlier answer sends late,
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
                try (Connection c = new Connection(base)) {
                    for (int i = first; i < total; i += CONNECTIONS) {
                        Target t = targets.get(i % targets.size());
                        long due = start + i * period;
                        long wait = due - System.nanoTime();
                        if (wait > 0) LockSupport.parkNanos(wait);
                        failed[i] = c.get(t.path(), t.cookie(i / targets.size())) != 200;
                        latency[i] = System.nanoTime() - due;
                    }
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

    /**
     * One keep-alive HTTP/1.1 connection, as lean as a load generator must be: the JDK's HttpClient cost
     * more than a millisecond of CPU per request here, taken from the very node being measured on a
     * two-core machine. GET only; bodies are read by Content-Length (the portal always sends one).
     */
    static final class Connection implements AutoCloseable {
        private final String host;
        private final int port;
        private java.net.@org.jspecify.annotations.Nullable Socket socket;
        private java.io.@org.jspecify.annotations.Nullable BufferedInputStream in;
        private final byte[] skip = new byte[16 * 1024];

        Connection(String base) {
            URI u = URI.create(base);
            this.host = u.getHost();
            this.port = u.getPort();
        }

        /** The status of GET {@code path}, or -1 when the connection failed (it is reopened next time). */
        int get(String path, @org.jspecify.annotations.Nullable String cookie) {
            try {
                if (socket == null) {
                    socket = new java.net.Socket(host, port);
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(30_000);
                    in = new java.io.BufferedInputStream(socket.getInputStream(), 16 * 1024);
                }
                String req = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUser-Agent: kalaja-bench-portal\r\n"
                        + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n";
                socket.getOutputStream().write(req.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                return read();
            } catch (IOException | RuntimeException e) {
                close();
                return -1;
            }
        }

        private int read() throws IOException {
            java.io.BufferedInputStream s = java.util.Objects.requireNonNull(in);
            String status = line(s);
            int code = Integer.parseInt(status.substring(9, 12));
            long length = 0;
            boolean close = false;
            boolean chunked = false;
            for (String h = line(s); !h.isEmpty(); h = line(s)) {
                String lower = h.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) length = Long.parseLong(h.substring(15).strip());
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
                if (lower.startsWith("connection:") && lower.contains("close")) close = true;
            }
            if (chunked) {
                // Large pages are streamed: hex size lines, each chunk, then an empty chunk and trailers.
                for (long chunk = Long.parseLong(line(s).split(";")[0].strip(), 16); chunk > 0;
                        chunk = Long.parseLong(line(s).split(";")[0].strip(), 16)) {
                    skip(s, chunk);
                    line(s);
                }
                while (!line(s).isEmpty()) {
                    // trailers
                }
            } else {
                skip(s, length);
            }
            if (close) close();
            return code;
        }

        private void skip(java.io.InputStream s, long length) throws IOException {
            while (length > 0) {
                int n = s.read(skip, 0, (int) Math.min(skip.length, length));
                if (n < 0) throw new java.io.EOFException("the node closed the connection mid-body");
                length -= n;
            }
        }

        private static String line(java.io.InputStream s) throws IOException {
            StringBuilder b = new StringBuilder(64);
            for (int c = s.read(); c != '\n'; c = s.read()) {
                if (c < 0) throw new java.io.EOFException("the node closed the connection");
                if (c != '\r') b.append((char) c);
            }
            return b.toString();
        }

        @Override
        public void close() {
            try {
                if (socket != null) socket.close();
            } catch (IOException ignored) {
                // closing a broken connection
            }
            socket = null;
            in = null;
        }
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
