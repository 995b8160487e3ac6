package org.kalaja.ledger;

/**
 * Reads the hash tiles of one log, for the tree code ({@link TreeBuilder}, {@link Proofs}).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #tile} MUST return {@code 32 * width} bytes or more: exactly the tile asked for, or a
 *       wider tile with the same level and index (up to the full 8,192 bytes). Tiles are
 *       prefix-stable, so callers use the first {@code width} hashes and ignore the rest.</li>
 *   <li>It MUST NOT return fewer bytes, or a length that is not a multiple of 32: callers reject
 *       such a tile with an {@link IllegalStateException} naming it.</li>
 *   <li>A reader that cannot supply a tile (missing, unreadable) MUST throw an unchecked exception
 *       of its own; callers let it propagate.</li>
 *   <li>Callers only ask for tiles that exist in the tree they work on (the width is the tile's
 *       width in that tree), and MUST NOT modify the returned array.</li>
 * </ul>
 * The tree code does not verify what a reader returns: a reader over untrusted storage yields roots
 * and proofs that fail verification against a trusted checkpoint, which is how tampering shows.
 */
@FunctionalInterface
public interface TileReader {
    /** The hashes of tile {@code level}/{@code index}, at least {@code width} of them. */
    byte[] tile(int level, long index, int width);

    /** Reads the tile {@code id} names and checks the contract's length rules. */
    default byte[] read(TileId id) {
        byte[] hashes = tile(id.level(), id.index(), id.width());
        if (hashes.length % Hash.SIZE != 0 || hashes.length < id.width() * Hash.SIZE
                || hashes.length > TilePath.FULL_WIDTH * Hash.SIZE) {
            throw new IllegalStateException("tile reader returned " + hashes.length + " bytes for " + id.path()
                    + ", which needs a multiple of 32 from " + id.width() * Hash.SIZE + " to 8192");
        }
        return hashes;
    }
}
