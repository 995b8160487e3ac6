package org.kalaja.ledger;

import java.util.Arrays;

/**
 * A hash tile's content: {@code id.width()} hashes of 32 bytes, concatenated.
 *
 * <p>The array is copied in and out, so a {@code Tile} is immutable; equality is by content.
 *
 * @param id the tile; its width MUST equal {@code hashes.length / 32}
 * @param hashes the concatenated hashes
 */
public record Tile(TileId id, byte[] hashes) {
    public Tile {
        if (hashes.length != id.width() * Hash.SIZE) {
            throw new IllegalArgumentException(
                    id.path() + " holds " + id.width() * Hash.SIZE + " bytes, got " + hashes.length);
        }
        hashes = hashes.clone();
    }

    /** A copy of the concatenated hashes. */
    @Override
    public byte[] hashes() {
        return hashes.clone();
    }

    /** Hash {@code i}, 0 to width - 1. */
    public Hash hash(int i) {
        return Hash.of(hashes, Math.multiplyExact(i, Hash.SIZE));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tile other && id.equals(other.id) && Arrays.equals(hashes, other.hashes);
    }

    @Override
    public int hashCode() {
        return 31 * id.hashCode() + Arrays.hashCode(hashes);
    }

    @Override
    public String toString() {
        return "Tile[" + id.path() + "]";
    }
}
