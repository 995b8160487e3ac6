package org.kalaja.store.sqlite;

import java.util.Arrays;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.StoredEntry;

/**
 * How consecutive log entries are laid out in a frame's entries section ({@link Frame}), and how they
 * are cut into chunks, each indexed by one row of the database's {@code entry_chunks} table, so a
 * group commit of thousands of entries adds tens of index rows rather than thousands.
 *
 * <p>A chunk is entries {@code first .. first + count - 1}, in order, each:
 * <pre>
 * previousIndex  8 bytes, big-endian two's complement (-1: none)
 * length         4 bytes, big-endian, 0 ≤ length ≤ 2^31 - 1
 * data           length bytes: the entry exactly as the Merkle tree covers it
 * </pre>
 * A chunk holds at most {@value #MAX_ENTRIES} entries and, unless it holds a single entry, at most
 * {@value #MAX_BYTES} bytes. Chunks never span frames: a frame's last chunk may be short.
 *
 * <p>Why 16: measured with 1 KiB entries, a random {@code entry(i)}, which reads its whole chunk,
 * took a median 20-28 µs with 16 and 45-61 µs with 64 (12-15 µs with one entry a chunk) when chunks
 * were database rows; the write cost is an index row per chunk.
 */
final class EntryChunks {
    static final int MAX_ENTRIES = 16;
    static final int MAX_BYTES = 32 * 1024;
    private static final int HEADER = 12;

    private EntryChunks() {
    }

    /** Receives the entries sliced from a chunk. */
    @FunctionalInterface
    interface Sink {
        /** Returns false to stop. */
        boolean accept(StoredEntry entry);
    }

    /**
     * Passes the entries of the chunk starting at {@code first} whose indexes are in {@code [from, to)}
     * to {@code sink}, in order; returns false if the sink stopped.
     *
     * @throws StoreException if {@code body} does not hold {@code count} well-formed entries
     */
    static boolean slice(long first, int count, byte[] body, long from, long to, Sink sink) {
        int at = 0;
        for (int i = 0; i < count; i++) {
            if (at + HEADER > body.length) throw malformed(first, count, body, i);
            long previous = getLong(body, at);
            int length = getInt(body, at + 8);
            int start = at + HEADER;
            if (length < 0 || start + (long) length > body.length) throw malformed(first, count, body, i);
            at = start + length;
            long index = first + i;
            if (index >= to) return true;
            if (index >= from && !sink.accept(new StoredEntry(index, Arrays.copyOfRange(body, start, at), previous))) {
                return false;
            }
        }
        if (at != body.length) throw malformed(first, count, body, count);
        return true;
    }

    private static StoreException malformed(long first, int count, byte[] body, int entry) {
        return new StoreException("the chunk of entries starting at " + first + " (" + count + " entries, "
                + body.length + " bytes) is malformed at its entry " + entry
                + ": the store's log is damaged; rebuild it from a vault (kalaja recover)", false);
    }

    private static long getLong(byte[] b, int at) {
        return ((long) getInt(b, at) << 32) | (getInt(b, at + 4) & 0xffffffffL);
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
