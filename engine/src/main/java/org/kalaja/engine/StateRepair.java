package org.kalaja.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.engine.spi.WriteTransaction;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;

/**
 * State rows that a repair ({@link RecordsEngine#repairStates}) writes back so that the store again
 * says what the log says: rows to overwrite and rows the log never wrote, to remove.
 *
 * <p>Inside the repair's transaction every row is checked against the log before it is written, so
 * a repair can only ever move the store towards the log: a row to put MUST point at a log entry that
 * wrote exactly that record, version and deletedness; and if the store's row for a record points at
 * an entry of that record later than the repair's (the record was written after the audit that
 * computed the repair), or at any entry of a record the repair would remove, the repair is stale and
 * is refused whole (VERSION_CONFLICT: audit again).
 */
record StateRepair(List<RecordState> put, List<RecordId> remove) {

    /** @throws EngineException INVALID if a record appears twice, or both to put and to remove */
    static StateRepair of(List<RecordState> put, List<RecordId> remove) {
        Set<RecordId> seen = new HashSet<>();
        for (RecordState s : put) {
            if (!seen.add(s.id())) throw new EngineException(Problem.INVALID, "the repair puts " + s.id() + " twice");
        }
        for (RecordId id : remove) {
            if (!seen.add(id)) throw new EngineException(Problem.INVALID, "the repair names " + id + " twice (to put and to remove)");
        }
        return new StateRepair(List.copyOf(put), List.copyOf(remove));
    }

    /**
     * Checks every row against the log as committed in {@code txn}, then writes them.
     *
     * @throws EngineException INVALID if a row to put contradicts its entry; VERSION_CONFLICT if a
     *     record was written since the repair was computed
     */
    void writeTo(WriteTransaction txn, Store store) {
        long size = txn.size();
        for (RecordState s : put) {
            Entry e = entry(store, s.index(), size).orElseThrow(() -> new EngineException(Problem.INVALID,
                    "the repair's row " + s + " points at entry " + s.index() + ", which the log (" + size + " entries) does not have"));
            StateEffect effect = StateEffect.of(e.kind());
            if (effect == StateEffect.NONE || !concerns(e, s.id()) || e.recordVersion() != s.version()
                    || (effect == StateEffect.TOMBSTONE) != s.deleted()) {
                throw new EngineException(Problem.INVALID, "the repair's row " + s + " does not match entry " + s.index()
                        + " of the log (" + e.kind() + " of " + e.collection() + "/" + e.key() + " version " + e.recordVersion() + ")");
            }
        }
        List<RecordId> ids = new ArrayList<>(put.size() + remove.size());
        for (RecordState s : put) ids.add(s.id());
        ids.addAll(remove);
        Map<RecordId, RecordState> rows = txn.states(ids);
        for (RecordState s : put) refuseIfWrittenAfter(store, rows.get(s.id()), s.index(), size);
        for (RecordId id : remove) refuseIfWrittenAfter(store, rows.get(id), -1, size);
        for (RecordState s : put) txn.putState(s);
        for (RecordId id : remove) txn.removeState(id);
    }

    /**
     * A store row that points at a genuine entry of its own record later than {@code after} proves the
     * log holds a newer version than the repair knew of (entries are never rewritten, so a pointer to
     * one cannot be forged into a later version).
     */
    private static void refuseIfWrittenAfter(Store store, @Nullable RecordState row, long after, long size) {
        if (row == null || row.index() <= after) return;
        Optional<Entry> e = entry(store, row.index(), size);
        if (e.isPresent() && StateEffect.of(e.get().kind()) != StateEffect.NONE && concerns(e.get(), row.id())) {
            throw new EngineException(Problem.VERSION_CONFLICT, "record " + row.id() + " was written at entry " + row.index()
                    + " (version " + e.get().recordVersion() + "), after the state audit that computed this repair; audit again");
        }
    }

    private static Optional<Entry> entry(Store store, long index, long size) {
        if (index < 0 || index >= size) return Optional.empty();
        return store.entry(index).map(StoredEntry::data).map(EntryCodec::decode);
    }

    private static boolean concerns(Entry e, RecordId id) {
        return e.collection().equals(id.collection()) && e.key().equals(id.key());
    }
}
