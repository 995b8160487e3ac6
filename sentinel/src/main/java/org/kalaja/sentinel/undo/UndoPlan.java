package org.kalaja.sentinel.undo;

import java.util.List;
import org.kalaja.engine.spi.RecordId;

/**
 * What undoing an incident would write, as planned from the log at {@code size}.
 *
 * <p>Invariants: every record appears at most once, in {@code changes} or {@code conflicts} or counted in
 * {@code unchanged}; lists are in key order. A plan writes nothing by itself ({@link IncidentUndo#apply}).
 *
 * @param fromIndex the first log index whose changes are considered (the incident's start, or {@code since})
 * @param size      the log size the plan was made at
 * @param unchanged implicated records that need nothing: already undone, or already as they were
 */
public record UndoPlan(String incidentId, long fromIndex, long size, List<Change> changes, List<Conflict> conflicts,
        int unchanged) {

    public UndoPlan {
        changes = List.copyOf(changes);
        conflicts = List.copyOf(conflicts);
    }

    /** Whether a change restores an earlier body or deletes a record the implicated actors created. */
    public enum Kind { RESTORE, DELETE }

    /**
     * One compensating entry to append.
     *
     * @param currentVersion the record's version now (the compensation's expected version)
     * @param currentDeleted whether that version is a deletion
     * @param badVersions    the implicated versions being undone, newest first
     * @param goodVersion    the version restored ({@link Kind#RESTORE}), or 0
     * @param goodIndex      the log index of that version, or -1
     */
    public record Change(RecordId record, Kind kind, long currentVersion, boolean currentDeleted, List<Long> badVersions,
            long goodVersion, long goodIndex) {
        public Change {
            badVersions = List.copyOf(badVersions);
        }
    }

    /**
     * A record an implicated actor changed and a legitimate actor changed afterwards: not written,
     * left to a person to decide.
     *
     * @param badVersions  the implicated versions, newest first
     * @param laterVersion the newest version written by someone not implicated
     * @param laterActor   who wrote it
     */
    public record Conflict(RecordId record, List<Long> badVersions, long laterVersion, String laterActor) {
        public Conflict {
            badVersions = List.copyOf(badVersions);
        }
    }
}
