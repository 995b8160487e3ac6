package org.kalaja.engine.witness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.kalaja.ledger.Hash;

/**
 * A witness's data directory:
 *
 * <pre>
 *   witness.key                        the cosigning key, signed-note private key form, mode 0600
 *   witness.lock                       locked while a witness has the directory open
 *   logs/&lt;hex SHA-256 of origin&gt;.checkpoint   per log, the latest checkpoint the witness cosigned:
 *                                      a signed note with the log's signature(s) and the witness's
 *   evidence/&lt;hex prefix&gt;-&lt;millis&gt;-&lt;n&gt;.txt  refused inconsistent checkpoints the log signed
 * </pre>
 *
 * <p>Crash guarantee: every file is replaced by writing a new file beside it, forcing it to disk,
 * renaming it over the old one and forcing the directory, so after a crash at any point the name
 * holds either the complete old content or the complete new one; a half-written temporary file
 * ({@code .*.tmp}) is deleted on the next open. {@link #writeCheckpoint} returns only once the new
 * checkpoint is durable.
 *
 * <p>One process at a time: {@link #open} takes an exclusive lock on {@code witness.lock}, because
 * two witnesses answering from one directory could each accept a checkpoint the other's record
 * forbids.
 */
final class StateFiles implements AutoCloseable {
    static final String KEY_FILE = "witness.key";
    /** Enough refused requests to prove a misbehaving log; more would let that log fill the disk. */
    static final int MAX_EVIDENCE = 1000;

    /** The file system steps of a durable replace, a seam for fault-injecting tests. */
    interface Disk {
        /** Creates {@code file} (it MUST NOT exist) with mode 0600, writes {@code content} and forces it to disk. */
        void writeNew(Path file, byte[] content) throws IOException;

        /** Atomically renames {@code from} to {@code to}, replacing {@code to}. */
        void rename(Path from, Path to) throws IOException;

        /** Forces a directory's entries (a rename in it) to disk. */
        void syncDirectory(Path dir) throws IOException;
    }

    static final Disk REAL = new Disk() {
        @Override
        public void writeNew(Path file, byte[] content) throws IOException {
            try (FileChannel ch = FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
        }

        @Override
        public void rename(Path from, Path to) throws IOException {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                ch.force(true);
            }
        }
    };

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Path logs;
    private final Path evidence;
    private final Disk disk;
    private final AtomicInteger evidenceCount;
    private final FileChannel lockFile;

    private StateFiles(Path dir, Disk disk, int evidenceCount, FileChannel lockFile) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.logs = dir.resolve("logs");
        this.evidence = dir.resolve("evidence");
        this.disk = disk;
        this.evidenceCount = new AtomicInteger(evidenceCount);
    }

    /**
     * Opens (creating, mode 0700) the data directory, locks it and removes temporary files a crash left.
     *
     * @throws IllegalStateException if another witness has it open
     */
    static StateFiles open(Path dir, Disk disk) throws IOException {
        for (Path d : new Path[] {dir, dir.resolve("logs"), dir.resolve("evidence")}) {
            if (!Files.isDirectory(d)) {
                Path parent = d.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        }
        FileChannel lockFile = FileChannel.open(dir.resolve("witness.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            if (lockFile.tryLock() == null) {
                throw new OverlappingFileLockException();
            }
        } catch (OverlappingFileLockException | IOException e) {
            lockFile.close();
            throw new IllegalStateException("another witness is running on " + dir + " (" + dir.resolve("witness.lock")
                    + " is locked); stop it first", e);
        }
        int evidenceFiles = 0;
        for (Path d : new Path[] {dir, dir.resolve("logs"), dir.resolve("evidence")}) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (name.startsWith(".") && name.endsWith(".tmp")) {
                        Files.deleteIfExists(f);
                    } else if (d.endsWith("evidence")) {
                        evidenceFiles++;
                    }
                }
            }
        }
        return new StateFiles(dir, disk, evidenceFiles, lockFile);
    }

    Path directory() {
        return dir;
    }

    Path keyFile() {
        return dir.resolve(KEY_FILE);
    }

    /** Where the latest cosigned checkpoint of {@code origin} is kept. */
    Path checkpointFile(String origin) {
        return logs.resolve(originHash(origin) + ".checkpoint");
    }

    /** The lower-case hex SHA-256 of the origin: the file name, and the monitoring URL's path segment. */
    static String originHash(String origin) {
        return Hash.sha256(origin.getBytes(StandardCharsets.UTF_8)).hex();
    }

    /** The recorded checkpoint of {@code origin}, if the witness ever cosigned one. */
    Optional<byte[]> readCheckpoint(String origin) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(checkpointFile(origin)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Durably replaces the recorded checkpoint of {@code origin}; see the class comment. */
    void writeCheckpoint(String origin, byte[] note) throws IOException {
        replace(checkpointFile(origin), note);
    }

    /** Writes a new file {@code file} durably (the key file); it MUST NOT exist yet. */
    void create(Path file, byte[] content) throws IOException {
        if (Files.exists(file)) {
            throw new IOException(file + " already exists");
        }
        replace(file, content);
    }

    /**
     * Keeps a refused request and what it contradicts, as evidence of a log's misbehaviour. Best
     * effort: a failure to write it, or the {@link #MAX_EVIDENCE} limit, never changes the answer.
     *
     * @return the file written, or empty if none was
     */
    Optional<Path> saveEvidence(String origin, String text) {
        int n = evidenceCount.updateAndGet(c -> Math.min(c + 1, MAX_EVIDENCE + 1));
        if (n > MAX_EVIDENCE) {
            return Optional.empty();
        }
        Path file = evidence.resolve(originHash(origin).substring(0, 16) + "-" + System.currentTimeMillis() + "-" + n + ".txt");
        try {
            replace(file, text.getBytes(StandardCharsets.UTF_8));
            return Optional.of(file);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Releases the directory. */
    @Override
    public void close() throws IOException {
        lockFile.close();
    }

    private void replace(Path file, byte[] content) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + "." + HexFormat.of().toHexDigits(RANDOM.nextLong()) + ".tmp");
        try {
            disk.writeNew(temp, content);
            disk.rename(temp, file);
            disk.syncDirectory(file.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
