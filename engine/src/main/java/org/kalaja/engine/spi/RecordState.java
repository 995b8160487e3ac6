package org.kalaja.engine.spi;

/**
 * The current state of one record: a pointer into the log, not a copy of the body.
 *
 * <p>The body of the current version is the body of the entry at {@code index}. Keeping only the
 * pointer means the state never disagrees with the log about content, and a write costs one small
 * row instead of a second copy of the body.
 *
 * @param id       the record
 * @param version  1 for the first write, incremented by every put and delete; never reused, so a
 *                 record deleted and written again continues counting
 * @param index    log index of the entry that made this version
 * @param deleted  whether this version is a deletion (a tombstone: the record is absent, its
 *                 history remains)
 */
public record RecordState(RecordId id, long version, long index, boolean deleted) {
    public RecordState {
        if (version < 1) throw new IllegalArgumentException("version starts at 1, got " + version);
        if (index < 0) throw new IllegalArgumentException("negative log index " + index);
    }
}
