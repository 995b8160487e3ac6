package org.kalaja.engine.recovery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultException;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.TileId;
import org.kalaja.ledger.TilePath;
import org.kalaja.ledger.TileReader;
import org.kalaja.ledger.TreeBuilder;
import org.kalaja.ledger.VerifierKey;

/**
 * Verifies a vault on its own ({@code kalaja verify --vault}), and is the verifying half of
 * {@link Recovery}: the newest checkpoint of the history with the log's signature and the witness
 * quorum ({@link VaultHistory}); the tiles above the entries, top-down from that checkpoint's root
 * ({@link VaultTree}); then every entry bundle, streamed and checked on all cores ({@link BundleWork}),
 * in index order, while another thread checks the partial tiles and bundles of earlier checkpoints
 * ({@link EarlierPartials}); finally every older checkpoint of the history against the same tree, so
 * that a second tree signed by the log's key (a fork) is caught.
 *
 * <p>It stops at the first discrepancy with a {@link VerificationException} naming the object (path,
 * index, expected and found hash). A vault that cannot be read throws {@link VaultException}.
 * Entries reach a {@link Sink} only once authenticated against the checkpoint, in index order.
 */
public final class VaultAudit {
    /** Most bundles per unit of parallel work: 16 bundles of 1 KiB entries is about 4 MiB. */
    private static final int CHUNK_BUNDLES = 16;

    /**
     * What was verified.
     *
     * @param cosigners     names of the witnesses whose cosignatures on the checkpoint verified
     * @param keysFromVault which keys came from the vault's {@code keys/} files ("" if all were given)
     * @param findings      problems that did not stop verification (a rolled-back published checkpoint)
     */
    public record Report(String vault, Checkpoint checkpoint, String note, long entries, long bytes, long blobs,
            List<String> cosigners, int quorum, String keysFromVault, List<String> findings, Duration took) {
        public Report {
            cosigners = List.copyOf(cosigners);
            findings = List.copyOf(findings);
        }
    }

    /** Receives what was authenticated, in order, on the auditing thread. */
    interface Sink {
        /** Called once, after the checkpoint and the tiles above the entries are authenticated. */
        void start(VaultHistory history, VaultTree tree) throws VerificationException;

        void accept(BundleWork.Chunk chunk) throws VerificationException;
    }

    private VaultAudit() {
    }

    /**
     * Verifies everything {@code vault} holds for its newest checkpoint.
     *
     * @throws VerificationException naming the first discrepancy
     * @throws VaultException if the vault could not be read
     */
    public static Report audit(Vault vault, TrustedKeys keys, Consumer<String> progress) throws VerificationException {
        return run(vault, keys, NO_SINK, false, progress);
    }

    private static final Sink NO_SINK = new Sink() {
        @Override
        public void start(VaultHistory history, VaultTree tree) {
        }

        @Override
        public void accept(BundleWork.Chunk chunk) {
        }
    };

