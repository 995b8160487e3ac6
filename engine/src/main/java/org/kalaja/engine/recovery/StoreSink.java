package org.kalaja.engine.recovery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kalaja.engine.LogReplay;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.shipping.ShippingRound;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.vault.Vault;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryBundle;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.TileId;
import org.kalaja.ledger.TilePath;

/**
 * Writes what {@link VaultAudit} authenticated into a store: entries 0..P-1 (P the prefix to
 * recover), their replayed state, keys and blobs in one transaction per chunk; the hash tiles of the
 * tree of C, the newest checkpoint of the history at or below P; and, last, the history's
 * checkpoints up to C. Entries the store already holds (an interrupted attempt) are compared, not
 * written again.
 */
final class StoreSink implements VaultAudit.Sink {
    private final Store store;
    private final Recovery.Options options;
    private final Vault vault;
    private final java.util.function.Consumer<String> progress;
    private final LogReplay replay = new LogReplay();
    private VaultHistory history;
    private VaultTree tree;
    private long resumeSize;
    private long prefix;
    /** Entries handed to the store so far (written, or compared with what an earlier attempt wrote). */
    private long appended;
    private Checkpoint stored;
    private String storedNote;

    StoreSink(Store store, Recovery.Options options, Vault vault, java.util.function.Consumer<String> progress) {
        this.store = store;
        this.options = options;
        this.vault = vault;
        this.progress = progress;
    }

    @Override
    public void start(VaultHistory history, VaultTree tree) throws VerificationException {
        this.history = history;
        this.tree = tree;
        long size = history.target().size();
        prefix = size;
        if (options.atIndex().isPresent()) {
            long at = options.atIndex().get();
            if (at >= size) {
                throw new IllegalArgumentException("--at " + at + " is beyond the vault's newest checkpoint, which covers entries 0.."
                        + (size - 1));
            }
            prefix = at + 1;
        } else if (options.atTime().isPresent()) {
            prefix = cutAt(options.atTime().get(), size);
        }
        for (int i = 0; i < history.history().size(); i++) {
            if (history.history().get(i).size() <= prefix) {
                stored = history.history().get(i);
                storedNote = history.notes().get(i);
            }
        }
        if (stored == null) {
            throw new IllegalArgumentException("the vault's oldest checkpoint covers " + history.history().getFirst().size()
                    + " entries, more than the " + prefix + " asked for; choose a later --at");
        }
        resumeSize = store.size();
        // A full recovery may have taken over entries after the checkpoint before it was interrupted:
        // they are compared with the shipping round that authenticates them, or the recovery fails.
        boolean full = options.atIndex().isEmpty() && options.atTime().isEmpty();
        if (resumeSize > prefix && !full) {
            throw new IllegalStateException(store.describe() + " already holds " + resumeSize + " entries, more than the " + prefix
                    + " to recover: it is not an interrupted recovery of this prefix. Recover into an empty directory or database");
        }
        if (prefix < size) {
            progress.accept("recovering entries 0.." + (prefix - 1) + " of " + size + " (--at); the store's checkpoint will be the one of "
                    + stored.size() + " entries. Serving this store continues the log from there, diverging from the vault's later"
                    + " entries: use it to inspect a past state, or keep the vault's later history in mind");
        }
    }

