package org.kalaja.engine;

import java.time.Instant;

/** One version in a record's history, without its body (fetch it with {@code getAt(index)}). */
public record HistoryItem(long version, long index, Instant time, String actor, boolean deleted) {
}
