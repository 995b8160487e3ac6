package org.kalaja.testkit;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.kalaja.engine.spi.IntegrationTransaction;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.engine.spi.WriteTransaction;

/**
 * Wraps any {@link Store} and makes chosen transactions fail, so that callers' fault paths are tested
 * rather than hoped for.
 *
 * <p>Two kinds of fault:
 * <ul>
 *   <li>{@link #failWrite}/{@link #failIntegrate}: the n-th {@code write}/{@code integrate} call from
 *       now (1 = the next one) throws a retryable {@link StoreException} at the chosen {@link Fault}
 *       point. Faults are one-shot; several may be pending at once.</li>
 *   <li>{@link #diskFull}: while set, every {@code write}, {@code integrate} and {@code putMeta}
 *       throws a retryable {@link StoreException} saying the disk is full, without running the work;
 *       reads keep working, as they do on a real full disk.</li>
 * </ul>
 *
 * <p>Except for {@link Fault#AFTER_COMMIT}, a failure keeps the {@link Store} contract: nothing the
 * failed transaction did is kept. Reads and {@code close} pass straight through. Thread-safe.
 *
 * <pre>{@code
 * FaultyStore store = new FaultyStore(realStore);
 * store.failWrite(2, FaultyStore.Fault.AFTER_WORK); // the second write from now fails at commit
 * }</pre>
 */
public final class FaultyStore implements Store {

    /** Where an injected failure strikes. */
    public enum Fault {
        /** Before the work runs: the transaction could not even start (connection lost, lock timeout). */
        BEFORE_WORK,
        /**
         * After the work ran inside the wrapped store's transaction, which is then rolled back: the
         * commit or its fsync failed. The work's side effects outside the store (its own memory) have
         * happened; nothing in the store was kept.
         */
        AFTER_WORK,
        /**
         * After the wrapped store committed: the caller is told the transaction failed although it was
         * kept. The {@link Store} contract forbids this, but a network database can do it when the
         * connection drops during {@code COMMIT} (outcome unknown); use it to test that callers
         * recover, e.g. through idempotency keys.
         */
        AFTER_COMMIT
    }

    private final Store delegate;
    private final Map<Long, Fault> writeFaults = new HashMap<>();
    private final Map<Long, Fault> integrateFaults = new HashMap<>();
    private long writes;
    private long integrations;
    private volatile boolean diskFull;
    private Runnable beforeIntegrate;
    /** While set, what {@link #latestCheckpoint} answers: reads that lag the store's commits. */
    private volatile Optional<String> frozenCheckpoint;

    public FaultyStore(Store delegate) {
        this.delegate = delegate;
    }

    /** Makes the {@code nth} {@code write} call from now fail at {@code fault}; {@code 1} is the next call. */
    public synchronized FaultyStore failWrite(int nth, Fault fault) {
        if (nth < 1) throw new IllegalArgumentException("nth counts from 1, got " + nth);
        writeFaults.put(writes + nth, fault);
        return this;
    }

    /** Makes the {@code nth} {@code integrate} call from now fail at {@code fault}; {@code 1} is the next call. */
    public synchronized FaultyStore failIntegrate(int nth, Fault fault) {
        if (nth < 1) throw new IllegalArgumentException("nth counts from 1, got " + nth);
        integrateFaults.put(integrations + nth, fault);
        return this;
    }

    /**
     * Runs {@code meanwhile} once, at the start of the next {@code integrate} call and before its
     * transaction begins: another integration (another node's, on a shared database) getting in between
     * what the caller read and what it writes.
     */
    public synchronized FaultyStore beforeNextIntegrate(Runnable meanwhile) {
        beforeIntegrate = meanwhile;
        return this;
    }

    /**
     * While {@code lag}, {@link #latestCheckpoint} keeps answering what it answered when this was
     * called, whatever integrations commit meanwhile: a store whose reads lag its own commits, which
     * the {@link Store} contract forbids.
     */
    public FaultyStore lagCheckpointReads(boolean lag) {
        frozenCheckpoint = lag ? delegate.latestCheckpoint() : null;
        return this;
    }

    /** While {@code full}, every write, integration and meta update fails as on a full disk. */
    public FaultyStore diskFull(boolean full) {
        this.diskFull = full;
        return this;
    }

    /** How many {@code write} calls were made, failed ones included. */
    public synchronized long writes() {
        return writes;
    }

    /** How many {@code integrate} calls were made, failed ones included. */
    public synchronized long integrations() {
        return integrations;
    }

