package org.kalaja.engine.vault;

import java.util.Arrays;

/**
 * A reusable destination for {@link Vault#readInto}: a verifier reads thousands of bundles of a few
 * hundred KiB, and a fresh array for each (allocated, zeroed, then collected) costs it more than
 * the read itself. The content is {@code array()[0, length())}; bytes beyond it are left over from
 * earlier reads and MUST be ignored. Not thread-safe: one buffer per reading thread.
 */
public final class ReadBuffer {
    private byte[] array;
    private int length;

    public ReadBuffer(int initialCapacity) {
        array = new byte[initialCapacity];
    }

    /** The array holding the content in its first {@link #length()} bytes; it may change on the next read. */
    public byte[] array() {
        return array;
    }

    public int length() {
        return length;
    }

    /** The content as an array of its own. */
    public byte[] copy() {
        return Arrays.copyOf(array, length);
    }

    /** Makes {@code content} the buffer's content without copying; for vaults that only return fresh arrays. */
    public void adopt(byte[] content) {
        array = content;
        length = content.length;
    }

    /**
     * Makes room for at least {@code capacity} bytes, keeping the first {@code keep}; returns the
     * (possibly new) array for the vault to fill.
     */
    public byte[] ensure(int capacity, int keep) {
        if (capacity > array.length) array = Arrays.copyOf(array, Math.max(capacity, array.length + (array.length >> 1)));
        length = keep;
        return array;
    }

    /** Sets how many bytes of {@link #array()} the vault filled. */
    public void filled(int bytes) {
        if (bytes < 0 || bytes > array.length) throw new IllegalArgumentException("filled " + bytes + " of " + array.length);
        length = bytes;
    }
}
