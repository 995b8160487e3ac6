package org.kalaja.server.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.kalaja.engine.vault.DirectoryVault;
import org.kalaja.engine.vault.ReadBuffer;
import org.kalaja.engine.vault.Vault;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.TilePath;

/**
 * What {@link RecoverBench} measures Kalaja's recovery and verification against, over the same
 * records and bytes: {@code pg_dump} plus {@code pg_restore} of a plain table, the machine's raw
 * SHA-256 rate over the vault's bundles, and the least work any verifier of the vault layout does.
 */
final class RecoverYardsticks {
    /** One thread's share of a timed round: the items {@code first, first + threads, …}. */
    private interface Share {
        void run(int first, int threads) throws Exception;
    }

    private RecoverYardsticks() {
    }

    /** Every entry bundle file of a directory vault (partial ones included), skipping writers' temporary files. */
    private static List<Path> bundleFiles(Path vaultDir) throws IOException {
        try (Stream<Path> files = Files.walk(vaultDir.resolve("tile").resolve("entries"))) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
    }

    static List<byte[]> bundleBytes(Path vaultDir) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (Path p : bundleFiles(vaultDir)) out.add(Files.readAllBytes(p));
        return out;
    }

    static long bundleSize(Path vaultDir) throws IOException {
        long total = 0;
        for (Path p : bundleFiles(vaultDir)) total += Files.size(p);
        return total;
    }

    /** Seconds to SHA-256 every buffer, split over {@code threads}; the fastest of three rounds. */
    static double sha256Seconds(List<byte[]> buffers, int threads) throws Exception {
        return fastest(3, threads, (first, step) -> {
            MessageDigest d = Hash.sha256Digest();
            for (int i = first; i < buffers.size(); i += step) d.update(buffers.get(i));
            d.digest();
        });
    }

    /**
     * Seconds for the least work any verifier of this vault layout does, on every core: read each
     * bundle file through the vault (as the audit does) and compute every entry's leaf hash and each
     * full bundle's subtree root, checking nothing: no tiles, no checkpoint, no blobs. Two SHA-256
     * messages per entry (the leaf, and on average one interior node) against the raw rate's one
     * stream, plus reading the files, set how close to the raw rate any verifier can come; the
     * audit's own rate is measured against both. The fastest of five rounds: its code warms up as
     * the audit's does, and the raw rate's single loop needs no more than three.
     */
    static double readAndHashSeconds(Path vaultDir, int threads) throws Exception {
        List<String> paths = bundleFiles(vaultDir).stream()
                .map(p -> vaultDir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/")).toList();
        try (Vault vault = DirectoryVault.open(vaultDir)) {
            return fastest(5, threads, (first, step) -> {
                ReadBuffer bundle = new ReadBuffer(1 << 16);
                byte[] leaves = new byte[TilePath.FULL_WIDTH * Hash.SIZE];
                for (int i = first; i < paths.size(); i += step) {
                    if (!vault.readInto(paths.get(i), bundle)) throw new IllegalStateException(paths.get(i) + " vanished");
                    byte[] raw = bundle.array();
                    int entries = 0;
                    for (int at = 0; at < bundle.length() && entries < TilePath.FULL_WIDTH; entries++) {
                        int length = ((raw[at] & 0xFF) << 8) | (raw[at + 1] & 0xFF);
                        Merkle.leafHashOverPrefix(raw, at + 1, length, leaves, entries * Hash.SIZE);
                        at += 2 + length;
                    }
                    if (entries == TilePath.FULL_WIDTH) Merkle.perfectRoot(leaves, 0, entries);
                }
            });
        }
    }

    /** The fastest of {@code rounds} rounds, each running {@code share} on {@code threads} threads at once, in seconds. */
    private static double fastest(int rounds, int threads, Share share) throws Exception {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            List<Thread> workers = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                workers.add(Thread.ofPlatform().start(() -> {
                    try {
                        share.run(first, threads);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread w : workers) w.join();
            if (failure.get() != null) throw new IllegalStateException("a timed round failed", failure.get());
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return best;
    }

    /**
     * {@code pg_dump -Fc} then {@code pg_restore} of {@code records} parcels in a plain table,
     * loaded untimed; the client tools are Debian's postgresql-client. Returns the seconds of the two.
     */
    static double pgDumpRestore(Path dir, long records) throws Exception {
        String dump = tool("pg_dump");
        String restore = tool("pg_restore");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("data")).setCleanDataDirectory(true)
                .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE plain_source");
                s.execute("CREATE DATABASE plain_restored");
            }
            byte[][] bodies = new byte[1024][];
            for (int i = 0; i < bodies.length; i++) bodies[i] = RecoverBench.parcel(i);
            PlainUpserts.run(pg.getJdbcUrl("postgres", "plain_source"), "postgres", "postgres", false, records, bodies);
            String port = Integer.toString(pg.getPort());
            Path file = dir.resolve("plain.dump");
            long start = System.nanoTime();
            exec(dump, "-h", "localhost", "-p", port, "-U", "postgres", "-Fc", "-f", file.toString(), "plain_source");
            exec(restore, "-h", "localhost", "-p", port, "-U", "postgres", "-d", "plain_restored", file.toString());
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static String tool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
        }
        throw new IllegalStateException(name + " is not installed; it comes with Debian's postgresql-client"
                + " (scripts/install-test-deps installs it)");
    }

    private static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
    }
}
