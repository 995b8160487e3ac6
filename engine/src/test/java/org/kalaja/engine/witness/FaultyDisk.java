package org.kalaja.engine.witness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The real disk, except that the step named by {@link #failNext} fails once, as a full disk, an I/O
 * error or a crash would: {@link Step#TORN_WRITE} leaves the first half of the bytes in the new file.
 */
final class FaultyDisk implements StateFiles.Disk {
    enum Step { WRITE, TORN_WRITE, RENAME, SYNC_DIRECTORY }

    private volatile @Nullable Step failing;

    void failNext(Step step) {
        failing = step;
    }

    private boolean fails(Step... steps) {
        Step f = failing;
        if (f != null && Arrays.asList(steps).contains(f)) {
            failing = null;
            return true;
        }
        return false;
    }

    @Override
    public void writeNew(Path file, byte[] content) throws IOException {
        Step f = failing;
        if (fails(Step.WRITE)) {
            throw new IOException("injected: no space left on device");
        }
        if (fails(Step.TORN_WRITE)) {
            StateFiles.REAL.writeNew(file, Arrays.copyOf(content, content.length / 2));
            throw new IOException("injected: crash after " + content.length / 2 + " bytes (" + f + ")");
        }
        StateFiles.REAL.writeNew(file, content);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        if (fails(Step.RENAME)) {
            throw new IOException("injected: rename failed");
        }
        StateFiles.REAL.rename(from, to);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        if (fails(Step.SYNC_DIRECTORY)) {
            throw new IOException("injected: directory fsync failed");
        }
        StateFiles.REAL.syncDirectory(dir);
    }
}
