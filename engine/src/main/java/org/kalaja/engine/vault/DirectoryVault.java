package org.kalaja.engine.vault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.kalaja.ledger.Hash;

/**
 * The default vault: a directory, ideally on another disk or a mount of another machine, holding the
 * {@link VaultPaths} layout as files ({@code tile/0/x001/234}, {@code checkpoints/000…0042}, ...).
 *
 * <h2>How a path is written, and what survives a crash</h2>
 * <ol>
 *   <li>Missing parent directories are created, each followed by an fsync of its parent.</li>
 *   <li>The content goes to a fresh temporary file beside the target, named
 *       {@code .<name>.<random>.tmp}, which is fsync'd and made read-only (0444).</li>
 *   <li>Write-once paths are published with a hard link from the target name to the temporary file:
 *       unlike a rename, a link never replaces, so of two writers (threads or processes) racing for one
 *       path exactly one wins and the other finds the winner's bytes. {@code checkpoint} is published
 *       with an atomic rename over the previous one.</li>
 *   <li>The temporary name is removed and the directory fsync'd; only then does the call return.</li>
 * </ol>
 * A crash at any point leaves either no file or the whole content under the target name; at worst
 * a {@code .tmp} file stays behind, which no read or listing sees and an operator may delete.
 *
 * <p>Read-only files and the absence of any delete or overwrite in this class keep Kalaja itself from
 * changing history; they do not stop root on the machine that mounts the directory. Against that, the
 * vault belongs on storage the primary cannot rewrite, and tampering is caught by verification:
 * {@link #get} returns the bytes on disk as they are, damaged or not, and checking them against a
 * cosigned checkpoint is the verifier's job. {@link #put} of the original bytes over a damaged file
 * reports {@link VaultTamperException}.
 *
 * <p>The file system must support hard links (ext4, xfs, btrfs, zfs, tmpfs, NFS do). The root directory
 * must exist: {@link #open} never creates it, so that a mistyped path or an unmounted disk cannot
 * silently receive the vault. Reading works on a read-only mount.
 */
public final class DirectoryVault implements Vault {
    private static final Set<PosixFilePermission> READ_ONLY = PosixFilePermissions.fromString("r--r--r--");

    /** Where tests break the disk; production breaks nothing. */
    interface Faults {
        Faults NONE = (step, path) -> {};

        /** Called before each step of writing; throwing fails the write at that step. */
        void before(Step step, Path path) throws IOException;

        enum Step { WRITE, SYNC, PUBLISH, SYNC_DIRECTORY }
    }

    private final Path root;
    private final Faults faults;
    /** Directories this instance created or fsync'd into their parent: no need to fsync them again. */
    private final Set<Path> durableDirectories = ConcurrentHashMap.newKeySet();
    /** Orders checkpoint publications of this instance, so the published one only moves forward. */
    private final ReentrantLock checkpointLock = new ReentrantLock();
    private volatile boolean closed;

    private DirectoryVault(Path root, Faults faults) {
        this.root = root;
        this.faults = faults;
    }

    /**
     * Opens the vault held in {@code root}.
     *
     * @throws VaultException (not retryable) if {@code root} is not an existing directory
     */
    public static DirectoryVault open(Path root) {
        return open(root, Faults.NONE);
    }

