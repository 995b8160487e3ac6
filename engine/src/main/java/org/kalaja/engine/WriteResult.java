package org.kalaja.engine;

import org.kalaja.engine.spi.RecordId;

/**
 * What an acknowledged write did. An acknowledged write is durable in the store.
 *
 * @param id        the record
 * @param version   the record's version after the write
 * @param index     the log index of the write's entry
 * @param created   whether the record did not exist (or was deleted) before
 * @param replayed  whether this answers a retried request (same idempotency key): nothing new was
 *                  appended and this is the original result
 */
public record WriteResult(RecordId id, long version, long index, boolean created, boolean replayed) {
    WriteResult asReplay() {
        return new WriteResult(id, version, index, created, true);
    }
}
