package org.kalaja.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.ledger.BlobRef;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.NoteVerificationException;
import org.kalaja.ledger.Tile;
import org.kalaja.ledger.TreeBuilder;
import org.kalaja.ledger.TreeUpdate;
import org.kalaja.ledger.VerifierKey;

/**
 * Re-derives everything a store holds from its entries and says whether it all agrees
 * ({@code kalaja verify}).
 *
 * <p>Checks, in one pass over the log: every entry decodes canonically and sits at its index; the
 * log's identity entry names the key that signed the latest checkpoint, whose signature holds;
 * the Merkle tree recomputed from the entries has the checkpoint's root, and every stored hash
 * tile equals the recomputed one; every blob matches the hash its entry names; and the state
 * (versions, pointers, tombstones, history links, idempotency keys) is exactly a replay of the log.
 * It stops at the first discrepancy and names it.
 *
 * <p>Memory: the replayed state is held in memory (about 150 bytes per record); tiles are compared
 * as they complete and dropped.
 */
public final class LogVerifier {
    private static final int CHUNK = 1 << 16;

    /**
     * What was verified. {@code records} counts every record the replay derived, deleted ones
     * included; {@code systemRecords} is the part of them that is the engine's own (collections
     * starting {@value Names#SYSTEM_PREFIX}: tokens, configuration).
     */
    public record Report(String origin, long entries, long checkpointSize, Hash root, long records, long systemRecords,
            long idempotencyKeys) {
    }

    private final Store store;
    private final Consumer<String> progress;
    private final LogReplay replay = new LogReplay();
    private final Map<Long, byte[]> openTiles = new HashMap<>();
    private final List<Hash> pendingLeaves = new ArrayList<>(CHUNK);
    private long treeSize;
    private Hash root = Merkle.emptyRoot();
    private long checkpointSize;

    private LogVerifier(Store store, Consumer<String> progress) {
        this.store = store;
        this.progress = progress;
    }

    /**
     * Verifies {@code store}.
     *
     * @param expectedKey  the log's verifier key as known from elsewhere (a witness, an operator's
     *                     record); when empty the key in the log's own identity entry is used,
     *                     which proves integrity but not authorship
     * @throws VerificationException naming the first discrepancy
     */
    public static Report verify(Store store, Optional<VerifierKey> expectedKey, Consumer<String> progress)
            throws VerificationException {
        return new LogVerifier(store, progress).run(expectedKey);
    }

    private Report run(Optional<VerifierKey> expectedKey) throws VerificationException {
        long size = store.size();
        if (size == 0) throw new VerificationException("the log is empty: no identity entry at index 0");
        Optional<String> signed = store.latestCheckpoint();
        if (signed.isEmpty()) throw new VerificationException("the log has " + size + " entries but no signed checkpoint");
        Note note = Note.parse(signed.get());
        Checkpoint checkpoint = Checkpoint.of(note);
        checkpointSize = checkpoint.size();
        if (checkpointSize > size) {
            throw new VerificationException("the latest checkpoint covers " + checkpointSize + " entries but the store has only " + size
                    + " (entries were removed, or the checkpoint was forged)");
        }
        VerifierKey key = identity(expectedKey);
        verifySignature(note, key, checkpoint);
        progress.accept("verifying " + size + " entries against checkpoint " + checkpointSize + " of " + checkpoint.origin());

        long[] next = {0};
        VerificationException[] failure = {null};
        try {
            store.entries(0, size, stored -> {
                try {
                    visit(stored, next[0]++);
                } catch (VerificationException e) {
                    failure[0] = e;
                    throw new StopVisit();
                }
            });
        } catch (StopVisit stop) {
            throw failure[0];
        }
        if (next[0] != size) throw new VerificationException("the store reported " + size + " entries but streamed " + next[0]);
        flushLeaves();
        // Tiles first: a mismatch there names the entry; the root only says that something differs.
        for (Map.Entry<Long, byte[]> open : openTiles.entrySet()) {
            compareTile((int) (open.getKey() >>> 56), open.getKey() & 0x00ff_ffff_ffff_ffffL, open.getValue());
        }
        if (!root.equals(checkpoint.rootHash())) {
            throw new VerificationException("the tree recomputed from entries 0.." + (checkpointSize - 1) + " has root " + root
                    + " but the signed checkpoint says " + checkpoint.rootHash());
        }
        compareStates();
        compareIdempotencyKeys();
        long system = replay.states().keySet().stream().filter(id -> id.collection().startsWith(Names.SYSTEM_PREFIX)).count();
        return new Report(checkpoint.origin(), size, checkpointSize, root, replay.states().size(), system,
                replay.idempotencyKeys().size());
    }

