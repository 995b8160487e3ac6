package org.kalaja.engine.shipping;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.shipping.ShippingStatus.State;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultException;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.engine.vault.VaultTamperException;
import org.kalaja.engine.vault.WitnessKeys;
import org.kalaja.ledger.BlobRef;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryBundle;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.NoteVerificationException;
import org.kalaja.ledger.TileId;
import org.kalaja.ledger.TilePath;
import org.kalaja.ledger.VerifierKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships to one vault, on its own thread, so that a vault that is down or slow holds back no other.
 *
 * <p>Invariants: the vault's published checkpoint is the only progress record (read at start, so the
 * backlog survives restarts); a checkpoint is published only after every bundle, tile and blob of its
 * tree and its history entry are in the vault; whatever point a round is cut off at, what it left in
 * the vault is a signed announcement and a prefix of its bundles that recovery can take over
 * ({@link ShippingRound}), so a rebuilt node never collides with it; a retryable failure is retried with capped exponential
 * backoff from the vault's last published size (puts are idempotent); anything else that the vault
 * refuses, or evidence that the vault holds another history, is an alarm and stops this vault.
 */
final class VaultShipper implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(VaultShipper.class);
    /** A round of at most this many bundles keeps them in memory between hashing and putting; a larger one reads them twice. */
    private static final int KEPT_BUNDLES = 64;

    private final Vault vault;
    private final Shipper owner;
    private final LogSource log;
    private final @Nullable WitnessKeys witnesses;
    private final ExecutorService puts;
    private volatile long shipped = -1;
    /** The tree whose data (bundles, tiles, blobs) is all in the vault, published or not; -1 until read. */
    private volatile long dataIn = -1;
    private volatile State state = State.STARTING;
    private volatile @Nullable String lastError;
    private volatile double maxLagSeconds;
    private boolean keysChecked;

    VaultShipper(Vault vault, Shipper owner, LogSource log, @Nullable WitnessKeys witnesses, int parallelism) {
        this.vault = vault;
        this.owner = owner;
        this.log = log;
        this.witnesses = witnesses;
        this.puts = Executors.newFixedThreadPool(parallelism,
                r -> Thread.ofPlatform().name("kalaja-ship-put").daemon(true).unstarted(r));
    }

    Vault vault() {
        return vault;
    }

    /** The tree size the vault published, -1 until read from it. */
    long shipped() {
        return shipped;
    }

    /** The tree size whose data the vault holds (at least {@link #shipped()}), -1 until read from it. */
    long dataIn() {
        return dataIn;
    }

    State state() {
        return state;
    }

    @Nullable String lastError() {
        return lastError;
    }

    double noteLag(double seconds) {
        if (seconds > maxLagSeconds) maxLagSeconds = seconds;
        return maxLagSeconds;
    }

    @Override
    public void run() {
        Duration backoff = owner.config().minBackoff();
        while (!owner.closed()) {
            try {
                if (shipped < 0) {
                    shipped = readPublished();
                    dataIn = shipped;
                }
                if (!keysChecked) checkKeys();
                Shipper.Work work = owner.awaitWork(shipped, dataIn);
                if (work == null) return;
                // After a failure the vault stays "retrying" until an attempt succeeds, so an operator
                // polling the status never sees a vault that is down reported as merely shipping.
                if (state != State.RETRYING) state = State.SHIPPING;
                if (work.publish()) {
                    ship(work.checkpoint());
                } else {
                    shipData(work.checkpoint());
                }
                lastError = null;
                backoff = owner.config().minBackoff();
            } catch (VaultException e) {
                if (!e.retryable()) {
                    stop(e.getMessage());
                    return;
                }
                backoff = retryLater("vault " + vault.describe() + " is unavailable: " + e.getMessage(), backoff);
            } catch (RuntimeException e) {
                if (owner.closed()) return;
                // The store or the log could not be read: the vault is fine, the backlog waits in the store.
                backoff = retryLater("reading the log to ship it to " + vault.describe() + " failed: " + e, backoff);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void close() {
        puts.shutdownNow();
    }

    private Duration retryLater(String why, Duration backoff) {
        lastError = why;
        state = State.RETRYING;
        LOG.warn("{}; retrying in {} ms", why, backoff.toMillis());
        owner.sleep(backoff);
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(owner.config().maxBackoff()) > 0 ? owner.config().maxBackoff() : doubled;
    }

    private void stop(String why) {
        lastError = why;
        state = State.STOPPED;
        owner.vaultAlarm(vault.describe(), why + "; shipping to this vault has stopped");
    }

    /** The size the vault published, after checking it is this log's and this log has that tree. */
    private long readPublished() {
        Optional<byte[]> held = vault.checkpoint();
        if (held.isEmpty()) return 0;
        Note note;
        try {
            note = Note.parse(held.get());
            note.verify(List.of(VerifierKey.parse(log.vkey())));
        } catch (IllegalArgumentException | NoteVerificationException e) {
            throw refused("the vault's published checkpoint is not a checkpoint signed by this log's key ("
                    + e.getMessage() + "): it is another log's vault, or it was tampered with");
        }
        Checkpoint cp = Checkpoint.of(note);
        long newest = log.checkpoint().map(n -> Checkpoint.of(Note.parse(n)).size()).orElse(0L);
        if (cp.size() > newest) {
            throw refused("the vault published a tree of " + cp.size() + " entries but this log's newest checkpoint has "
                    + newest + ": the primary's store was rolled back or replaced. Recover from the vault (kalaja recover)");
        }
        Hash ours = log.root(cp.size());
        if (!ours.equals(cp.rootHash())) {
            throw refused("the vault's checkpoint of size " + cp.size() + " has root " + cp.rootHash().hex()
                    + " but this log's tree of that size has root " + ours.hex() + ": two histories exist (a fork)");
        }
        return cp.size();
    }

    /** Writes the key files once; a vault that holds another log's key is refused. */
    private void checkKeys() {
        byte[] vkey = (log.vkey() + "\n").getBytes(StandardCharsets.UTF_8);
        Optional<byte[]> held = vault.get(VaultPaths.LOG_VKEY);
        if (held.isPresent() && !Arrays.equals(held.get(), vkey)) {
            throw refused(VaultPaths.LOG_VKEY + " holds " + new String(held.get(), StandardCharsets.UTF_8).strip()
                    + ", not this log's key " + log.vkey() + ": it is another log's vault");
        }
        if (held.isEmpty()) vault.put(VaultPaths.LOG_VKEY, vkey);
        if (witnesses != null) {
            Optional<byte[]> heldWitnesses = vault.get(VaultPaths.WITNESSES);
            if (heldWitnesses.isEmpty()) {
                vault.put(VaultPaths.WITNESSES, witnesses.format());
            } else if (!Arrays.equals(heldWitnesses.get(), witnesses.format())) {
                LOG.warn("{} in vault {} names the witnesses in force when shipping to it began, not today's; recovery"
                        + " without --witness-vkey checks against those", VaultPaths.WITNESSES, vault.describe());
            }
        }
        keysChecked = true;
    }

    /**
     * One round, in an order that a primary killed at any point leaves recoverable: the round's signed
     * announcement first; then the blobs (content-addressed, so never in anyone's way); then the entry
     * bundles one after the other, so that what reached the vault is always a prefix of them, each
     * authenticated by the announcement; then the hash tiles, which therefore exist only once every
     * bundle does; last the history entry and the published checkpoint.
     */
    private void ship(Note target) throws InterruptedException {
        long to = Checkpoint.of(target).size();
        if (dataIn < to) shipData(target);
        if (dataIn > to) putPartials(to); // a later tree's round did not put this tree's partial bundle and tiles
        publish(target, to);
        shipped = to;
        state = State.CAUGHT_UP;
        owner.published();
    }

    /** The round that brings the vault from the data of {@link #dataIn} to that of {@code target}'s tree. */
    private void shipData(Note target) throws InterruptedException {
        long from = dataIn;
        Checkpoint tree = Checkpoint.of(target);
        long to = tree.size();
        List<BundleId> bundles = ShipPlan.bundles(from, to);
        Hash[] hashes = new Hash[bundles.size()];
        byte[][] kept = new byte[bundles.size() <= KEPT_BUNDLES ? bundles.size() : 0][];
        Set<Hash> blobs = ConcurrentHashMap.newKeySet();
        List<Runnable> work = new ArrayList<>();
        for (int i = 0; i < bundles.size(); i++) {
            int n = i;
            BundleId b = bundles.get(i);
            work.add(() -> {
                byte[] bundle = log.bundle(b.index(), b.width());
                hashes[n] = Hash.sha256(bundle);
                if (n < kept.length) kept[n] = bundle;
                collectBlobs(bundle, b.firstEntry(), from, blobs);
            });
        }
        runAll(work);
        ShippingRound round = new ShippingRound(tree.origin(), from, to, tree.rootHash(), Arrays.asList(hashes));
        round.listBlob().ifPresent(list -> vault.put(VaultPaths.blob(Hash.sha256(list)), list));
        vault.put(VaultPaths.round(to, from, tree.rootHash()), round.signedBy(log));
        work.clear();
        for (Hash h : blobs) {
            work.add(() -> vault.put(VaultPaths.blob(h), log.blob(h).orElseThrow(() -> new IllegalStateException(
                    "blob " + h.hex() + " named by the log is missing from the store; run kalaja verify"))));
        }
        runAll(work);
        // A full level 0 tile goes in beside the bundles once its own bundle is in: recovery takes over at
        // least that far, so the rebuilt log's tile is the same. The rest wait for the last bundle.
        List<TileId> tiles = new ArrayList<>(ShipPlan.tiles(from, to));
        List<Future<?>> tilePuts = new ArrayList<>();
        try {
            for (int i = 0; i < bundles.size(); i++) {
                if (owner.closed()) throw new IllegalStateException("the shipper is stopping");
                BundleId b = bundles.get(i);
                byte[] bundle = i < kept.length ? kept[i] : log.bundle(b.index(), b.width());
                if (!Hash.sha256(bundle).equals(hashes[i])) {
                    throw new IllegalStateException("bundle " + b.path() + " changed in the store while it was shipped; run kalaja verify");
                }
                vault.put(VaultPaths.tile(b), bundle);
                TileId leaves = TileId.full(0, b.index());
                if (b.width() == TilePath.FULL_WIDTH && tiles.remove(leaves)) tilePuts.addAll(submitAll(List.of(tilePut(leaves))));
            }
            tilePuts.addAll(submitAll(tiles.stream().map(this::tilePut).toList()));
        } finally {
            awaitAll(tilePuts);
        }
        dataIn = to;
        owner.dataIn();
    }

    /** Puts the history entry (or adopts the one the vault holds for the same checkpoint) and publishes it. */
    private void publish(Note target, long size) {
        String path = VaultPaths.history(size);
        byte[] note = target.toBytes();
        Optional<byte[]> held = vault.get(path);
        if (held.isPresent() && !Arrays.equals(held.get(), note)) {
            // A restart re-cosigns the same checkpoint with new timestamps: the vault keeps the first.
            boolean sameCheckpoint;
            try {
                sameCheckpoint = Note.parse(held.get()).text().equals(target.text());
            } catch (IllegalArgumentException e) {
                sameCheckpoint = false;
            }
            if (!sameCheckpoint) throw new VaultTamperException(path, Hash.sha256(held.get()), Hash.sha256(note));
            note = held.get();
        } else if (held.isEmpty()) {
            vault.put(path, note);
        }
        vault.putCheckpoint(note);
    }

    private static void collectBlobs(byte[] bundle, long first, long from, Set<Hash> blobs) {
        List<byte[]> entries = EntryBundle.decode(bundle);
        for (int i = 0; i < entries.size(); i++) {
            if (first + i < from) continue;
            Entry e = EntryCodec.decode(entries.get(i));
            if (e.bodyType() == BodyType.BLOB_REF) blobs.add(BlobRef.fromBody(e.body()).sha256());
        }
    }

    /** Runs every put, in parallel up to the configured limit, and rethrows the first failure. */
    private void runAll(List<Runnable> work) throws InterruptedException {
        awaitAll(submitAll(work));
    }

    /** The partial bundle and tiles of the tree of {@code size} leaves: prefixes of what a larger tree's round put. */
    private void putPartials(long size) throws InterruptedException {
        List<Runnable> work = new ArrayList<>();
        if (size % TilePath.FULL_WIDTH != 0) {
            BundleId b = new BundleId(size / TilePath.FULL_WIDTH, (int) (size % TilePath.FULL_WIDTH));
            work.add(() -> vault.put(VaultPaths.tile(b), log.bundle(b.index(), b.width())));
        }
        for (int level = 0; level * TilePath.HEIGHT < Long.SIZE && (size >>> (TilePath.HEIGHT * level)) > 0; level++) {
            long hashes = size >>> (TilePath.HEIGHT * level);
            if (hashes % TilePath.FULL_WIDTH != 0) work.add(tilePut(new TileId(level, hashes / TilePath.FULL_WIDTH, (int) (hashes % TilePath.FULL_WIDTH))));
        }
        runAll(work);
    }

    private Runnable tilePut(TileId t) {
        return () -> vault.put(VaultPaths.tile(t), log.tile(t.level(), t.index(), t.width()));
    }

    /** Starts every put, in parallel up to the configured limit. */
    private List<Future<?>> submitAll(List<Runnable> work) {
        List<Future<?>> pending = new ArrayList<>(work.size());
        for (Runnable r : work) {
            pending.add(puts.submit(() -> {
                // A node that stops mid-backlog leaves the rest for the next start instead of holding up the store's close.
                if (owner.closed()) throw new IllegalStateException("the shipper is stopping");
                r.run();
            }));
        }
        return pending;
    }

    /** Waits for every put and rethrows the first failure (cancelling those not started yet). */
    private static void awaitAll(List<Future<?>> pending) throws InterruptedException {
        RuntimeException first = null;
        for (Future<?> f : pending) {
            try {
                if (first == null) {
                    f.get();
                } else {
                    f.cancel(false);
                }
            } catch (ExecutionException e) {
                first = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        if (first != null) throw first;
    }

    private VaultException refused(String why) {
        return new VaultException("vault " + vault.describe() + ": " + why, false);
    }
}
