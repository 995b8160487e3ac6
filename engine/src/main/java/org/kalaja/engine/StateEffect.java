package org.kalaja.engine;

import org.kalaja.ledger.EntryKind;

/**
 * What an entry of each kind does to the state. The sequencer and every replay (verify, recover)
 * use this one mapping, so that the state is exactly a function of the log.
 */
enum StateEffect {
    /** The record gets a new version holding the entry's body. */
    UPSERT,
    /** The record gets a new version that is a tombstone. */
    TOMBSTONE,
    /** The entry changes no record (access events, incidents). Key events are records of {@code kalaja.keys}. */
    NONE;

    static StateEffect of(EntryKind kind) {
        return switch (kind) {
            case RECORD_PUT, TOKEN_CREATED, CONFIG_CHANGED, LOG_CREATED, KEY_EVENT -> UPSERT;
            case RECORD_DELETE, TOKEN_REVOKED -> TOMBSTONE;
            case ACCESS, INCIDENT -> NONE;
        };
    }
}
