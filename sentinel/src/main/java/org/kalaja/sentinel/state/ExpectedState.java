package org.kalaja.sentinel.state;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.LogReplay;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;

/**
 * The states the log implies, kept in memory and moved forward by the log's new entries, so that an
 * audit after the first costs only the tail of the log plus a scan of the store.
 *
 * <p>Derived with the engine's {@link LogReplay}, the one definition of "state = f(log)"; never from
 * the store's state rows. Its size only grows: it MUST NOT be asked for a size below the one it has.
 * Memory: about 220 bytes per record ever written (measured, docs/STATE-AUDIT.md). Not thread-safe (the audit runs one at a time).
 */
final class ExpectedState {
    private final Store store;
    private final LogReplay replay = new LogReplay();

    ExpectedState(Store store) {
        this.store = store;
    }

    /** Entries applied: the log size these states are the state of. */
    long size() {
        return replay.size();
    }

    /** The states at {@link #size()} (a read-only view that moves with {@link #catchUp}). */
    Map<RecordId, RecordState> states() {
        return replay.states();
    }

    /** Applies the log's entries {@code [size(), size)}, not noting what they changed. */
    void advance(long size) throws VerificationException {
        apply(size, null);
    }

    /**
     * Applies the log's entries {@code [size(), size)}.
     *
     * @return every record those entries changed, with the state it had before them (null if none)
     * @throws VerificationException if the log itself is inconsistent (an entry's version is not the
     *     one replay gives): then the log, not the state, is damaged, and {@code kalaja verify} names it
     */
    Map<RecordId, @Nullable RecordState> catchUp(long size) throws VerificationException {
        Map<RecordId, @Nullable RecordState> before = new HashMap<>();
        apply(size, before);
        return before;
    }

    private void apply(long size, @Nullable Map<RecordId, @Nullable RecordState> before) throws VerificationException {
        if (size < replay.size()) {
            throw new IllegalStateException("the log shrank: replayed " + replay.size() + " entries, the store now has " + size);
        }
        VerificationException[] failure = {null};
        try {
            store.entries(replay.size(), size, stored -> {
                Entry e = EntryCodec.decode(stored.data());
                RecordId id = before == null ? null : new RecordId(e.collection(), e.key());
                RecordState old = id == null ? null : replay.states().get(id);
                LogReplay.Step step;
                try {
                    step = replay.apply(stored.index(), e);
                } catch (VerificationException x) {
                    failure[0] = x;
                    throw new Stop();
                }
                if (before != null && id != null && step.state() != null && !before.containsKey(id)) before.put(id, old);
            });
        } catch (Stop stop) {
            throw failure[0];
        }
        if (replay.size() != size) {
            throw new IllegalStateException("the store streamed entries up to " + replay.size() + ", not " + size);
        }
    }

    /** Ends a visit early; carries nothing, the failure is kept beside it. */
    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }
}
