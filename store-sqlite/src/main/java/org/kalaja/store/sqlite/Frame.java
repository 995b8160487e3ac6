package org.kalaja.store.sqlite;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;

/**
 * One write transaction as it is kept in a segment file ({@link SegmentLog}): its entries and every
 * change it made to the state, so that the frame alone can rebuild what the transaction did.
 *
 * <p>Byte layout (all integers big-endian, two's complement):
 * <pre>
 * offset  size
 *  0       4   magic "KLF1" (0x4B4C4631)
 *  4       4   length: the whole frame, magic to CRC inclusive
 *  8       8   first: log index of the first entry (the log's size before the transaction)
 * 16       4   entry count
 * 20       4   state count
 * 24       4   idempotency key count
 * 28       4   blob count
 * 32       4   length of the entries section in bytes
 * 36           entries, each: previousIndex 8, length 4, data (the format of {@link EntryChunks})
 *              states, each: collection (length 4, UTF-8), key (length 4, UTF-8), version 8, index 8, flag 1:
 *                0 the row is put, live; 1 the row is put, deleted (a tombstone); 2 the row is removed
 *                (a state repair deleting a row the log never wrote; version and index are 0)
 *              idempotency keys, each: key (length 4, UTF-8), index 8
 *              blobs, each: SHA-256 32, length 4, content
 * length-4 4   CRC-32C of bytes [0, length - 4)
 * </pre>
 * The state count of the header counts removed rows too. A frame is applied, and replayed after a
 * crash, as a whole: its puts, then its removals (a transaction never both puts and removes a row).
 * The entries section is also cut into chunks of at most {@link EntryChunks#MAX_ENTRIES} entries and
 * {@link EntryChunks#MAX_BYTES} bytes (a single larger entry is a chunk of its own); the database
 * indexes each chunk by its first entry, so a random read costs one row and one read of the chunk.
 */
final class Frame {
    static final int MAGIC = 0x4B4C4631;
    static final int HEADER = 36;
    static final int CRC = 4;
    private static final byte REMOVED = 2;
    private static final int ENTRY_HEADER = 12;

    /** A run of consecutive entries of this frame: {@code offset} is from the start of the frame. */
    record Chunk(long first, int count, int offset, int length) {
    }

    record Key(String key, long index) {
    }

    record Blob(byte[] sha256, byte[] content) {
    }

    final long first;
    final int entryCount;
    final List<Chunk> chunks;
    final List<RecordState> states;
    final List<RecordId> removed;
    final List<Key> keys;
    final List<Blob> blobs;

    private Frame(long first, int entryCount, List<Chunk> chunks, List<RecordState> states, List<RecordId> removed,
            List<Key> keys, List<Blob> blobs) {
        this.first = first;
        this.entryCount = entryCount;
        this.chunks = chunks;
        this.states = states;
        this.removed = removed;
        this.keys = keys;
        this.blobs = blobs;
    }

    /** Collects one transaction's changes and encodes them; reused after {@link #reset}. */
    static final class Builder {
        /** Frames larger than this (big blobs) are encoded into a buffer of their own. */
        private static final int REUSED_MAX = 64 << 20;

        private final Bytes entries = new Bytes(1 << 16);
        private final Bytes rest = new Bytes(1 << 14);
        private final List<Chunk> chunks = new ArrayList<>();
        private final List<RecordState> states = new ArrayList<>();
        private final List<RecordId> removed = new ArrayList<>();
        private final List<Key> keys = new ArrayList<>();
        private final List<Blob> blobs = new ArrayList<>();
        private final Chunker chunker = new Chunker();
        private ByteBuffer reused = ByteBuffer.allocateDirect(1 << 16);
        private long first;

        void reset(long firstIndex) {
            entries.used = 0;
            rest.used = 0;
            chunks.clear();
            states.clear();
            removed.clear();
            keys.clear();
            blobs.clear();
            first = firstIndex;
            chunker.reset(firstIndex, chunks);
        }

        boolean isEmpty() {
            return chunker.entryCount == 0 && states.isEmpty() && removed.isEmpty() && keys.isEmpty() && blobs.isEmpty();
        }