    private VerifierKey identity(Optional<VerifierKey> expectedKey) throws VerificationException {
        StoredEntry first = store.entry(0).orElseThrow();
        Entry e = decode(first);
        if (e.kind() != EntryKind.LOG_CREATED) {
            throw new VerificationException("entry 0 is a " + e.kind() + " entry, not the log's identity (LOG_CREATED)");
        }
        VerifierKey inLog;
        try {
            JsonNode node = JsonBodies.mapper().readTree(e.body());
            inLog = VerifierKey.parse(node.path("vkey").asText());
        } catch (IOException | IllegalArgumentException ex) {
            throw new VerificationException("entry 0 does not hold a valid verifier key: " + ex.getMessage());
        }
        if (expectedKey.isPresent() && !expectedKey.get().equals(inLog)) {
            throw new VerificationException("the log names its key " + inLog.format() + " but the expected key is " + expectedKey.get().format());
        }
        return inLog;
    }

    private static void verifySignature(Note note, VerifierKey key, Checkpoint checkpoint) throws VerificationException {
        if (!checkpoint.origin().equals(key.name())) {
            throw new VerificationException("the checkpoint's origin '" + checkpoint.origin() + "' is not the log key's name '" + key.name() + "'");
        }
        try {
            note.verify(List.of(key));
        } catch (NoteVerificationException ex) {
            throw new VerificationException("the latest checkpoint (size " + checkpoint.size() + ") is not signed by " + key.format() + ": " + ex.getMessage());
        }
    }

    private void visit(StoredEntry stored, long expectedIndex) throws VerificationException {
        long i = stored.index();
        if (i != expectedIndex) throw new VerificationException("expected entry " + expectedIndex + " but the store returned entry " + i);
        Entry e = decode(stored);
        if (i < checkpointSize) {
            pendingLeaves.add(Merkle.leafHash(stored.data()));
            if (pendingLeaves.size() == CHUNK) flushLeaves();
        }
        if (e.bodyType() == BodyType.BLOB_REF) checkBlob(i, e);
        LogReplay.Step step = replay.apply(i, e);
        if (stored.previousIndex() != step.previousIndex()) {
            throw new VerificationException("entry " + i + " (" + e.kind() + ") links to previous version at index "
                    + stored.previousIndex() + "; replaying the log gives " + step.previousIndex());
        }
        if ((i + 1) % 1_000_000 == 0) progress.accept("verified " + (i + 1) + " entries");
    }

    private Entry decode(StoredEntry stored) throws VerificationException {
        try {
            return EntryCodec.decode(stored.data());
        } catch (RuntimeException ex) {
            throw new VerificationException("entry " + stored.index() + " does not decode: " + ex.getMessage());
        }
    }

    private void checkBlob(long index, Entry e) throws VerificationException {
        BlobRef ref = BlobRef.fromBody(e.body());
        Optional<byte[]> content = store.blob(ref.sha256().bytes());
        if (content.isEmpty()) throw new VerificationException("entry " + index + " names blob " + ref.sha256() + ", which the store does not have");
        Hash found = Hash.sha256(content.get());
        if (!found.equals(ref.sha256())) {
            throw new VerificationException("blob " + ref.sha256() + " named by entry " + index + " has SHA-256 " + found);
        }
    }

