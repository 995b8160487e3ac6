package org.kalaja.engine;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.ledger.Entry;

/**
 * The state a log implies: record versions, pointers, tombstones, history links and idempotency
 * keys, derived by applying entries in index order, exactly as the sequencer made them.
 *
 * <p>{@code kalaja verify} compares a store with it; {@code kalaja recover} writes it into a fresh
 * store. Both MUST use this one class, so that "the state is a function of the log" has one
 * definition. Entries MUST be applied in index order from 0, each once.
 *
 * <p>Memory: every record ever written and every idempotency key stays in memory (about 150 bytes each).
 */
public final class LogReplay {
    private final Map<RecordId, RecordState> states = new HashMap<>();
    private final Map<String, Long> keys = new HashMap<>();
    private long next;

    /**
     * What applying one entry did.
     *
     * @param previousIndex  the index of the record's previous version, or -1 (the {@code previousIndex}
     *                       a store keeps beside the entry)
     * @param state          the record's new state, or null when the entry concerns no record
     * @param idempotencyKey the scoped idempotency key this entry used first, or null
     */
    public record Step(long previousIndex, @Nullable RecordState state, @Nullable String idempotencyKey) {
    }

    /**
     * Applies entry {@code index}.
     *
     * @throws VerificationException if the entry's version is not the one replay gives, or an entry
     *     about no record carries a version
     * @throws IllegalArgumentException if {@code index} is not the next index
     */
    public Step apply(long index, Entry e) throws VerificationException {
        if (index != next) throw new IllegalArgumentException("replay expects entry " + next + ", got " + index);
        next++;
        StateEffect effect = StateEffect.of(e.kind());
        if (effect == StateEffect.NONE) {
            if (e.recordVersion() != 0) {
                throw new VerificationException("entry " + index + " (" + e.kind() + ") concerns no record but has version "
                        + e.recordVersion() + "; expected 0");
            }
            return new Step(-1, null, null);
        }
        RecordId id = new RecordId(e.collection(), e.key());
        RecordState before = states.get(id);
        long expectedVersion = before == null ? 1 : before.version() + 1;
        if (e.recordVersion() != expectedVersion) {
            throw new VerificationException("entry " + index + " writes " + id + " version " + e.recordVersion()
                    + "; expected version " + expectedVersion);
        }
        RecordState after = new RecordState(id, expectedVersion, index, effect == StateEffect.TOMBSTONE);
        states.put(id, after);
        String key = null;
        if (!e.idempotencyKey().isEmpty()) {
            String scoped = e.actor() + " " + e.idempotencyKey();
            if (keys.putIfAbsent(scoped, index) == null) key = scoped;
        }
        return new Step(before == null ? -1 : before.index(), after, key);
    }

    /** Entries applied so far: the next index {@link #apply} expects. */
    public long size() {
        return next;
    }

    /** Every record's state after the entries applied so far (read-only view). */
    public Map<RecordId, RecordState> states() {
        return Collections.unmodifiableMap(states);
    }

    /** Every scoped idempotency key and the entry that first used it (read-only view). */
    public Map<String, Long> idempotencyKeys() {
        return Collections.unmodifiableMap(keys);
    }
}
