package org.kalaja.sentinel.undo;

import java.util.List;
import org.kalaja.engine.spi.RecordId;

/**
 * What {@link IncidentUndo#apply} wrote. A second apply of the same incident writes nothing and lists
 * every record as unchanged.
 *
 * @param unchanged records that needed nothing, including compensations a retry found already written
 * @param index     the log index of the INCIDENT {@code type: undo} entry, or -1 when nothing was written
 */
public record UndoResult(String incidentId, List<Done> restored, List<Done> deleted, List<UndoPlan.Conflict> conflicts,
        int unchanged, long index) {

    public UndoResult {
        restored = List.copyOf(restored);
        deleted = List.copyOf(deleted);
        conflicts = List.copyOf(conflicts);
    }

    /**
     * One compensating entry appended.
     *
     * @param fromVersion the implicated version it replaced
     * @param toVersion   the version whose body it restored; 0 for a deletion
     * @param version     the record's version after it
     * @param index       its log index
     */
    public record Done(RecordId record, long fromVersion, long toVersion, long version, long index) {
    }
}
