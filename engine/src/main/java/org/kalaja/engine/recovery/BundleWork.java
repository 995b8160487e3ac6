package org.kalaja.engine.recovery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.vault.ReadBuffer;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.ledger.BlobRef;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.TileId;
import org.kalaja.ledger.TilePath;

/**
 * Reads and authenticates a run of entry bundles of the target tree; many run at once, one per core.
 * Per bundle: it holds exactly its width of entries; their leaf hashes reduce to the
 * hash the authenticated tile above holds (or, on the right edge, equal the authenticated partial
 * tile); the vault's level 0 tile equals them; every blob an entry references is present with its
 * SHA-256 and length. ({@link EarlierPartials} checks the partials of earlier trees beside it.) When the
 * entries are kept for a store, every one is decoded (strictly, canonically); an audit decodes only
 * those that may reference a blob, the rest being authenticated bytes it has no further use for.
 */
final class BundleWork {
    /** What one run yields, in index order; {@code entries}, {@code decoded} and {@code blobs} only when kept. */
    record Chunk(long first, int count, List<byte[]> entries, List<Entry> decoded, List<byte[]> leafTiles, Map<Hash, byte[]> blobs,
            int blobsChecked, long bytes) {
    }

    /**
     * Each verifying thread's buffers for bundles and their level 0 tiles, kept from one run to the
     * next: a buffer per run started small and grew to a bundle's size (about 280 KiB of 1 KiB
     * entries) by copying, every 16 bundles (2% of an audit), and a fresh array for each tile cost
     * more than reading it.
     */
    private record Buffers(ReadBuffer bundle, ReadBuffer tile) {
    }

    private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(() -> new Buffers(new ReadBuffer(1 << 16),
            new ReadBuffer(TilePath.FULL_WIDTH * Hash.SIZE + 1)));
    private final Vault vault;
    private final VaultTree tree;
    private final long size;
    private final boolean keep;

    /** @param keep whether the chunks carry the entries (bytes and decoded) and blobs, for a sink that writes them */
    BundleWork(Vault vault, VaultTree tree, long size, boolean keep) {
        this.vault = vault;
        this.tree = tree;
        this.size = size;
        this.keep = keep;
    }

    Chunk run(long firstBundle, long endBundle) throws VerificationException {
        long first = firstBundle * TilePath.FULL_WIDTH;
        List<byte[]> entries = new ArrayList<>((int) (endBundle - firstBundle) * TilePath.FULL_WIDTH);
        List<Entry> decoded = new ArrayList<>(entries.size());
        List<byte[]> leafTiles = new ArrayList<>((int) (endBundle - firstBundle));
        Map<Hash, byte[]> blobs = new HashMap<>();
        long bytes = 0;
        int blobsChecked = 0;
        Buffers reused = buffers.get();
        ReadBuffer bundle = reused.bundle();
        for (long b = firstBundle; b < endBundle; b++) {
            BundleId id = BundleId.ofEntry(b * TilePath.FULL_WIDTH, size);
            if (!vault.readInto(id.path(), bundle)) {
                throw new VerificationException("vault bundle " + id.path() + " (entries " + id.firstEntry() + ".."
                        + (id.firstEntry() + id.width() - 1) + ") is missing from " + vault.describe());
            }
            byte[] raw = bundle.array();
            bytes += bundle.length();
            int[] offsets = offsets(id, raw, bundle.length());
            byte[] leaves = new byte[id.width() * Hash.SIZE];
            for (int i = 0; i < id.width(); i++) {
                // Over the low byte of the entry's length: offsets() has read the lengths already.
                Merkle.leafHashOverPrefix(raw, offsets[i] + 1, offsets[i + 1] - offsets[i] - 2, leaves, i * Hash.SIZE);
            }
            authenticate(id, leaves, reused.tile());
            for (int i = 0; i < id.width(); i++) {
                long index = id.firstEntry() + i;
                int offset = offsets[i] + 2;
                int length = offsets[i + 1] - offset;
                if (!keep && !mayReferenceBlob(raw, offset, length)) continue;
                Entry e = decode(id, index, raw, offset, length);
                if (e.bodyType() == BodyType.BLOB_REF) {
                    checkBlob(index, BlobRef.fromBody(e.body()), blobs);
                    blobsChecked++;
                }
                if (keep) {
                    decoded.add(e);
                    entries.add(Arrays.copyOfRange(raw, offsets[i] + 2, offsets[i + 1]));
                }
            }
            leafTiles.add(leaves);
        }
        return new Chunk(first, (int) (Math.min(size, endBundle * TilePath.FULL_WIDTH) - first), entries, decoded, leafTiles, blobs, blobsChecked, bytes);
    }