        long next() {
            return first + chunker.entryCount;
        }

        void append(byte[] data, long previousIndex) {
            chunker.add(data.length);
            entries.putLong(previousIndex).putInt(data.length).put(data);
        }

        void state(RecordState s) {
            states.add(s);
            rest.putString(s.id().collection()).putString(s.id().key()).putLong(s.version()).putLong(s.index())
                    .put(new byte[] {(byte) (s.deleted() ? 1 : 0)});
        }

        void removal(RecordId id) {
            removed.add(id);
            rest.putString(id.collection()).putString(id.key()).putLong(0).putLong(0).put(new byte[] {REMOVED});
        }

        void key(String key, long index) {
            keys.add(new Key(key, index));
        }

        void blob(byte[] sha256, byte[] content) {
            blobs.add(new Blob(sha256.clone(), content.clone()));
        }

        /** Closes the frame: its decoded form (for applying) and its bytes (for the segment). */
        Frame build() {
            chunker.finish();
            for (Key k : keys) rest.putString(k.key()).putLong(k.index());
            for (Blob b : blobs) rest.put(b.sha256()).putInt(b.content().length).put(b.content());
            return new Frame(first, chunker.entryCount, List.copyOf(chunks), List.copyOf(states), List.copyOf(removed),
                    List.copyOf(keys), List.copyOf(blobs));
        }

        /**
         * The encoded frame of what {@link #build} returned, as a buffer ready to write; valid until the
         * next call. Frames up to {@value #REUSED_MAX} bytes (every group commit of ordinary records)
         * go into one reused direct buffer: the channel writes it without first copying it into a
         * direct buffer of its own, and no frame-sized array is allocated per transaction (for G1 a
         * 4.5 MB array is a "humongous" allocation, and they started concurrent collections).
         */
        ByteBuffer encode() {
            long total = (long) HEADER + entries.used + rest.used + CRC;
            if (total > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("a write transaction of " + total + " bytes is larger than a frame can hold (2 GiB)");
            }
            ByteBuffer b;
            if (total > REUSED_MAX) {
                b = ByteBuffer.allocate((int) total);
            } else {
                if (reused.capacity() < total) reused = ByteBuffer.allocateDirect((int) Math.min(REUSED_MAX, Math.max(total, 2L * reused.capacity())));
                b = reused.clear().limit((int) total);
            }
            b.putInt(MAGIC).putInt((int) total).putLong(first).putInt(chunker.entryCount).putInt(states.size() + removed.size())
                    .putInt(keys.size()).putInt(blobs.size()).putInt(entries.used);
            b.put(entries.bytes, 0, entries.used).put(rest.bytes, 0, rest.used);
            CRC32C crc = new CRC32C();
            crc.update(b.duplicate().flip());
            b.putInt((int) crc.getValue());
            return b.flip();
        }
    }

    /** The length a frame's header declares, or -1 if {@code header} (at least {@link #HEADER} bytes) is not one. */
    static int declaredLength(ByteBuffer header) {
        if (header.getInt(0) != MAGIC) return -1;
        int length = header.getInt(4);
        return length < HEADER + CRC ? -1 : length;
    }

    /** Whether the CRC at the end of {@code frame} (exactly one whole frame) matches. */
    static boolean crcMatches(byte[] frame) {
        CRC32C crc = new CRC32C();
        crc.update(frame, 0, frame.length - CRC);
        return (int) crc.getValue() == ByteBuffer.wrap(frame).getInt(frame.length - CRC);
    }

