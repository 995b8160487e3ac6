package org.kalaja.ledger;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tiles in memory, kept the way the store keeps them: the widest tile per level and index. Serves
 * either exactly the width asked for or the widest it has, to exercise both halves of the
 * {@link TileReader} contract. Counts reads.
 */
final class MemoryTiles implements TileReader {
    private final Map<String, byte[]> widest = new HashMap<>();
    private final boolean serveWidest;
    private long size;
    int reads;

    MemoryTiles(boolean serveWidest) {
        this.serveWidest = serveWidest;
    }

    /** A tree of {@code leaves}, built with one append. */
    static MemoryTiles of(List<Hash> leaves) {
        MemoryTiles tiles = new MemoryTiles(true);
        tiles.append(leaves);
        return tiles;
    }

    TreeUpdate append(List<Hash> leaves) {
        TreeUpdate update = TreeBuilder.append(size, this, leaves);
        for (Tile t : update.changedTiles()) {
            String key = t.id().level() + "/" + t.id().index();
            byte[] old = widest.get(key);
            byte[] fresh = t.hashes();
            if (old != null && (old.length > fresh.length || !Arrays.equals(old, 0, old.length, fresh, 0, old.length))) {
                throw new AssertionError("tile " + t.id().path() + " is not a wider version of the stored one");
            }
            widest.put(key, fresh);
        }
        size = update.size();
        return update;
    }

    long size() {
        return size;
    }

    @Override
    public byte[] tile(int level, long index, int width) {
        reads++;
        byte[] hashes = widest.get(level + "/" + index);
        if (hashes == null || hashes.length < width * Hash.SIZE) {
            throw new IllegalStateException("no tile " + level + "/" + index + " of width " + width);
        }
        return serveWidest ? hashes : Arrays.copyOf(hashes, width * Hash.SIZE);
    }

    /** Every stored tile by path, in a stable order, for whole-store comparisons. */
    Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        widest.forEach((key, hashes) -> {
            String[] parts = key.split("/");
            TileId id = new TileId(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), hashes.length / Hash.SIZE);
            out.put(id.path(), java.util.HexFormat.of().formatHex(hashes));
        });
        return out;
    }
}
