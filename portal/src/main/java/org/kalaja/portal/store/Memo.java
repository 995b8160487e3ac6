package org.kalaja.portal.store;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A bounded memo of a pure function (least recently used first out). For answers that depend only on
 * their key: a signature check on given bytes (an Ed25519 verification costs about a millisecond on the
 * JDK, and every visitor checking a document would check the same checkpoint again), or a record decoded
 * from the entry at a given log index (entries never change).
 */
public final class Memo<K, V> {
    private final Map<K, V> entries;

    public Memo(int capacity) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The remembered value for {@code key}, or null. */
    public @org.jspecify.annotations.Nullable V peek(K key) {
        synchronized (entries) {
            return entries.get(key);
        }
    }

    /** The remembered value for {@code key}, or {@code compute}'s (computed outside the lock, so a slow check never blocks others). */
    public V get(K key, Function<K, V> compute) {
        synchronized (entries) {
            V v = entries.get(key);
            if (v != null) return v;
        }
        V v = compute.apply(key);
        synchronized (entries) {
            entries.put(key, v);
        }
        return v;
    }
}