    /**
     * Decodes a whole frame whose CRC matched.
     *
     * @throws IllegalArgumentException if its sections disagree with its header (the writer was wrong)
     */
    static Frame decode(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        b.position(8);
        long first = b.getLong();
        int entryCount = b.getInt();
        int stateCount = b.getInt();
        int keyCount = b.getInt();
        int blobCount = b.getInt();
        int entriesLength = b.getInt();
        if (entriesLength < 0 || HEADER + (long) entriesLength > frame.length - CRC) throw new IllegalArgumentException("entries section too long");
        List<Chunk> chunks = new ArrayList<>();
        Chunker chunker = new Chunker();
        chunker.reset(first, chunks);
        for (int i = 0; i < entryCount; i++) {
            b.getLong(); // previousIndex
            int length = b.getInt();
            if (length < 0 || length > b.remaining()) throw new IllegalArgumentException("entry " + (first + i) + " overruns the frame");
            chunker.add(length);
            b.position(b.position() + length);
        }
        if (b.position() != HEADER + entriesLength) throw new IllegalArgumentException("entries section length disagrees with its entries");
        chunker.finish();
        List<RecordState> states = new ArrayList<>(stateCount);
        List<RecordId> removed = new ArrayList<>();
        for (int i = 0; i < stateCount; i++) {
            RecordId id = new RecordId(string(b), string(b));
            long version = b.getLong();
            long index = b.getLong();
            byte flag = b.get();
            if (flag == REMOVED) {
                removed.add(id);
            } else if (flag == 0 || flag == 1) {
                states.add(new RecordState(id, version, index, flag == 1));
            } else {
                throw new IllegalArgumentException("state row " + id + " has flag " + flag);
            }
        }
        List<Key> keys = new ArrayList<>(keyCount);
        for (int i = 0; i < keyCount; i++) keys.add(new Key(string(b), b.getLong()));
        List<Blob> blobs = new ArrayList<>(blobCount);
        for (int i = 0; i < blobCount; i++) {
            byte[] sha = new byte[32];
            b.get(sha);
            byte[] content = new byte[b.getInt()];
            b.get(content);
            blobs.add(new Blob(sha, content));
        }
        if (b.position() != frame.length - CRC) throw new IllegalArgumentException("bytes left over after the last section");
        return new Frame(first, entryCount, List.copyOf(chunks), List.copyOf(states), List.copyOf(removed), List.copyOf(keys),
                List.copyOf(blobs));
    }

    private static String string(ByteBuffer b) {
        byte[] utf8 = new byte[b.getInt()];
        b.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** Cuts a frame's entries into chunks as they are added, by their lengths. */
    private static final class Chunker {
        private List<Chunk> chunks = List.of();
        private long first;
        private int entryCount;
        private int used;
        private int chunkStart;
        private int chunkCount;

        void reset(long firstIndex, List<Chunk> into) {
            chunks = into;
            first = firstIndex;
            entryCount = used = chunkStart = chunkCount = 0;
        }

        void add(int length) {
            if (chunkCount > 0 && (chunkCount == EntryChunks.MAX_ENTRIES
                    || used - chunkStart + ENTRY_HEADER + (long) length > EntryChunks.MAX_BYTES)) {
                finish();
            }
            used += ENTRY_HEADER + length;
            entryCount++;
            chunkCount++;
        }

        /** Closes the chunk being filled, if any. */
        void finish() {
            if (chunkCount == 0) return;
            chunks.add(new Chunk(first + entryCount - chunkCount, chunkCount, HEADER + chunkStart, used - chunkStart));
            chunkStart = used;
            chunkCount = 0;
        }
    }

    /** A growable byte array. */
    private static final class Bytes {
        byte[] bytes;
        int used;

        Bytes(int capacity) {
            bytes = new byte[capacity];
        }

        private void ensure(int more) {
            if (used + (long) more > bytes.length) {
                long wanted = Math.max(used + (long) more, bytes.length * 2L);
                if (wanted > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("a write transaction is larger than a frame can hold (2 GiB)");
                bytes = Arrays.copyOf(bytes, (int) wanted);
            }
        }

        Bytes put(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, used, b.length);
            used += b.length;
            return this;
        }

        Bytes putInt(int v) {
            ensure(4);
            bytes[used] = (byte) (v >>> 24);
            bytes[used + 1] = (byte) (v >>> 16);
            bytes[used + 2] = (byte) (v >>> 8);
            bytes[used + 3] = (byte) v;
            used += 4;
            return this;
        }

        Bytes putLong(long v) {
            return putInt((int) (v >>> 32)).putInt((int) v);
        }

        Bytes putString(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            return putInt(utf8.length).put(utf8);
        }
    }
}
