/**
 * Audit events from the log and into it: {@link org.kalaja.sentinel.audit.LogEvents} derives events
 * from committed entries, {@link org.kalaja.sentinel.audit.AccessBatcher} writes the events no
 * mutation records as batched ACCESS entries ({@link org.kalaja.sentinel.audit.AccessCodec}), and
 * {@link org.kalaja.sentinel.audit.ChangeScore} scores how opaque a record's new version became.
 * Nothing here blocks a request thread.
 */
@NullMarked
package org.kalaja.sentinel.audit;

import org.jspecify.annotations.NullMarked;
