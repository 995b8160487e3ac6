package org.kalaja.engine.recovery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.ledger.BlobRef;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryBundle;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.TileId;
import org.kalaja.ledger.TilePath;

/**
 * Reads and authenticates a run of entry bundles of the target tree; many run at once, one per core.
 * Per bundle: it decodes to exactly its width of canonical entries; their leaf hashes reduce to the
 * hash the authenticated tile above holds (or, on the right edge, equal the authenticated partial
 * tile); the vault's level 0 tile equals them; older partial bundles and tiles of the same index are
 * prefixes of it; every blob an entry references is present with its SHA-256 and length.
 */
final class BundleWork {
    /** What one run yields, in index order. */
    record Chunk(long first, List<byte[]> entries, List<Entry> decoded, List<byte[]> leafTiles, Map<Hash, byte[]> blobs,
            long bytes) {
    }

    private final Vault vault;
    private final VaultTree tree;
    private final long size;
    private final Map<Long, List<Integer>> olderPartials;
    private final boolean keepBlobs;

    /**
     * @param olderPartials widths of partial bundles ({@code -1 - width}) and level 0 partial tiles
     *                      ({@code width}) the vault holds beside the target tree's, by bundle index
     */
    BundleWork(Vault vault, VaultTree tree, long size, Map<Long, List<Integer>> olderPartials, boolean keepBlobs) {
        this.vault = vault;
        this.tree = tree;
        this.size = size;
        this.olderPartials = olderPartials;
        this.keepBlobs = keepBlobs;
    }

    Chunk run(long firstBundle, long endBundle) throws VerificationException {
        long first = firstBundle * TilePath.FULL_WIDTH;
        List<byte[]> entries = new ArrayList<>((int) (endBundle - firstBundle) * TilePath.FULL_WIDTH);
        List<Entry> decoded = new ArrayList<>(entries.size());
        List<byte[]> leafTiles = new ArrayList<>((int) (endBundle - firstBundle));
        Map<Hash, byte[]> blobs = new HashMap<>();
        long bytes = 0;
        for (long b = firstBundle; b < endBundle; b++) {
            BundleId id = BundleId.ofEntry(b * TilePath.FULL_WIDTH, size);
            byte[] raw = vault.get(id.path()).orElseThrow(() -> new VerificationException("vault bundle " + id.path()
                    + " (entries " + id.firstEntry() + ".." + (id.firstEntry() + id.width() - 1) + ") is missing from " + vault.describe()));
            bytes += raw.length;
            List<byte[]> bundle;
            try {
                bundle = EntryBundle.decode(raw);
            } catch (IllegalArgumentException e) {
                throw new VerificationException("vault bundle " + id.path() + " does not decode: " + e.getMessage());
            }
            if (bundle.size() != id.width()) {
                throw new VerificationException("vault bundle " + id.path() + " holds " + bundle.size() + " entries, not " + id.width());
            }
            byte[] leaves = new byte[id.width() * Hash.SIZE];
            for (int i = 0; i < bundle.size(); i++) {
                Merkle.leafHash(bundle.get(i)).copyTo(leaves, i * Hash.SIZE);
            }
            authenticate(id, leaves);
            for (int i = 0; i < bundle.size(); i++) {
                long index = id.firstEntry() + i;
                Entry e = decode(id, index, bundle.get(i));
                if (e.bodyType() == BodyType.BLOB_REF) checkBlob(index, BlobRef.fromBody(e.body()), blobs);
                decoded.add(e);
            }
            checkOlderPartials(id, raw, leaves);
            entries.addAll(bundle);
            leafTiles.add(leaves);
        }
        return new Chunk(first, entries, decoded, leafTiles, blobs, bytes);
    }

    /** The leaf hashes against the checkpoint (through the tile above), then the vault's own level 0 tile against them. */
    private void authenticate(BundleId id, byte[] leaves) throws VerificationException {
        byte[] committed;
        String via;
        if (id.width() == TilePath.FULL_WIDTH) {
            Hash expected = tree.parentHash(0, id.index());
            Hash found = VaultTree.subtreeRoot(leaves);
            if (!found.equals(expected)) {
                committed = vault.get(id.tile().path()).filter(t -> t.length == leaves.length
                        && VaultTree.subtreeRoot(t).equals(expected)).orElse(null);
                if (committed == null) {
                    throw new VerificationException("vault bundle " + id.path() + " (entries " + id.firstEntry() + ".."
                            + (id.firstEntry() + 255) + ") hashes to subtree root " + found + " but the checkpoint's tree ("
                            + VaultTree.parentPath(0, id.index(), size) + " hash " + (id.index() % TilePath.FULL_WIDTH) + ") says "
                            + expected + ": the bundle was changed");
                }
                blameEntry(id, leaves, committed, id.tile().path());
            }
            committed = leaves;
            via = null;
        } else {
            committed = tree.partialLeaves();
            via = id.tile().path();
            if (!Arrays.equals(committed, leaves)) blameEntry(id, leaves, committed, via);
        }
        TileId tileId = id.tile();
        byte[] held = vault.get(tileId.path()).orElseThrow(() -> new VerificationException("vault tile " + tileId.path()
                + " is missing from " + vault.describe() + " (entries " + id.firstEntry() + ".." + (id.firstEntry() + id.width() - 1) + ")"));
        int h = VaultTree.firstDifference(held, committed);
        if (h >= 0) {
            throw new VerificationException("vault tile " + tileId.path() + " hash " + h + " (entry " + (id.firstEntry() + h)
                    + ") is " + hashAt(held, h) + " but the entry in " + id.path() + " hashes to " + hashAt(committed, h)
                    + ", which the checkpoint commits to: the tile was changed");
        }
    }