    private void flushLeaves() throws VerificationException {
        if (pendingLeaves.isEmpty()) return;
        TreeUpdate update = TreeBuilder.append(treeSize, (level, index, width) -> {
            byte[] t = openTiles.get(tileKey(level, index));
            if (t == null) throw new IllegalStateException("verifier dropped tile " + level + "/" + index + " too early");
            return t;
        }, pendingLeaves);
        for (Tile t : update.changedTiles()) {
            if (t.id().width() == 256) {
                openTiles.remove(tileKey(t.id().level(), t.id().index()));
                compareTile(t.id().level(), t.id().index(), t.hashes());
            } else {
                openTiles.put(tileKey(t.id().level(), t.id().index()), t.hashes());
            }
        }
        treeSize = update.size();
        root = update.root();
        pendingLeaves.clear();
    }

    private static long tileKey(int level, long index) {
        return ((long) level << 56) | index;
    }

    private void compareTile(int level, long index, byte[] computed) throws VerificationException {
        Optional<byte[]> stored = store.tile(level, index);
        if (stored.isEmpty()) throw new VerificationException("tile " + level + "/" + index + " is missing from the store");
        if (!Arrays.equals(stored.get(), computed)) {
            int n = Math.min(stored.get().length, computed.length) / Hash.SIZE;
            for (int h = 0; h < n; h++) {
                Hash s = Hash.of(stored.get(), h * Hash.SIZE);
                Hash c = Hash.of(computed, h * Hash.SIZE);
                if (!s.equals(c)) {
                    if (level == 0) {
                        throw new VerificationException("entry " + (index * 256 + h) + " was changed: its leaf hash is " + c
                                + " but the tree (tile 0/" + index + ", hash " + h + ") recorded " + s);
                    }
                    throw new VerificationException("tile " + level + "/" + index + " hash " + h + " is " + s
                            + " in the store but " + c + " recomputed from the entries");
                }
            }
            throw new VerificationException("tile " + level + "/" + index + " holds " + stored.get().length / Hash.SIZE
                    + " hashes in the store but " + computed.length / Hash.SIZE + " recomputed from the entries");
        }
    }

    private void compareStates() throws VerificationException {
        Map<RecordId, RecordState> remaining = new HashMap<>(replay.states());
        VerificationException[] failure = {null};
        try {
            store.states(s -> {
                RecordState expected = remaining.remove(s.id());
                if (!s.equals(expected)) {
                    failure[0] = new VerificationException("state of " + s.id() + " is " + describe(s) + " in the store but "
                            + (expected == null ? "absent" : describe(expected)) + " by replay of the log");
                    throw new StopVisit();
                }
            });
        } catch (StopVisit stop) {
            throw failure[0];
        }
        if (!remaining.isEmpty()) {
            RecordState missing = remaining.values().iterator().next();
            throw new VerificationException("state of " + missing.id() + " is missing from the store; replay of the log gives " + describe(missing));
        }
    }

    private static String describe(RecordState s) {
        return "version " + s.version() + " at index " + s.index() + (s.deleted() ? " (deleted)" : "");
    }

    private void compareIdempotencyKeys() throws VerificationException {
        Map<String, Long> remaining = new HashMap<>(replay.idempotencyKeys());
        VerificationException[] failure = {null};
        try {
            store.idempotencyKeys(k -> {
                Long expected = remaining.remove(k.key());
                if (expected == null || expected != k.index()) {
                    failure[0] = new VerificationException("idempotency key '" + k.key() + "' points at entry " + k.index()
                            + " in the store but " + (expected == null ? "appears in no entry" : "at entry " + expected) + " in the log");
                    throw new StopVisit();
                }
            });
        } catch (StopVisit stop) {
            throw failure[0];
        }
        if (!remaining.isEmpty()) {
            throw new VerificationException("idempotency key '" + remaining.keySet().iterator().next() + "' is missing from the store");
        }
    }

    /** Ends a store visit early; carries nothing, the failure is kept beside it. */
    private static final class StopVisit extends RuntimeException {
        StopVisit() {
            super(null, null, false, false);
        }
    }
}
