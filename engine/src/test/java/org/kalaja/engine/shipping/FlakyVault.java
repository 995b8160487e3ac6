package org.kalaja.engine.shipping;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultException;

/**
 * A vault that is down while {@link #down} is set: every call throws a retryable {@link VaultException},
 * as a vault behind a dead network would. Otherwise it passes calls to a real vault, recording puts.
 */
final class FlakyVault implements Vault {
    final Vault inner;
    volatile boolean down;
    /** Only publishing fails: a crash between the history entry and the published checkpoint. */
    volatile boolean checkpointDown;
    final AtomicInteger failures = new AtomicInteger();
    final ConcurrentLinkedQueue<String> puts = new ConcurrentLinkedQueue<>();

    FlakyVault(Vault inner) {
        this.inner = inner;
    }

    private void check() {
        if (down) {
            failures.incrementAndGet();
            throw new VaultException("flaky vault: connection refused", true);
        }
    }

    @Override
    public String describe() {
        return "flaky:" + inner.describe();
    }

    @Override
    public void put(String path, byte[] content) {
        check();
        inner.put(path, content);
        puts.add(path);
    }

    @Override
    public Optional<byte[]> get(String path) {
        check();
        return inner.get(path);
    }

    @Override
    public void putCheckpoint(byte[] signedNote) {
        check();
        if (checkpointDown) {
            failures.incrementAndGet();
            throw new VaultException("flaky vault: timed out publishing the checkpoint", true);
        }
        inner.putCheckpoint(signedNote);
    }

    @Override
    public Optional<byte[]> checkpoint() {
        check();
        return inner.checkpoint();
    }

    @Override
    public List<String> list(String prefix) {
        check();
        return inner.list(prefix);
    }

    @Override
    public void close() {
        inner.close();
    }
}