    static DirectoryVault open(Path root, Faults faults) {
        Path dir = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new VaultException("directory vault " + dir + " does not exist or is not a directory: create it on"
                    + " the disk or mount meant to hold the vault. Kalaja never creates it, so that a mistyped path or"
                    + " an unmounted disk cannot receive the vault", false);
        }
        return new DirectoryVault(dir, faults);
    }

    @Override
    public String describe() {
        return "dir:" + root;
    }

    @Override
    public void put(String path, byte[] content) {
        VaultPaths.checkPut(path, content);
        ensureOpen();
        byte[] offered = content.clone();
        Path file = fileOf(path);
        try {
            Optional<byte[]> held = read(file);
            if (held.isEmpty()) {
                makeDurable(file.getParent());
                if (publish(file, offered, false)) {
                    return;
                }
                held = read(file);
            }
            confirm(path, file, held.orElseThrow(() -> new NoSuchFileException(file.toString(), null,
                    "appeared while writing and then vanished")), offered);
        } catch (IOException e) {
            throw down("write", path, e);
        }
    }

    /** The path already holds content: the same as {@code offered} is success, made durable; else tampering. */
    private void confirm(String path, Path file, byte[] held, byte[] offered) throws IOException {
        if (!Arrays.equals(held, offered)) {
            throw new VaultTamperException(path, Hash.sha256(held), Hash.sha256(offered));
        }
        // An earlier put may have failed between publishing and its fsyncs: this one finishes the job.
        makeDurable(file.getParent());
        sync(file);
        sync(file.getParent());
    }

    @Override
    public Optional<byte[]> get(String path) {
        VaultPaths.checkWriteOnce(path);
        ensureOpen();
        try {
            return read(fileOf(path));
        } catch (IOException e) {
            throw down("read", path, e);
        }
    }

    @Override
    public boolean readInto(String path, ReadBuffer into) {
        VaultPaths.checkWriteOnce(path);
        ensureOpen();
        try (FileChannel channel = FileChannel.open(fileOf(path), StandardOpenOption.READ)) {
            // Read to the end rather than trusting size(): a file changed behind Kalaja's back is
            // returned as it is, for the verifier to judge. The buffer's room from earlier reads
            // usually holds the file: size() (one more system call per file) only when it does not.
            byte[] array = into.ensure(1, 0);
            int filled = 0;
            while (true) {
                if (filled == array.length) {
                    array = into.ensure((int) Math.min(Integer.MAX_VALUE - 8, Math.max(channel.size() + 1, filled + 1L)), filled);
                }
                int n = channel.read(ByteBuffer.wrap(array, filled, array.length - filled));
                if (n < 0) break;
                filled += n;
            }
            into.filled(filled);
            return true;
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(root)) throw down("read", path, rootGone());
            into.filled(0);
            return false;
        } catch (IOException e) {
            throw down("read", path, e);
        }
    }

    @Override
    public void putCheckpoint(byte[] signedNote) {
        long size = VaultPaths.treeSize(signedNote);
        ensureOpen();
        byte[] note = signedNote.clone();
        String history = VaultPaths.history(size);
        checkpointLock.lock();
        try {
            Optional<byte[]> kept = read(fileOf(history));
            if (kept.isEmpty() || !Arrays.equals(kept.get(), note)) {
                throw new VaultException("refusing to publish the checkpoint of tree size " + size + " in " + describe()
                        + ": " + (kept.isEmpty() ? history + " does not hold it" : history + " holds a different note")
                        + "; every published checkpoint MUST first be put in the history", false);
            }
            Path published = root.resolve(VaultPaths.CHECKPOINT);
            Optional<byte[]> current = read(published);
            long currentSize = current.map(DirectoryVault::sizeOrMinusOne).orElse(-1L);
            if (currentSize > size) {
                throw new VaultException("refusing to move the published checkpoint of " + describe() + " back from"
                        + " tree size " + currentSize + " to " + size + ": it only moves forward", false);
            }
            if (current.isPresent() && Arrays.equals(current.get(), note)) {
                sync(published);
                sync(root);
                return;
            }
            publish(published, note, true);
        } catch (IOException e) {
            throw down("publish", VaultPaths.CHECKPOINT, e);
        } finally {
            checkpointLock.unlock();
        }
    }

    /** A published checkpoint that no longer parses is damage; the history keeps the truth, so it may be replaced. */
    private static long sizeOrMinusOne(byte[] note) {
        try {
            return VaultPaths.treeSize(note);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    @Override
    public Optional<byte[]> checkpoint() {
        ensureOpen();
        try {
            return read(root.resolve(VaultPaths.CHECKPOINT));
        } catch (IOException e) {
            throw down("read", VaultPaths.CHECKPOINT, e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        VaultPaths.checkPrefix(prefix);
        ensureOpen();
        try {
            return DirectoryListing.list(root, prefix);
        } catch (IOException e) {
            throw down("list", prefix, e);
        }
    }

    @Override
    public List<String> listPartials() {
        ensureOpen();
        try {
            return DirectoryListing.partials(root);
        } catch (IOException e) {
            throw down("list", VaultPaths.TILES, e);
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    /**
     * Writes {@code content} to a temporary file beside {@code target} and publishes it under the target
     * name: by rename if {@code replace}, else by a hard link that fails if the target exists.
     *
     * @return false if the target already existed (and {@code replace} is false): nothing was published
     */
    private boolean publish(Path target, byte[] content, boolean replace) throws IOException {
        Path dir = target.getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                faults.before(Faults.Step.WRITE, temp);
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                faults.before(Faults.Step.SYNC, temp);
                channel.force(true);
            }
            makeReadOnly(temp);
            faults.before(Faults.Step.PUBLISH, target);
            if (replace) {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } else if (!link(target, temp)) {
                return false;
            }
        } finally {
            deleteQuietly(temp);
        }
        faults.before(Faults.Step.SYNC_DIRECTORY, dir);
        sync(dir);
        return true;
    }

    private boolean link(Path target, Path temp) throws IOException {
        try {
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            throw new VaultException("the file system of " + describe() + " has no hard links, which the directory"
                    + " vault needs to write a path once and never replace it; put the vault on ext4, xfs, zfs or"
                    + " another file system with hard links", false, e);
        }
    }

    /** Creates {@code dir} and its missing parents, each one durable in its parent before this returns. */
    private void makeDurable(Path dir) throws IOException {
        if (dir.equals(root) || durableDirectories.contains(dir)) {
            return;
        }
        makeDurable(dir.getParent());
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
        // Also when another writer created it: it may not have fsync'd the parent yet.
        sync(dir.getParent());
        durableDirectories.add(dir);
    }

    private Path fileOf(String path) {
        Path file = root.resolve(path).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException("vault path " + path + " leaves " + root); // VaultPaths already refused it
        }
        return file;
    }

    private Optional<byte[]> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(root)) throw rootGone();
            return Optional.empty();
        }
    }

    /**
     * A file is absent from the vault only while the vault's directory is there: when the directory
     * itself is gone (its disk unmounted), the vault is unavailable, which callers retry, not empty.
     * Otherwise a history file "missing" after an unmount looked like tampering and stopped shipping.
     */
    private NoSuchFileException rootGone() {
        return new NoSuchFileException(root.toString(), null, "the vault's directory is gone");
    }

    private static void sync(Path fileOrDirectory) throws IOException {
        try (FileChannel channel = FileChannel.open(fileOrDirectory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void makeReadOnly(Path file) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) {
            posix.setPermissions(READ_ONLY);
        } else if (!file.toFile().setReadOnly()) {
            throw new IOException("could not make " + file + " read-only");
        }
    }

    /** A temporary file that cannot be removed is harmless (nothing reads it); the write's own outcome matters. */
    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // left for the operator; see the class comment
        }
    }

    private VaultException down(String doing, String path, IOException e) {
        return new VaultException("directory vault " + root + " could not " + doing + " " + path + ": " + e
                + ". Nothing partial is visible under that path; check free space, the disk or mount and the"
                + " permissions of " + root + ", then retry", true, e);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(describe() + " is closed");
        }
    }
}
