package org.kalaja.engine.witness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.Proofs;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.Tile;
import org.kalaja.ledger.TreeBuilder;

/** A log in memory, built and proved with the ledger's own tree code, that signs its checkpoints. */
final class TestLog implements ConsistencySource {
    final SigningKey key;
    private final String prefix;
    private final Map<String, byte[]> tiles = new HashMap<>();
    private long size;

    /** A log with a new key named {@code origin}, whose entries start with {@code prefix}. */
    TestLog(String origin, String prefix) {
        this(SigningKey.generate(origin, SignatureType.ED25519), prefix);
    }

    /** A log signed by {@code key}: with the real log's key and another prefix, a fork of it. */
    TestLog(SigningKey key, String prefix) {
        this.key = key;
        this.prefix = prefix;
    }

    String origin() {
        return key.name();
    }

    long size() {
        return size;
    }

    /** Appends {@code n} entries, so that the tree grows to {@code size() + n}. */
    TestLog grow(int n) {
        List<Hash> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leaves.add(Merkle.leafHash((prefix + " entry " + (size + i)).getBytes(StandardCharsets.UTF_8)));
        }
        for (Tile t : TreeBuilder.append(size, this::tile, leaves).changedTiles()) {
            tiles.put(t.id().level() + "/" + t.id().index(), t.hashes());
        }
        size += n;
        return this;
    }

    Hash root(long treeSize) {
        return TreeBuilder.root(treeSize, this::tile);
    }

    /** The signed checkpoint of the tree of {@code treeSize} leaves (at most {@link #size()}). */
    Note checkpoint(long treeSize) {
        return new Checkpoint(origin(), treeSize, root(treeSize)).sign(key);
    }

    Note checkpoint() {
        return checkpoint(size);
    }

    @Override
    public List<Hash> consistencyProof(long oldSize, long newSize) {
        return Proofs.consistencyProof(oldSize, newSize, this::tile);
    }

    /** The add-checkpoint body for the checkpoint at {@code treeSize}, proved from {@code old}. */
    byte[] request(long old, long treeSize) {
        return AddCheckpointRequest.of(old, consistencyProof(old, treeSize), checkpoint(treeSize)).format();
    }

    private byte[] tile(int level, long index, int width) {
        byte[] t = tiles.get(level + "/" + index);
        if (t == null) {
            throw new IllegalStateException("no tile " + level + "/" + index);
        }
        return t;
    }
}