    /** The wrapped store, to check what was really kept. */
    public Store delegate() {
        return delegate;
    }

    @Override
    public String describe() {
        return "faulty(" + delegate.describe() + ")";
    }

    @Override
    public <T> T write(Work<WriteTransaction, T> work) {
        return run(nextFault(true), "write", work, w -> delegate.write(w));
    }

    @Override
    public <T> T integrate(Work<IntegrationTransaction, T> work) {
        Runnable meanwhile;
        synchronized (this) {
            meanwhile = beforeIntegrate;
            beforeIntegrate = null;
        }
        if (meanwhile != null) meanwhile.run();
        return run(nextFault(false), "integrate", work, w -> delegate.integrate(w));
    }

    /** Counts the call and takes the fault pending for it, if any. */
    private synchronized Fault nextFault(boolean write) {
        return write ? writeFaults.remove(++writes) : integrateFaults.remove(++integrations);
    }

    private <X, T> T run(Fault fault, String what, Work<X, T> work, TransactorFn<X, T> transactor) {
        refuseIfDiskFull();
        if (fault == null) return transactor.transact(work);
        switch (fault) {
            case BEFORE_WORK -> throw injected(what, "before its work ran; nothing was written");
            case AFTER_WORK -> {
                try {
                    transactor.transact(tx -> {
                        work.run(tx);
                        throw new RollMeBack();
                    });
                } catch (RollMeBack expected) {
                    throw injected(what, "at commit (failed fsync); the transaction was rolled back");
                }
                throw new IllegalStateException("the wrapped store committed work that threw: " + delegate.describe());
            }
            case AFTER_COMMIT -> {
                transactor.transact(work);
                throw injected(what, "after commit (acknowledgement lost); the transaction WAS kept");
            }
            default -> throw new AssertionError(fault);
        }
    }

    /** The wrapped store's {@code write} or {@code integrate}, seen through one type. */
    @FunctionalInterface
    private interface TransactorFn<X, T> {
        T transact(Work<X, T> work);
    }

    private static StoreException injected(String what, String when) {
        return new StoreException("injected failure of " + what + " " + when, true);
    }

    private void refuseIfDiskFull() {
        if (diskFull) {
            throw new StoreException("the store's disk is full (injected by FaultyStore): free space; nothing was written", true);
        }
    }

    /** Aborts the wrapped transaction after the work ran; never leaves this class. */
    private static final class RollMeBack extends RuntimeException {
        RollMeBack() {
            super("injected rollback", null, false, false);
        }
    }

    @Override
    public long size() {
        return delegate.size();
    }

    /** A read: faults are injected into writes and integrations only. */
    @Override
    public Snapshot snapshot(Collection<RecordId> ids, Collection<String> keys) {
        return delegate.snapshot(ids, keys);
    }

    @Override
    public Optional<StoredEntry> entry(long index) {
        return delegate.entry(index);
    }

    @Override
    public void entries(long from, long to, Visitor<StoredEntry> visitor) {
        delegate.entries(from, to, visitor);
    }

    @Override
    public Optional<RecordState> state(RecordId id) {
        return delegate.state(id);
    }

    @Override
    public List<RecordState> list(String collection, String afterKey, int limit) {
        return delegate.list(collection, afterKey, limit);
    }

    @Override
    public void states(Visitor<RecordState> visitor) {
        delegate.states(visitor);
    }

    @Override
    public long scanStates(Consumer<RecordState> visitor) {
        return delegate.scanStates(visitor);
    }

    @Override
    public OptionalLong foreignWriteMarker() {
        return delegate.foreignWriteMarker();
    }

    @Override
    public void idempotencyKeys(Visitor<IdempotencyKey> visitor) {
        delegate.idempotencyKeys(visitor);
    }

    @Override
    public Optional<byte[]> blob(byte[] sha256) {
        return delegate.blob(sha256);
    }

    @Override
    public Optional<byte[]> tile(int level, long index) {
        return delegate.tile(level, index);
    }

    @Override
    public Optional<String> latestCheckpoint() {
        Optional<String> frozen = frozenCheckpoint;
        return frozen != null ? frozen : delegate.latestCheckpoint();
    }

    @Override
    public Optional<String> checkpoint(long size) {
        return delegate.checkpoint(size);
    }

    @Override
    public Optional<String> meta(String name) {
        return delegate.meta(name);
    }

    @Override
    public void putMeta(String name, String value) {
        refuseIfDiskFull();
        delegate.putMeta(name, value);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