    /** The bundle disagrees with a tile the checkpoint commits to: name the first entry that does. */
    private static void blameEntry(BundleId id, byte[] leaves, byte[] committed, String tilePath) throws VerificationException {
        int h = VaultTree.firstDifference(leaves, committed);
        throw new VerificationException("entry " + (id.firstEntry() + h) + " in vault bundle " + id.path() + " hashes to "
                + hashAt(leaves, h) + " but " + tilePath + " hash " + h + ", which the checkpoint commits to, is "
                + hashAt(committed, h) + ": the bundle was changed");
    }

    private static String hashAt(byte[] tile, int h) {
        return tile.length >= (h + 1) * Hash.SIZE ? Hash.of(tile, h * Hash.SIZE).toString() : "(absent)";
    }

    private static Entry decode(BundleId id, long index, byte[] data) throws VerificationException {
        try {
            return EntryCodec.decode(data);
        } catch (RuntimeException e) {
            throw new VerificationException("entry " + index + " in vault bundle " + id.path() + " does not decode: " + e.getMessage());
        }
    }

    private void checkBlob(long index, BlobRef ref, Map<Hash, byte[]> blobs) throws VerificationException {
        String path = VaultPaths.blob(ref.sha256());
        byte[] content = vault.get(path).orElseThrow(() -> new VerificationException("entry " + index + " references blob "
                + path + ", which " + vault.describe() + " does not hold"));
        Hash found = Hash.sha256(content);
        if (!found.equals(ref.sha256()) || content.length != ref.length()) {
            throw new VerificationException("vault blob " + path + " named by entry " + index + " has SHA-256 " + found
                    + " and " + content.length + " bytes; the entry says " + ref.sha256() + " and " + ref.length() + " bytes");
        }
        if (keepBlobs) blobs.put(found, content);
    }

    /** Partial bundles and tiles of earlier checkpoints are prefixes of what the target tree holds. */
    private void checkOlderPartials(BundleId id, byte[] raw, byte[] leaves) throws VerificationException {
        for (int code : olderPartials.getOrDefault(id.index(), List.of())) {
            int width = code < 0 ? -1 - code : code;
            if (width >= id.width()) continue; // of a tree beyond the target, or the target's own
            String path = code < 0 ? new BundleId(id.index(), width).path() : new TileId(0, id.index(), width).path();
            byte[] held = vault.get(path).orElseThrow(() -> new VerificationException(path + " vanished while it was read"));
            byte[] expected = code < 0 ? EntryBundle.encode(entriesPrefix(raw, width)) : Arrays.copyOf(leaves, width * Hash.SIZE);
            if (!Arrays.equals(held, expected)) {
                throw new VerificationException("vault " + (code < 0 ? "bundle " : "tile ") + path + " of an earlier checkpoint is"
                        + " not a prefix of " + (code < 0 ? id.path() : id.tile().path()) + ", which the checkpoint commits to: "
                        + path + " was changed");
            }
        }
    }

    private static List<byte[]> entriesPrefix(byte[] raw, int width) {
        return EntryBundle.decode(raw).subList(0, width);
    }

    /** Groups the vault's partial bundle and level 0 tile paths by bundle index (see the constructor). */
    static Map<Long, List<Integer>> olderPartials(List<String> tilePaths, Set<String> ofTarget) {
        Map<Long, List<Integer>> out = new HashMap<>();
        for (String p : tilePaths) {
            if (!p.contains(".p/") || ofTarget.contains(p)) continue;
            if (TilePath.parse(p) instanceof BundleId b) {
                out.computeIfAbsent(b.index(), k -> new ArrayList<>()).add(-1 - b.width());
            } else if (TilePath.parse(p) instanceof TileId t && t.level() == 0) {
                out.computeIfAbsent(t.index(), k -> new ArrayList<>()).add(t.width());
            }
        }
        return out;
    }
}
