package org.kalaja.engine.spi;

/**
 * Names a record: a collection and a key within it.
 *
 * <p>Validation of names is the engine's job; a store MUST accept any non-empty strings of at most
 * 255 UTF-8 bytes and compare them exactly (binary, case-sensitive).
 */
public record RecordId(String collection, String key) implements Comparable<RecordId> {
    @Override
    public int compareTo(RecordId o) {
        int c = collection.compareTo(o.collection);
        return c != 0 ? c : key.compareTo(o.key);
    }

    @Override
    public String toString() {
        return collection + "/" + key;
    }
}
