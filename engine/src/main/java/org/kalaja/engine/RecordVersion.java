package org.kalaja.engine;

import java.time.Instant;
import org.kalaja.engine.spi.RecordId;

/**
 * One version of a record as read from the log.
 *
 * @param json    the record's body, compact JSON (UTF-8); empty for a deletion
 * @param sealed  whether the log holds it sealed, so that reading it was reading sealed data (an
 *                access the sentinel must see)
 */
public record RecordVersion(RecordId id, long version, long index, Instant time, String actor, boolean deleted,
        byte[] json, boolean sealed) {
    public RecordVersion {
        json = json.clone();
    }

    @Override
    public byte[] json() {
        return json.clone();
    }
}
