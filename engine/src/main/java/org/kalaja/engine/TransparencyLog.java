package org.kalaja.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.EntryBundle;
import org.kalaja.ledger.EntryKind;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.Proofs;
import org.kalaja.ledger.Tile;
import org.kalaja.ledger.TileId;
import org.kalaja.ledger.TilePath;
import org.kalaja.ledger.TileReader;
import org.kalaja.ledger.TreeBuilder;
import org.kalaja.ledger.TreeUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log as the outside world sees it: the integrator that folds committed entries into the
 * Merkle tree and signs checkpoints, and read access to checkpoints, tiles, entry bundles and
 * proofs in the C2SP tlog-tiles layout.
 *
 * <p>Everything served is bounded by the latest signed checkpoint: a tile or bundle beyond it does
 * not exist yet for the outside world, even if its entries are committed.
 *
 * <p>The first entry of every log (index 0) is its identity: a {@link EntryKind#LOG_CREATED} entry
 * in {@code kalaja.log/identity} holding the origin and verifier key. A node given a different key
 * refuses to serve that log.
 */
public final class TransparencyLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransparencyLog.class);
    static final RecordId IDENTITY = new RecordId("kalaja.log", "identity");
    /** Most entries folded in one integration transaction, bounding its memory and duration. */
    private static final int MAX_INTEGRATE = 1 << 18;

    private final Store store;
    private final RecentLeaves recent;
    private final LogIdentity identity;
    private final ScheduledExecutorService integrator;

    private TransparencyLog(Store store, RecentLeaves recent, LogIdentity identity, long intervalMillis) {
        this.store = store;
        this.recent = recent;
        this.identity = identity;
        this.integrator = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("kalaja-integrator").daemon(true).unstarted(r));
        integrator.scheduleWithFixedDelay(this::integrateQuietly, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the log of {@code engine}'s store under {@code identity}, creating its identity entry when
     * the log is new, and starts integrating every {@code checkpointInterval}.
     *
     * @throws IllegalStateException when the log belongs to another key or origin
     */
    public static TransparencyLog open(RecordsEngine engine, LogIdentity identity) {
        ensureIdentity(engine, identity);
        return new TransparencyLog(engine.store(), engine.recentLeaves(), identity, engine.config().checkpointInterval().toMillis());
    }

    private static void ensureIdentity(RecordsEngine engine, LogIdentity identity) {
        if (engine.systemState(IDENTITY).isEmpty()) {
            byte[] body = ("{\"origin\":" + quote(identity.origin()) + ",\"vkey\":" + quote(identity.vkey()) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            try {
                engine.appendSystem(EntryKind.LOG_CREATED, Caller.SYSTEM, IDENTITY, body, Mutation.ABSENT).get();
            } catch (ExecutionException e) {
                // Another node created the identity first; fall through and check it is ours.
                if (!(e.getCause() instanceof EngineException ee && ee.problem() == Problem.VERSION_CONFLICT)) {
                    throw new IllegalStateException("could not create the log's identity entry: " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating the log", e);
            }
        }
        String found = identityOf(engine);
        if (!found.equals(identity.vkey())) {
            throw new IllegalStateException("this store holds the log of " + found + ", but this node's log key is "
                    + identity.vkey() + "; start it with the log's own key file");
        }
    }

    /** The vkey recorded in the log's identity entry. */
    static String identityOf(RecordsEngine engine) {
        RecordVersion v = engine.read(engine.systemState(IDENTITY).orElseThrow().index());
        try {
            JsonNode node = JsonBodies.mapper().readTree(v.json());
            return node.path("vkey").asText();
        } catch (IOException e) {
            throw new IllegalStateException("the log's identity entry is not JSON", e);
        }
    }

    private static String quote(String s) {
        try {
            return JsonBodies.mapper().writeValueAsString(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public LogIdentity identity() {
        return identity;
    }

    /** The log's verifier key, C2SP vkey form. */
    public String vkey() {
        return identity.vkey();
    }

    /**
     * {@code text} as a C2SP signed note, signed by the log's key: for statements other than
     * checkpoints (a {@link org.kalaja.engine.shipping.ShippingRound}), whose text MUST NOT parse as a checkpoint.
     */
    public String sign(String text) {
        if (looksLikeCheckpoint(text)) throw new IllegalArgumentException("the log signs checkpoints only when it integrates");
        return Note.sign(text, identity.key()).format();
    }

    private static boolean looksLikeCheckpoint(String text) {
        try {
            Checkpoint.parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void integrateQuietly() {
        try {
            integrate();
        } catch (RuntimeException e) {
            // The next round tries again; a store that stays down shows in the status endpoint.
            LOG.warn("integration failed, will retry: {}", e.getMessage());
        }
    }

    /**
     * Folds every committed entry into the tree and signs a checkpoint of the result, if there is
     * anything new. Safe to call from any thread and any node: integrations are serialized by the store.
     *
     * <p>The leaves are hashed, folded into the tree and signed before the store's write transaction
     * opens, from tiles read as of the latest checkpoint; the transaction only checks that the latest
     * checkpoint is still that one and stores the result. On SQLite the write transaction excludes
     * every write, so hashing 40,000 entries inside it (about 80 ms each half second) held up every
     * group commit meanwhile. If another integration got in first (another node on a shared
     * database), the round stores nothing and goes on from the checkpoint the other stored.
     *
     * @return the size of the latest checkpoint afterwards
     */
    public long integrate() {
        long lostTo = -1; // the checkpoint that overtook this call's last round, seen inside the transaction
        while (true) {
            long target = store.size();
            long old = checkpointSize();
            if (old < lostTo) {
                throw new IllegalStateException("the store's reads show checkpoint " + old + " after its integration transaction showed "
                        + lostTo + ": its reads lag its commits, which the Store contract forbids (" + store.describe() + ")");
            }
            long end = Math.min(target, old + MAX_INTEGRATE);
            if (end <= old) return old;
            TreeUpdate update = TreeBuilder.append(old, storeTiles(), leaves(old, end));
            String note = new Checkpoint(identity.origin(), update.size(), update.root()).sign(identity.key()).format();
            long latest = store.integrate(txn -> {
                long found = txn.latestCheckpoint().map(TransparencyLog::sizeOf).orElse(0L);
                if (found != old) return found;
                for (Tile t : update.changedTiles()) txn.putTile(t.id().level(), t.id().index(), t.hashes());
                txn.putCheckpoint(update.size(), note);
                return end;
            });
            // latest == end also when another integration stored this very tree: the same tiles and checkpoint.
            if (latest == end && end >= target) return end;
            if (latest != end) lostTo = latest;
        }
    }

    /** The leaf hashes of entries [from, to): as the sequencer handed them over, or else hashed from the store. */
    private List<Hash> leaves(long from, long to) {
        Optional<List<Hash>> inMemory = recent.take(from, to);
        if (inMemory.isPresent()) return inMemory.get();
        List<Hash> leaves = new ArrayList<>((int) (to - from));
        store.entries(from, to, e -> leaves.add(Merkle.leafHash(e.data())));
        if (leaves.size() != to - from) {
            throw new IllegalStateException("store returned " + leaves.size() + " entries for [" + from + ", " + to + ")");
        }
        return leaves;
    }

    private static long sizeOf(String signedNote) {
        return Checkpoint.of(Note.parse(signedNote)).size();
    }

    /** The latest signed checkpoint note, once the first integration has run. */
    public Optional<String> checkpoint() {
        return store.latestCheckpoint();
    }

    /** The size of the latest signed checkpoint (0 before the first). */
    public long checkpointSize() {
        return store.latestCheckpoint().map(TransparencyLog::sizeOf).orElse(0L);
    }

    /** The root hash of the latest signed checkpoint. */
    public Optional<Checkpoint> latest() {
        return store.latestCheckpoint().map(n -> Checkpoint.of(Note.parse(n)));
    }

    /**
     * The hashes of tile {@code level}/{@code index} with {@code width} hashes ({@link TilePath#FULL_WIDTH}
     * for a full tile), if the latest checkpoint's tree has them.
     *
     * @throws EngineException NOT_FOUND beyond the latest checkpoint
     */
    public byte[] tile(int level, long index, int width) {
        long available = hashesAtLevel(level, checkpointSize()) - index * TilePath.FULL_WIDTH;
        if (available < width) throw notYet("tile " + new TileId(level, index, width).path());
        byte[] stored = storeTiles().tile(level, index, width);
        return java.util.Arrays.copyOf(stored, width * Hash.SIZE);
    }

    /**
     * The entry bundle {@code index} with {@code width} entries, if the latest checkpoint covers them.
     *
     * @throws EngineException NOT_FOUND beyond the latest checkpoint
     */
    public byte[] bundle(long index, int width) {
        long first = index * TilePath.FULL_WIDTH;
        if (index < 0 || width < 1 || first + width > checkpointSize()) throw notYet("entry bundle " + index + " of width " + width);
        List<byte[]> entries = new ArrayList<>(width);
        store.entries(first, first + width, e -> entries.add(e.data()));
        return EntryBundle.encode(entries);
    }

    /** Proof that entry {@code index} is in the tree of {@code treeSize} entries (≤ the latest checkpoint). */
    public List<Hash> inclusionProof(long index, long treeSize) {
        checkTreeSize(treeSize);
        if (index < 0 || index >= treeSize) {
            throw new EngineException(Problem.INVALID, "index " + index + " is not in a tree of " + treeSize + " entries");
        }
        return Proofs.inclusionProof(index, treeSize, storeTiles());
    }

    /** Proof that the tree of {@code oldSize} is a prefix of the tree of {@code newSize}. */
    public List<Hash> consistencyProof(long oldSize, long newSize) {
        checkTreeSize(newSize);
        if (oldSize < 1 || oldSize > newSize) {
            throw new EngineException(Problem.INVALID, "old size must be between 1 and the new size " + newSize + ", got " + oldSize);
        }
        return Proofs.consistencyProof(oldSize, newSize, storeTiles());
    }

    /** The root of the tree of {@code treeSize} entries (≤ the latest checkpoint). */
    public Hash root(long treeSize) {
        checkTreeSize(treeSize);
        return TreeBuilder.root(treeSize, storeTiles());
    }

    /** The leaf hash of entry {@code index}, read from the tiles of the integrated tree. */
    public Hash leafHash(long index) {
        long size = checkpointSize();
        if (index < 0 || index >= size) throw notYet("entry " + index);
        return Proofs.leafHash(index, size, storeTiles());
    }

    private void checkTreeSize(long treeSize) {
        long size = checkpointSize();
        if (treeSize < 1 || treeSize > size) {
            throw new EngineException(Problem.INVALID, "tree size must be between 1 and the latest checkpoint's " + size + ", got " + treeSize);
        }
    }

    private TileReader storeTiles() {
        return (level, index, width) -> store.tile(level, index).orElseThrow(() -> new EngineException(Problem.UNAVAILABLE,
                "tile " + level + "/" + index + " of the integrated tree is missing from the store; run `kalaja verify`"));
    }

    private static long hashesAtLevel(int level, long treeSize) {
        return level >= 8 ? 0 : treeSize >>> (8 * level);
    }

    private static EngineException notYet(String what) {
        return new EngineException(Problem.NOT_FOUND, what + " is not in the latest checkpoint's tree");
    }

    /** Stops the integrator after one last integration, so a clean shutdown leaves a current checkpoint. */
    @Override
    public void close() {
        integrator.shutdown();
        try {
            integrator.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        integrateQuietly();
    }
}