    /** The first index whose entry was written after {@code time}; the sequencer's times never go back. */
    private long cutAt(Instant time, long size) throws VerificationException {
        long lo = 0;
        long hi = (size - 1) / TilePath.FULL_WIDTH; // the last bundle whose first entry is at or before time, by bisection
        if (firstTime(0, size).isAfter(time)) throw new IllegalArgumentException("the log's first entry is later than --at " + time);
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (firstTime(mid, size).isAfter(time)) hi = mid - 1;
            else lo = mid;
        }
        List<byte[]> entries = bundle(lo, size);
        int i = 0;
        while (i < entries.size() && !EntryCodec.decode(entries.get(i)).time().isAfter(time)) i++;
        return lo * TilePath.FULL_WIDTH + i;
    }

    private Instant firstTime(long bundle, long size) throws VerificationException {
        return EntryCodec.decode(bundle(bundle, size).getFirst()).time();
    }

    private List<byte[]> bundle(long index, long size) throws VerificationException {
        BundleId id = BundleId.ofEntry(index * TilePath.FULL_WIDTH, size);
        try {
            return EntryBundle.decode(vault.get(id.path()).orElseThrow(() -> new VerificationException("vault bundle " + id.path()
                    + " is missing")));
        } catch (IllegalArgumentException e) {
            throw new VerificationException("vault bundle " + id.path() + " does not decode: " + e.getMessage());
        }
    }

    @Override
    public void accept(BundleWork.Chunk chunk) throws VerificationException {
        long first = chunk.first();
        int n = (int) Math.min(chunk.entries().size(), Math.max(0, prefix - first));
        checkCut(chunk, first, n);
        append(first, chunk.entries().subList(0, n), chunk.decoded().subList(0, n), chunk.blobs());
        putLeafTiles(chunk);
        appended = first + n;
    }

    /**
     * Entries after the vault's newest checkpoint that a {@link ShippingRound} authenticates, following
     * on from everything accepted so far: appended, or compared when an earlier attempt wrote them.
     * The store's checkpoint stays the vault's; the node that serves the store integrates them.
     */
    void adopt(long first, List<byte[]> entries, List<Entry> decoded, Map<Hash, byte[]> blobs) throws VerificationException {
        if (first != appended || options.atIndex().isPresent() || options.atTime().isPresent()) {
            throw new IllegalStateException("entries after the checkpoint follow on from entry " + appended + " of a full recovery, not " + first);
        }
        append(first, entries, decoded, blobs);
        appended = first + entries.size();
    }

    /** Entries from {@code first} on: their state replayed, written from where the store ends, compared below. */
    private void append(long first, List<byte[]> entries, List<Entry> decoded, Map<Hash, byte[]> blobs) throws VerificationException {
        int n = entries.size();
        Map<RecordId, RecordState> states = new LinkedHashMap<>();
        Map<String, Long> keys = new HashMap<>();
        long[] previous = new long[n];
        for (int i = 0; i < n; i++) {
            LogReplay.Step step = replay.apply(first + i, decoded.get(i));
            previous[i] = step.previousIndex();
            if (first + i >= resumeSize) {
                if (step.state() != null) states.put(step.state().id(), step.state());
                if (step.idempotencyKey() != null) keys.put(step.idempotencyKey(), first + i);
            }
        }
        long newFrom = Math.max(first, resumeSize);
        if (first < resumeSize) compareResumed(entries, first, Math.min(first + n, resumeSize));
        if (newFrom < first + n) {
            store.write(txn -> {
                if (txn.size() != newFrom) {
                    throw new IllegalStateException(store.describe() + " holds " + txn.size() + " entries, recovery expected " + newFrom
                            + ": something else writes to it. Stop it and recover into an empty directory or database");
                }
                for (long i = newFrom; i < first + n; i++) {
                    txn.append(i, entries.get((int) (i - first)), previous[(int) (i - first)]);
                }
                blobs.forEach((hash, content) -> txn.putBlob(hash.bytes(), content));
                states.values().forEach(txn::putState);
                keys.forEach(txn::putIdempotencyKey);
                return null;
            });
        }
    }

    /** Whether the store holds exactly {@code entries} from index {@code first} on (entries recovery already wrote). */
    boolean holds(long first, List<byte[]> entries) {
        boolean[] same = {true};
        store.entries(first, first + entries.size(), e -> same[0] &= Arrays.equals(e.data(), entries.get((int) (e.index() - first))));
        return same[0];
    }

    /** With --at TIME the cut was found on unauthenticated reads; the authenticated entries must agree. */
    private void checkCut(BundleWork.Chunk chunk, long first, int n) throws VerificationException {
        if (options.atTime().isEmpty()) return;
        Instant at = options.atTime().get();
        for (int i = 0; i < chunk.entries().size(); i++) {
            long index = first + i;
            boolean after = chunk.decoded().get(i).time().isAfter(at);
            if ((index < prefix && after) || (index == prefix && !after)) {
                throw new VerificationException("entry " + index + "'s time changed between two reads of the vault, or times go"
                        + " back in the log: cannot cut it at " + at + " reliably; use --at INDEX");
            }
        }
    }

    private void compareResumed(List<byte[]> entries, long first, long to) throws VerificationException {
        VerificationException[] failure = {null};
        store.entries(first, to, e -> {
            if (failure[0] == null && !Arrays.equals(e.data(), entries.get((int) (e.index() - first)))) {
                failure[0] = new VerificationException("entry " + e.index() + " in " + store.describe() + ", left by an earlier attempt,"
                        + " differs from the authenticated entry in " + vault.describe() + ": the store was changed or holds another"
                        + " log. Recover into an empty directory or database");
            }
        });
        if (failure[0] != null) throw failure[0];
    }

    /** Level 0 tiles of the stored tree: full ones below its right edge, and its partial one. */
    private void putLeafTiles(BundleWork.Chunk chunk) {
        long firstTile = chunk.first() / TilePath.FULL_WIDTH;
        List<long[]> keys = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        for (int j = 0; j < chunk.leafTiles().size(); j++) {
            long index = firstTile + j;
            long available = stored.size() - index * TilePath.FULL_WIDTH;
            if (available <= 0) break;
            int width = (int) Math.min(TilePath.FULL_WIDTH, available);
            keys.add(new long[] {index});
            hashes.add(Arrays.copyOf(chunk.leafTiles().get(j), width * Hash.SIZE));
        }
        if (keys.isEmpty()) return;
        store.integrate(txn -> {
            for (int i = 0; i < keys.size(); i++) txn.putTile(0, keys.get(i)[0], hashes.get(i));
            return null;
        });
    }

    /** The tiles above level 0, then the checkpoints: a store with a checkpoint is a finished recovery. */
    void finish() {
        store.integrate(txn -> {
            for (TileId t : TileId.tilesOf(stored.size())) {
                if (t.level() == 0) continue;
                txn.putTile(t.level(), t.index(), Arrays.copyOf(tree.upper(t.level(), t.index()), t.width() * Hash.SIZE));
            }
            for (int i = 0; i < history.history().size(); i++) {
                if (history.history().get(i).size() <= stored.size()) {
                    txn.putCheckpoint(history.history().get(i).size(), history.notes().get(i));
                }
            }
            return null;
        });
    }

    long resumed() {
        return resumeSize;
    }

    /** Entries handed to the store: the recovered prefix and what rounds after its checkpoint added. */
    long appended() {
        return appended;
    }

    /** The checkpoint of the vault every entry up to it was authenticated against. */
    Checkpoint target() {
        return history.target();
    }

    Checkpoint storedCheckpoint() {
        return stored;
    }

    String storedNote() {
        return storedNote;
    }
}