    static Report run(Vault vault, TrustedKeys keys, Sink sink, boolean keep, Consumer<String> progress)
            throws VerificationException {
        long started = System.nanoTime();
        VaultHistory history = VaultHistory.read(vault, keys);
        Checkpoint target = history.target();
        long size = target.size();
        progress.accept("checkpoint of " + size + " entries, root " + target.rootHash().base64() + ", signed by " + keys.log().name()
                + (keys.witnesses().isEmpty() ? ", no witnesses configured" : ", cosigned by " + history.cosigners().size() + " of "
                + keys.witnesses().size() + " witnesses (quorum " + keys.quorum() + ")"));
        history.findings().forEach(f -> progress.accept("WARNING: " + f));
        VaultTree tree = VaultTree.load(vault, target);
        sink.start(history, tree);

        FutureTask<Void> partials = new FutureTask<>(() -> {
            new EarlierPartials(vault, tree, size).check();
            return null;
        });
        Thread.ofPlatform().daemon(true).name("kalaja-verify-partials").start(partials);
        BundleWork work = new BundleWork(vault, tree, size, keep);
        long bundles = (size + TilePath.FULL_WIDTH - 1) / TilePath.FULL_WIDTH;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        // Small logs in small units, so every core has work and a failed recovery keeps what was authenticated.
        long perChunk = Math.clamp(bundles / (8L * threads), 1, CHUNK_BUNDLES);
        Progress meter = new Progress(size, progress);
        long blobs = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, r -> Thread.ofPlatform().daemon(true)
                .name("kalaja-verify").unstarted(r))) {
            ArrayDeque<Future<BundleWork.Chunk>> inFlight = new ArrayDeque<>();
            long next = 0;
            try {
                while (next < bundles || !inFlight.isEmpty()) {
                    while (next < bundles && inFlight.size() < 2 * threads + 1) {
                        long from = next;
                        long to = Math.min(bundles, next + perChunk);
                        inFlight.add(pool.submit(() -> work.run(from, to)));
                        next = to;
                    }
                    BundleWork.Chunk chunk = await(inFlight.poll());
                    sink.accept(chunk);
                    blobs += chunk.blobsChecked();
                    meter.advance(chunk.count(), chunk.bytes());
                }
                await(partials);
            } finally {
                inFlight.forEach(f -> f.cancel(true));
                partials.cancel(true);
            }
        }
        checkHistory(vault, history, tree);
        return new Report(vault.describe(), target, history.note().format(), size, meter.bytes(), blobs,
                history.cosigners().stream().map(VerifierKey::name).toList(), keys.quorum(), keys.fromVault(), history.findings(),
                Duration.ofNanos(System.nanoTime() - started));
    }

    private static <T> T await(Future<T> f) throws VerificationException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VaultException("interrupted while verifying", true, e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case VerificationException v -> throw new VerificationException(v.getMessage());
                case VaultException v -> throw v;
                case RuntimeException r -> throw r;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** Every older checkpoint of the history must have the root of the same tree at its size. */
    private static void checkHistory(Vault vault, VaultHistory history, VaultTree tree) throws VerificationException {
        long size = history.target().size();
        TileReader tiles = (level, index, width) -> level > 0 ? tree.upper(level, index)
                : vault.get(TileId.inTree(0, index, size).path()).orElseThrow();
        for (Checkpoint c : history.history()) {
            if (c.size() == size) continue;
            Hash root = TreeBuilder.root(c.size(), tiles);
            if (!root.equals(c.rootHash())) {
                throw new VerificationException("FORK: the log's key signed checkpoint " + c.size() + " (checkpoints/ in "
                        + vault.describe() + ") with root " + c.rootHash() + ", but the tree of the newest checkpoint (" + size
                        + " entries) has root " + root + " at that size: the key signed two different trees. The log key is"
                        + " compromised or the log was rewritten; keep the vault as evidence");
            }
        }
    }

    /** Entries per second, MB per second and the time left, printed every few seconds. */
    private static final class Progress {
        private final long total;
        private final Consumer<String> out;
        private final long start = System.nanoTime();
        private long done;
        private long bytes;
        private long lastPrint = start;

        Progress(long total, Consumer<String> out) {
            this.total = total;
            this.out = out;
        }

        void advance(long entries, long moreBytes) {
            done += entries;
            bytes += moreBytes;
            long now = System.nanoTime();
            if (now - lastPrint < 3_000_000_000L && done < total) return;
            lastPrint = now;
            double s = Math.max(1e-9, (now - start) / 1e9);
            double rate = done / s;
            out.accept(String.format(Locale.ROOT, "%,d of %,d entries (%.0f%%), %,.0f entries/s, %.0f MB/s, ETA %.0f s", done, total,
                    100.0 * done / total, rate, bytes / s / 1e6, (total - done) / Math.max(rate, 1)));
        }

        long bytes() {
            return bytes;
        }
    }
}
