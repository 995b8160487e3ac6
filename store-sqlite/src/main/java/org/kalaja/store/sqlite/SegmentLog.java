package org.kalaja.store.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.kalaja.engine.spi.StoreException;

/**
 * The segment files that hold the log's frames ({@link Frame}): the directory {@code <database>.log/}
 * beside the database file, with files named by the index of their first entry, zero-padded to 20
 * digits, e.g. {@code 00000000000000042000.seg}. Frames follow each other with no gap; a segment is
 * closed (the next frame starts a new one) once it holds {@link #DEFAULT_SEGMENT_BYTES} or more.
 *
 * <p>Crash guarantees: a frame is appended at the offset the database says the log ends at and
 * fsync'd ({@code fdatasync}) before the transaction is applied to the database; a new segment file's
 * directory entry is fsync'd too. A frame whose fsync returned is therefore on disk whatever happens
 * next, and a frame whose fsync did not return may be absent, whole, or torn (a prefix, or zeros); it
 * is always the last thing in the last segment, because no frame is written after it until it was
 * either made durable or cut off again ({@link #truncate}). {@link Recovery} relies on exactly this.
 *
 * <p>Thread-safety: reads are positional and may run concurrently with each other and with an
 * append; appends and truncations are made by the writer alone, under the database's write lock.
 * Files are never deleted except an empty last segment, and bytes are never changed once the
 * database has applied the frame holding them.
 */
final class SegmentLog implements AutoCloseable {
    static final long DEFAULT_SEGMENT_BYTES = 256L << 20;
    private static final Pattern NAME = Pattern.compile("\\d{20}\\.seg");

    private final Path directory;
    private final boolean writable;
    private final long segmentBytes;
    private final ConcurrentHashMap<Long, FileChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param writable whether to create the directory (when absent) and open files for writing
     * @throws StoreException if the directory cannot be created
     */
    SegmentLog(Path databaseFile, boolean writable, long segmentBytes) {
        this.directory = databaseFile.resolveSibling(databaseFile.getFileName() + ".log");
        this.writable = writable;
        this.segmentBytes = segmentBytes;
        if (writable && !Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory);
                syncDirectory(directory.getParent());
            } catch (IOException e) {
                throw new StoreException("cannot create the log directory " + directory + ": " + e
                        + "; check the permissions and free space of its disk", false, e);
            }
        }
    }

    Path directory() {
        return directory;
    }

    long segmentBytes() {
        return segmentBytes;
    }

    Path path(long segment) {
        return directory.resolve(String.format("%020d.seg", segment));
    }

    /** The first entry indexes of the segment files present, ascending. */
    List<Long> segments() throws IOException {
        if (!Files.isDirectory(directory)) return List.of();
        List<Long> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.map(p -> p.getFileName().toString()).filter(n -> NAME.matcher(n).matches())
                    .forEach(n -> found.add(Long.parseLong(n.substring(0, 20))));
        }
        found.sort(null);
        return found;
    }

    boolean exists(long segment) {
        return channels.containsKey(segment) || Files.exists(path(segment));
    }

    /** The size of a segment file in bytes, 0 if it does not exist. */
    long size(long segment) throws IOException {
        try {
            return channel(segment, false).size();
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /**
     * Reads exactly {@code length} bytes at {@code offset}.
     *
     * @throws StoreException if the segment is missing or shorter (it was damaged: the database only
     *                        points at bytes that were fsync'd), or cannot be read
     */
    byte[] read(long segment, long offset, int length) {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        for (int attempt = 0; ; attempt++) {
            try {
                FileChannel c = channel(segment, false);
                while (buffer.hasRemaining()) {
                    if (c.read(buffer, offset + buffer.position()) < 0) {
                        throw new StoreException("the log segment " + path(segment) + " ends before offset " + (offset + length)
                                + " although the database has applied the frames up to there: the segment was damaged or"
                                + " cut short; stop the node, keep its files as evidence and rebuild it from a vault (kalaja recover)", false);
                    }
                }
                return buffer.array();
            } catch (ClosedByInterruptException e) {
                channels.remove(segment); // an interrupt closes the channel for every thread: the next read reopens it
                throw new StoreException("reading the log segment " + path(segment) + " was interrupted", true, e);
            } catch (IOException e) {
                if (!closed && attempt == 0 && !(e instanceof NoSuchFileException)) {
                    channels.remove(segment);
                    continue; // closed under us by another thread's interrupt: once more with a fresh channel
                }
                throw failure(e, segment, "reading " + length + " bytes at offset " + offset, false);
            }
        }
    }

    /**
     * Writes {@code frame} at {@code offset} of {@code segment} (creating the file, and fsyncing its
     * directory, if it is new) without fsyncing the frame: it is durable only once {@link #force}
     * returned. Does not undo a partial write: the caller truncates.
     */
    void write(long segment, long offset, ByteBuffer frame) throws IOException {
        if (!writable) throw new IllegalStateException("the log at " + directory + " was opened read-only");
        boolean created = !exists(segment);
        FileChannel c = channel(segment, true);
        if (created) syncDirectory(directory);
        while (frame.hasRemaining()) c.write(frame, offset + frame.position());
    }

    /** Makes what was written to {@code segment} durable ({@code fdatasync}). */
    void force(long segment) throws IOException {
        channel(segment, true).force(false);
    }

    /** Cuts {@code segment} back to {@code length} bytes, durably; an empty segment is deleted. */
    void truncate(long segment, long length) throws IOException {
        if (length == 0) {
            synchronized (channels) {
                FileChannel c = channels.remove(segment);
                if (c != null) c.close();
            }
            Files.deleteIfExists(path(segment));
            syncDirectory(directory);
            return;
        }
        FileChannel c = channel(segment, true);
        c.truncate(length);
        c.force(true);
    }

    private FileChannel channel(long segment, boolean create) throws IOException {
        if (closed) throw new StoreException("the store's log at " + directory + " is closed", false);
        FileChannel c = channels.get(segment);
        if (c != null && c.isOpen()) return c;
        synchronized (channels) {
            if (closed) throw new StoreException("the store's log at " + directory + " is closed", false);
            c = channels.get(segment);
            if (c != null && c.isOpen()) return c;
            c = !writable ? FileChannel.open(path(segment), StandardOpenOption.READ)
                    : create ? FileChannel.open(path(segment), StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE)
                    : FileChannel.open(path(segment), StandardOpenOption.READ, StandardOpenOption.WRITE);
            channels.put(segment, c);
            return c;
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /**
     * A {@link StoreException} for an I/O failure on a segment: a full disk is retryable and says so.
     *
     * @param writing whether the failure was in a write (then the message says nothing was written)
     */
    StoreException failure(IOException e, long segment, String doing, boolean writing) {
        String kept = writing ? "; nothing was written" : "";
        String text = String.valueOf(e.getMessage());
        if (text.contains("No space left") || text.contains("Disk quota")) {
            return new StoreException("the store's disk is full at " + path(segment) + " while " + doing + ": free space" + kept
                    + " [" + e + "]", true, e);
        }
        return new StoreException("I/O error on the log segment " + path(segment) + " while " + doing
                + ": check the disk and its file system" + kept + " [" + e + "]", true, e);
    }

    @Override
    public void close() {
        synchronized (channels) {
            closed = true;
        }
        for (FileChannel c : channels.values()) {
            try {
                c.close();
            } catch (IOException e) {
                // Everything applied was fsync'd before; closing loses nothing.
            }
        }
        channels.clear();
    }
}
