package org.kalaja.ledger;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * RFC 6962 (section 2.1) / RFC 9162 (section 2.1.1) Merkle tree hashing with SHA-256.
 *
 * <ul>
 *   <li>a leaf hash is {@code SHA-256(0x00 || entry)};</li>
 *   <li>an interior node hash is {@code SHA-256(0x01 || left || right)};</li>
 *   <li>the root of the empty tree is {@code SHA-256("")}.</li>
 * </ul>
 *
 * <p>The distinct prefixes are what makes a leaf impossible to pass off as a node (second pre-image
 * resistance); callers MUST NOT hash entries any other way. All methods are thread-safe: each thread
 * reuses its own {@link MessageDigest}, because allocating one per leaf costs more than hashing a
 * short entry.
 *
 * <p>The methods for many hashes in a row (a verifier's 256 leaves and 255 nodes per bundle) hand the
 * digest each message in one {@code update}: prefix byte and content fed separately cost a second
 * call and a copy of the first block through the digest's buffer, about 4% of a leaf hash and 10% of
 * a node hash on these machines.
 */
public final class Merkle {
    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Hash::sha256Digest);
    /** A node's message, {@code 0x01 || left || right}, assembled per thread for one {@code update}. */
    private static final ThreadLocal<byte[]> NODE = ThreadLocal.withInitial(() -> {
        byte[] message = new byte[1 + 2 * Hash.SIZE];
        message[0] = NODE_PREFIX;
        return message;
    });
    private static final Hash EMPTY_ROOT = Hash.sha256(new byte[0]);

    private Merkle() {}

    /** {@code SHA-256(0x00 || entry)}: the hash of the leaf holding {@code entry}. */
    public static Hash leafHash(byte[] entry) {
        return leafHash(entry, 0, entry.length);
    }

    /** The leaf hash of {@code entry[offset, offset + length)}, for entries decoded in place. */
    public static Hash leafHash(byte[] entry, int offset, int length) {
        MessageDigest md = DIGEST.get();
        md.update(LEAF_PREFIX);
        md.update(entry, offset, length);
        return Hash.wrap(md.digest());
    }

    /**
     * Writes the leaf hash of the entry at {@code buf[at + 1, at + 1 + length)} to
     * {@code dst[dstOff, dstOff + 32)}, for verifying many entries without an object per hash. The
     * byte before the entry, {@code buf[at]}, is overwritten with the leaf prefix, so that the digest
     * takes the whole leaf in one update: the caller MUST no longer need it (in an entry bundle, the
     * low byte of the entry's length, once the entries have been located).
     */
    public static void leafHashOverPrefix(byte[] buf, int at, int length, byte[] dst, int dstOff) {
        buf[at] = LEAF_PREFIX;
        MessageDigest md = DIGEST.get();
        md.update(buf, at, 1 + length);
        try {
            md.digest(dst, dstOff, Hash.SIZE);
        } catch (DigestException e) {
            throw new AssertionError("a 32-byte output slot always fits SHA-256", e);
        }
    }

    /** {@code SHA-256(0x01 || left || right)}: the hash of an interior node. */
    public static Hash nodeHash(Hash left, Hash right) {
        byte[] message = NODE.get();
        left.copyTo(message, 1);
        right.copyTo(message, 1 + Hash.SIZE);
        return Hash.wrap(DIGEST.get().digest(message));
    }

    /** {@code SHA-256("")}: the root hash of the tree of size 0 (not the hash of an empty leaf). */
    public static Hash emptyRoot() {
        return EMPTY_ROOT;
    }

    /**
     * Writes the node hash of the two adjacent hashes at {@code src[off, off + 64)} to
     * {@code dst[dstOff, dstOff + 32)}. {@code dst} may be {@code src}: the input is consumed before
     * the output is written, which lets tiles be reduced in place.
     */
    static void nodeHash(byte[] src, int off, byte[] dst, int dstOff) {
        byte[] message = NODE.get();
        System.arraycopy(src, off, message, 1, 2 * Hash.SIZE);
        MessageDigest md = DIGEST.get();
        md.update(message);
        try {
            md.digest(dst, dstOff, Hash.SIZE);
        } catch (DigestException e) {
            throw new AssertionError("a 32-byte output slot always fits SHA-256", e);
        }
    }

    /**
     * The root of the perfect subtree whose {@code count} leaves, {@code count} a power of two, are
     * the hashes at {@code hashes[offset, offset + 32 * count)}, e.g. the hash a full tile stands for
     * in the tile above it. {@code hashes} is left unchanged.
     */
    public static Hash perfectRoot(byte[] hashes, int offset, int count) {
        byte[] work = Arrays.copyOfRange(hashes, offset, offset + count * Hash.SIZE);
        reducePerfect(work, 0, count);
        return Hash.of(work, 0);
    }

    /**
     * Reduces {@code count} consecutive hashes at {@code buf[off, off + 32 * count)}, {@code count} a
     * power of two, to the hash of the perfect subtree they are the leaves of, in place; the result is
     * left at {@code buf[off, off + 32)}. The rest of that range is overwritten.
     */
    static void reducePerfect(byte[] buf, int off, int count) {
        if (Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("a perfect subtree has a power-of-two width, got " + count);
        }
        for (int n = count; n > 1; n >>= 1) {
            for (int i = 0; i < n / 2; i++) {
                nodeHash(buf, off + 2 * i * Hash.SIZE, buf, off + i * Hash.SIZE);
            }
        }
    }
}
