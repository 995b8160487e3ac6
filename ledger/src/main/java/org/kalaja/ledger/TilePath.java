package org.kalaja.ledger;

/**
 * A resource of a C2SP tlog-tiles log (https://c2sp.org/tlog-tiles): a hash tile or an entry bundle.
 *
 * <p>Paths are relative to the log's prefix, without a leading slash: {@code tile/<L>/<N>[.p/<W>]}
 * for hash tiles, {@code tile/entries/<N>[.p/<W>]} for entry bundles. {@code <N>} is the index in
 * zero-padded 3-digit groups, all but the last prefixed with {@code x} (1234067 is
 * {@code x001/x234/067}); {@code .p/<W>} marks a partial resource of width {@code 1 <= W <= 255}.
 * Every resource has exactly one path: {@link #parse} rejects every other spelling, so a path can
 * be used as a storage key.
 */
public sealed interface TilePath permits TileId, BundleId {
    /** Hashes (or entries) in a full tile (or bundle): 256, the tile height being 8. */
    int FULL_WIDTH = 256;

    /** The tile height: a tile spans 8 levels of the Merkle tree. */
    int HEIGHT = 8;

    /** The index of the resource within its level. */
    long index();

    /** The number of hashes (or entries), 1 to 256; 256 means a full resource. */
    int width();

    /** True for a full resource: one whose path has no {@code .p/<W>} suffix. */
    default boolean isFull() {
        return width() == FULL_WIDTH;
    }

    /** The canonical path, relative to the log prefix. */
    String path();

    /**
     * Parses a hash tile or entry bundle path.
     *
     * @throws IllegalArgumentException naming what is wrong, for any path that is not the canonical
     *     path of a resource
     */
    static TilePath parse(String path) {
        return TilePathCodec.parse(path);
    }
}
