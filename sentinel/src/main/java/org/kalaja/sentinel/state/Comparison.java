package org.kalaja.sentinel.state;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.sentinel.state.StateAudit.Report.Row;

/**
 * One comparison of a store's state rows, read in one snapshot, with the log's states at the size
 * that snapshot saw.
 *
 * <p>The snapshot's size is known only when the scan ends, so rows are first compared with the log's
 * states at the size read just before the scan (S0), keeping only the rows that differ ("suspects")
 * and, in a bit set indexed by log index, which S0 states were seen equal. Then the log is replayed
 * to the snapshot's size S and only the suspects and the records the entries in [S0, S) changed are
 * looked at again. Memory beyond the replay: the suspects, the changed records and S bits.
 */
final class Comparison {
    private static final Comparator<Row> BY_ID = Comparator.comparing(Row::id);

    /** What the comparison found; lists in key order. */
    record Result(long size, long rows, String expectedDigest, String observedDigest, List<Row> wrong, List<Row> missing,
            List<Row> extra) {
        boolean clean() {
            return wrong.isEmpty() && missing.isEmpty() && extra.isEmpty();
        }
    }

    private Comparison() {
    }

    static Result run(ExpectedState expected, StateHooks hooks) throws VerificationException {
        expected.advance(hooks.size());
        Map<RecordId, RecordState> atS0 = expected.states();
        BitSet seen = new BitSet();
        Map<RecordId, RecordState> suspects = new HashMap<>();
        RowDigest observed = new RowDigest();
        long[] rows = {0};
        long size = hooks.scanStates(row -> {
            rows[0]++;
            observed.add(row);
            RecordState log = atS0.get(row.id());
            if (row.equals(log)) {
                seen.set(bit(log.index()));
            } else {
                suspects.put(row.id(), row);
            }
        });
        Map<RecordId, @Nullable RecordState> changed = expected.catchUp(size);
        Map<RecordId, RecordState> atS = expected.states();

        List<Row> wrong = new ArrayList<>();
        List<Row> missing = new ArrayList<>();
        List<Row> extra = new ArrayList<>();
        for (RecordState store : suspects.values()) {
            RecordState log = atS.get(store.id());
            if (log == null) {
                extra.add(new Row(store.id(), store, null));
            } else if (!log.equals(store)) {
                wrong.add(new Row(store.id(), store, log));
            }
        }
        for (RecordState log : atS.values()) {
            RecordId id = log.id();
            if (suspects.containsKey(id)) continue;
            if (changed.containsKey(id)) {
                // The store showed this record as it was at S0 (or not at all), but the log changed it before S.
                RecordState old = changed.get(id);
                if (old != null && seen.get(bit(old.index()))) {
                    wrong.add(new Row(id, old, log));
                } else {
                    missing.add(new Row(id, null, log));
                }
            } else if (!seen.get(bit(log.index()))) {
                missing.add(new Row(id, null, log));
            }
        }
        wrong.sort(BY_ID);
        missing.sort(BY_ID);
        extra.sort(BY_ID);
        String observedDigest = observed.ordered() ? observed.hex() : "";
        boolean clean = wrong.isEmpty() && missing.isEmpty() && extra.isEmpty();
        // Equal row sets have equal digests; only a mismatch pays for sorting the log's states.
        String expectedDigest = clean && !observedDigest.isEmpty() ? observedDigest : digestOf(atS);
        return new Result(size, rows[0], expectedDigest, observedDigest, wrong, missing, extra);
    }

    static String digestOf(Map<RecordId, RecordState> states) {
        RowDigest digest = new RowDigest();
        states.keySet().stream().sorted().forEach(id -> digest.add(Objects.requireNonNull(states.get(id))));
        return digest.hex();
    }

    private static int bit(long index) {
        if (index > Integer.MAX_VALUE) {
            throw new UnsupportedOperationException("the state audit handles logs of up to 2^31 entries; index " + index);
        }
        return (int) index;
    }
}
