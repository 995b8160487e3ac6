package org.kalaja.sentinel.undo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.RecordVersion;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.undo.UndoPlan.Change;
import org.kalaja.sentinel.undo.UndoPlan.Conflict;
import org.kalaja.sentinel.undo.UndoPlan.Kind;

/**
 * Decides, for one record, what undoing the incident means, by walking its versions newest to oldest
 * (the same chain as {@code RecordsEngine.history}, read with each entry's address and idempotency key).
 *
 * <p>{@code firstBad} is the oldest implicated version at or after {@code fromIndex}; {@code lastGood}
 * the version just before it (none when the implicated actors created the record). If every version
 * after {@code firstBad} is implicated too, the record goes back to {@code lastGood} (or is deleted);
 * if someone else wrote later, it is a conflict. A version carrying this incident's undo key means the
 * record was already undone: nothing more is planned for it.
 */
final class RecordPlanner {
    /** One version of the record, with what implication needs. */
    private record Version(long version, long index, String actor, boolean deleted, boolean implicated, String key) {
    }

    /** What one record needs: exactly one of the two, or neither (unchanged). */
    record Decision(@Nullable Change change, @Nullable Conflict conflict) {
        static final Decision UNCHANGED = new Decision(null, null);
    }

    private final RecordsEngine engine;
    private final Store store;
    private final Predicate<Entry> implicated;
    private final long fromIndex;

    RecordPlanner(RecordsEngine engine, Predicate<Entry> implicated, long fromIndex) {
        this.engine = engine;
        this.store = engine.store();
        this.implicated = implicated;
        this.fromIndex = fromIndex;
    }

    Decision decide(RecordId id, String undoKey) {
        List<Version> chain = versions(id);
        int firstBad = -1;
        for (int i = 0; i < chain.size() && chain.get(i).index() >= fromIndex; i++) {
            if (chain.get(i).implicated()) firstBad = i;
        }
        if (firstBad < 0) return Decision.UNCHANGED;
        List<Version> later = chain.subList(0, firstBad);
        if (later.stream().anyMatch(v -> v.key().equals(undoKey))) return Decision.UNCHANGED;
        List<Long> bad = chain.subList(0, firstBad + 1).stream().filter(Version::implicated).map(Version::version).toList();
        Optional<Version> legitimate = later.stream().filter(v -> !v.implicated()).findFirst();
        if (legitimate.isPresent()) {
            return new Decision(null, new Conflict(id, bad, legitimate.get().version(), legitimate.get().actor()));
        }
        Version current = chain.getFirst();
        Version good = firstBad + 1 < chain.size() ? chain.get(firstBad + 1) : null;
        if (good == null || good.deleted()) {
            if (current.deleted()) return Decision.UNCHANGED;
            return new Decision(new Change(id, Kind.DELETE, current.version(), false, bad, 0, -1), null);
        }
        if (!current.deleted() && Arrays.equals(body(id, current.index()), body(id, good.index()))) return Decision.UNCHANGED;
        return new Decision(new Change(id, Kind.RESTORE, current.version(), current.deleted(), bad, good.version(), good.index()), null);
    }

    /** The body of the version at {@code index}, large ones read back from their blob. */
    byte[] body(RecordId id, long index) {
        return engine.getAt(id.collection(), id.key(), index).map(RecordVersion::json)
                .orElseThrow(() -> new IllegalStateException("record " + id + " has no body at log index " + index));
    }

    /** Newest first, down to the first version before {@code fromIndex} (kept: it may be the last good one). */
    private List<Version> versions(RecordId id) {
        List<Version> chain = new ArrayList<>();
        long index = store.state(id).map(RecordState::index).orElse(-1L);
        while (index >= 0) {
            long at = index;
            StoredEntry stored = store.entry(at).orElseThrow(() -> new IllegalStateException(
                    "record " + id + " points at entry " + at + ", which the store does not have; run `kalaja verify`"));
            Entry e = EntryCodec.decode(stored.data());
            chain.add(new Version(e.recordVersion(), index, e.actor(), e.kind() == EntryKind.RECORD_DELETE,
                    implicated.test(e), e.idempotencyKey()));
            if (index < fromIndex) break;
            index = stored.previousIndex();
        }
        return chain;
    }

    /** Whether {@code entry} changes a caller's record (not a system one): only those are undone. */
    static boolean recordChange(Entry entry) {
        return switch (entry.kind()) {
            case RECORD_PUT, RECORD_DELETE -> true;
            default -> false;
        };
    }

    static Set<String> nonEmpty(List<String> values) {
        return Set.copyOf(values.stream().filter(v -> !v.isEmpty()).toList());
    }
}
