package org.kalaja.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * The C2SP tlog-tiles entry bundle encoding: 1 to 256 entries, each a big-endian unsigned 16-bit
 * length followed by that many bytes, back to back, nothing before, between or after.
 *
 * <p>An entry is therefore at most 65,535 bytes; larger content MUST be stored elsewhere and
 * referenced from the entry. Entry {@code i} of bundle {@code N} is log entry {@code N * 256 + i}
 * and its {@link Merkle#leafHash} is hash {@code i} of level 0 tile {@code N}. Like tiles, a
 * partial bundle is a prefix of every wider bundle with the same index.
 */
public final class EntryBundle {
    /** The largest entry a bundle can carry. */
    public static final int MAX_ENTRY_SIZE = 0xFFFF;

    private EntryBundle() {}

    /**
     * Encodes 1 to 256 entries.
     *
     * @throws IllegalArgumentException if there are no entries, more than 256, or one is longer than
     *     65,535 bytes
     */
    public static byte[] encode(List<byte[]> entries) {
        if (entries.isEmpty() || entries.size() > TilePath.FULL_WIDTH) {
            throw new IllegalArgumentException("a bundle holds 1 to 256 entries, got " + entries.size());
        }
        int total = 0;
        for (int i = 0; i < entries.size(); i++) {
            int length = entries.get(i).length;
            if (length > MAX_ENTRY_SIZE) {
                throw new IllegalArgumentException(
                        "entry " + i + " is " + length + " bytes, more than the " + MAX_ENTRY_SIZE + " a bundle allows");
            }
            total += 2 + length;
        }
        byte[] out = new byte[total];
        int p = 0;
        for (byte[] entry : entries) {
            out[p++] = (byte) (entry.length >>> 8);
            out[p++] = (byte) entry.length;
            System.arraycopy(entry, 0, out, p, entry.length);
            p += entry.length;
        }
        return out;
    }

    /**
     * Decodes a bundle.
     *
     * @throws IllegalArgumentException naming the offset, if the bundle is empty, a length prefix or
     *     an entry is cut short, or it holds more than 256 entries
     */
    public static List<byte[]> decode(byte[] bundle) {
        if (bundle.length == 0) {
            throw new IllegalArgumentException("an entry bundle is never empty");
        }
        List<byte[]> entries = new ArrayList<>();
        int p = 0;
        while (p < bundle.length) {
            if (entries.size() == TilePath.FULL_WIDTH) {
                throw new IllegalArgumentException("entry bundle has " + (bundle.length - p)
                        + " trailing bytes at offset " + p + " after 256 entries");
            }
            if (bundle.length - p < 2) {
                throw new IllegalArgumentException("entry bundle is truncated at offset " + p
                        + ": entry " + entries.size() + " has 1 of the 2 bytes of its length");
            }
            int length = ((bundle[p] & 0xFF) << 8) | (bundle[p + 1] & 0xFF);
            int start = p + 2;
            if (bundle.length - start < length) {
                throw new IllegalArgumentException("entry bundle is truncated at offset " + p + ": entry "
                        + entries.size() + " declares " + length + " bytes, " + (bundle.length - start) + " remain");
            }
            byte[] entry = new byte[length];
            System.arraycopy(bundle, start, entry, 0, length);
            entries.add(entry);
            p = start + length;
        }
        return entries;
    }

    /**
     * Decodes the entries {@code id} names from {@code bundle}, which may be that bundle or a wider one
     * with the same index (bundles are prefix-stable, so a store may hand out the widest it has).
     *
     * @throws IllegalArgumentException if it does not decode or holds fewer than {@code id.width()}
     *     entries
     */
    public static List<byte[]> decode(byte[] bundle, BundleId id) {
        List<byte[]> entries = decode(bundle);
        if (entries.size() < id.width()) {
            throw new IllegalArgumentException(
                    id.path() + " needs " + id.width() + " entries, the bundle holds " + entries.size());
        }
        return entries.subList(0, id.width());
    }

    /** The leaf hashes of a bundle's entries, in order: what level 0 tile {@code N} must hold. */
    public static List<Hash> leafHashes(List<byte[]> entries) {
        List<Hash> hashes = new ArrayList<>(entries.size());
        for (byte[] entry : entries) {
            hashes.add(Merkle.leafHash(entry));
        }
        return hashes;
    }
}
