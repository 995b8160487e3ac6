package org.kalaja.engine.spi;

import java.util.Optional;

/**
 * The view of the store inside {@link Store#integrate}: tiles and checkpoints of the integrated tree.
 */
public interface IntegrationTransaction {

    /** The signed checkpoint note of the largest integrated tree, read under the integration lock. */
    Optional<String> latestCheckpoint();

    /** The stored hash tile, including changes made earlier in this transaction. */
    Optional<byte[]> tile(int level, long index);

    /**
     * Stores the hash tile at {@code level}, {@code index}, replacing a narrower one. A driver MUST
     * refuse (fail the transaction) to replace a tile with one whose prefix differs: tiles only grow.
     */
    void putTile(int level, long index, byte[] hashes);

    /**
     * Stores the checkpoint for a tree of {@code size} entries; it becomes the latest (the latest is
     * the one of the largest size). Storing one for a size already stored replaces it, e.g. the same
     * tree with more cosignatures.
     */
    void putCheckpoint(long size, String signedNote);
}