    /**
     * The leaf hashes against the checkpoint (through the tile above), then the vault's own level 0
     * tile, read into {@code tile}, against them.
     */
    private void authenticate(BundleId id, byte[] leaves, ReadBuffer tile) throws VerificationException {
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
        if (!vault.readInto(tileId.path(), tile)) {
            throw new VerificationException("vault tile " + tileId.path() + " is missing from " + vault.describe() + " (entries "
                    + id.firstEntry() + ".." + (id.firstEntry() + id.width() - 1) + ")");
        }
        int h = VaultTree.firstDifference(tile.array(), tile.length(), committed);
        if (h >= 0) {
            throw new VerificationException("vault tile " + tileId.path() + " hash " + h + " (entry " + (id.firstEntry() + h)
                    + ") is " + hashAt(tile.copy(), h) + " but the entry in " + id.path() + " hashes to " + hashAt(committed, h)
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

    /**
     * Where each entry's 2-byte length prefix starts, plus the end, read in place (no copies: most of
     * an audit's time would otherwise go to allocating). The bundle, {@code raw[0, length)}, MUST hold
     * exactly {@code id.width()} entries and nothing after them.
     */
    private static int[] offsets(BundleId id, byte[] raw, int length) throws VerificationException {
        int[] at = new int[id.width() + 1];
        int p = 0;
        for (int i = 0; i < id.width(); i++) {
            if (length - p < 2) {
                throw new VerificationException("vault bundle " + id.path() + " is truncated at offset " + p + ": it holds " + i
                        + " entries, not " + id.width());
            }
            at[i] = p;
            p += 2 + (((raw[p] & 0xFF) << 8) | (raw[p + 1] & 0xFF));
            if (p > length) {
                throw new VerificationException("vault bundle " + id.path() + " is truncated: entry " + (id.firstEntry() + i)
                        + " declares more bytes than remain");
            }
        }
        if (p != length) {
            throw new VerificationException("vault bundle " + id.path() + " has " + (length - p) + " bytes after its "
                    + id.width() + " entries");
        }
        at[id.width()] = p;
        return at;
    }

    /**
     * False only when the entry, read as EntryCodec format version 1, has a body type other than
     * BLOB_REF: an audit then needs nothing else from it (its bytes are already authenticated by their
     * hash), and skipping the full decode keeps the audit near the SHA-256 rate. Anything unexpected
     * (another version, a length running past the end) answers true, so the full decode judges it.
     */
    static boolean mayReferenceBlob(byte[] raw, int offset, int length) {
        int end = offset + length;
        int p = offset + 1 + 1 + 8; // version, kind, time
        if (length < 1 || raw[offset] != EntryCodec.VERSION) return true;
        for (int field = 0; field < 6; field++) { // actor, clientAddress, userAgent, collection, key; then idempotencyKey
            if (field == 5) p += 8; // recordVersion sits before idempotencyKey
            if (p + 2 > end) return true;
            p += 2 + (((raw[p] & 0xFF) << 8) | (raw[p + 1] & 0xFF));
        }
        return p >= end || raw[p] == BodyType.BLOB_REF.code();
    }

    private static Entry decode(BundleId id, long index, byte[] raw, int offset, int length) throws VerificationException {
        try {
            return EntryCodec.decode(raw, offset, length);
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
        if (keep) blobs.put(found, content);
    }
}
