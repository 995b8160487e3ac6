package org.kalaja.engine.spi;

/**
 * One entry as the store keeps it.
 *
 * @param index          position in the log, from 0
 * @param data           the canonical encoding of the entry, exactly the bytes the Merkle tree covers
 * @param previousIndex  log index of the previous version of the same record, or -1 when this entry
 *                       is the first of its record or concerns no record. Derived data (a replay of
 *                       the log recomputes it); it lets history be walked without scanning the log.
 */
public record StoredEntry(long index, byte[] data, long previousIndex) {
}
