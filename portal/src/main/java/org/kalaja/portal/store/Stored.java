package org.kalaja.portal.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A portal record as read from the engine.
 *
 * @param key     the record's key
 * @param version the record's version (1 for the first); pass it back to write with a precondition
 * @param index   the log index of the entry that holds this version: its place in the tamper-evident log
 * @param json    the record's body
 */
public record Stored(String key, long version, long index, ObjectNode json) {}
