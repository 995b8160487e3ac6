package org.kalaja.store.sqlite;

import java.util.Arrays;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.StoredEntry;

/**
 * How consecutive log entries are packed into one row of the {@code entries} table, so that a group
 * commit of thousands of entries inserts tens of rows rather than thousands.
 *
 * <p>A row is {@code (first, count, body)}: entries {@code first .. first + count - 1}, in order, with
 * {@code body} the concatenation of, for each entry:
 * <pre>
 * previousIndex  8 bytes, big-endian two's complement (-1: none)
 * length         4 bytes, big-endian, 0 ≤ length ≤ 2^31 - 1
 * data           length bytes: the entry exactly as the Merkle tree covers it
 * </pre>
 * A row holds at most {@value #MAX_ENTRIES} entries and, unless it holds a single entry, at most
 * {@value #MAX_BYTES} bytes of body. Rows never span transactions: a transaction's last row may be
 * short, and the next transaction starts a new one. Rows are never updated, so a crash or rollback
 * leaves every row whole or absent, like any SQLite row.
 *
 * <p>Why 16: measured with 1 KiB entries, 2,000 per commit, synchronous=FULL, a commit costs the
 * same with 16 or 64 entries a row (the WAL's fsync dominates), while a random {@code entry(i)},
 * which reads its whole row, took a median 20-28 µs with 16 and 45-61 µs with 64 (12-15 µs with
 * one entry a row).
 */
final class EntryChunks {
    static final int MAX_ENTRIES = 16;
    static final int MAX_BYTES = 32 * 1024;
    private static final int HEADER = 12;

    private EntryChunks() {
    }

    /** Builds one row's body; reused for each row after {@link #take}. */
    static final class Builder {
        private byte[] buffer = new byte[MAX_BYTES + 4 * HEADER];
        private int used;
        private int count;
        private long first = -1;

        /** Whether {@code length} more bytes of entry fit in the row being built. */
        boolean fits(int length) {
            return count == 0 || (count < MAX_ENTRIES && used + HEADER + (long) length <= MAX_BYTES);
        }

        void add(long index, byte[] data, long previousIndex) {
            if (count == 0) first = index;
            int needed = used + HEADER + data.length;
            if (needed > buffer.length) buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
            putLong(buffer, used, previousIndex);
            putInt(buffer, used + 8, data.length);
            System.arraycopy(data, 0, buffer, used + HEADER, data.length);
            used = needed;
            count++;
        }

        boolean isEmpty() {
            return count == 0;
        }

        long first() {
            return first;
        }

        int count() {
            return count;
        }

        /** The body built so far, as a new array (JDBC batches keep the array), and starts a new row. */
        byte[] take() {
            byte[] body = Arrays.copyOf(buffer, used);
            if (buffer.length > 4 * MAX_BYTES) buffer = new byte[MAX_BYTES + 4 * HEADER]; // after a huge entry
            used = 0;
            count = 0;
            first = -1;
            return body;
        }
    }

    /** Receives the entries sliced from a row. */
    @FunctionalInterface
    interface Sink {
        /** Returns false to stop. */
        boolean accept(StoredEntry entry);
    }

    /**
     * Passes the entries of the row starting at {@code first} whose indexes are in {@code [from, to)}
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
        return new StoreException("the entries row starting at " + first + " (" + count + " entries, "
                + body.length + " bytes) is malformed at its entry " + entry
                + ": the store's file is damaged; rebuild it from a vault (kalaja recover)", false);
    }

    private static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static long getLong(byte[] b, int at) {
        return ((long) getInt(b, at) << 32) | (getInt(b, at + 4) & 0xffffffffL);
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
