package org.kalaja.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.kalaja.engine.spi.IntegrationTransaction;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.engine.spi.WriteTransaction;

/**
 * A store in memory for the engine's own unit tests, which cannot use a real driver (drivers depend
 * on the engine). Writes are applied only when the work returns, as a transaction would be.
 */
final class TokenTestStore implements Store {
    private final List<StoredEntry> entries = new ArrayList<>();
    private final TreeMap<RecordId, RecordState> states = new TreeMap<>();
    private final Map<String, Long> keys = new HashMap<>();
    private final Map<String, String> meta = new HashMap<>();

    @Override
    public String describe() {
        return "memory";
    }

    @Override
    public synchronized <T> T write(Work<WriteTransaction, T> work) {
        List<StoredEntry> newEntries = new ArrayList<>();
        Map<RecordId, RecordState> newStates = new HashMap<>();
        Map<String, Long> newKeys = new HashMap<>();
        List<RecordId> removed = new ArrayList<>();
        T result = work.run(new WriteTransaction() {
            @Override
            public long size() {
                return entries.size();
            }

            @Override
            public Map<RecordId, RecordState> states(Collection<RecordId> ids) {
                Map<RecordId, RecordState> found = new HashMap<>();
                for (RecordId id : ids) if (states.containsKey(id)) found.put(id, states.get(id));
                return found;
            }

            @Override
            public Map<String, Long> idempotencyKeys(Collection<String> wanted) {
                Map<String, Long> found = new HashMap<>();
                for (String k : wanted) if (keys.containsKey(k)) found.put(k, keys.get(k));
                return found;
            }

            @Override
            public void append(long index, byte[] data, long previousIndex) {
                if (index != entries.size() + newEntries.size()) throw new IllegalStateException("gap at " + index);
                newEntries.add(new StoredEntry(index, data.clone(), previousIndex));
            }

            @Override
            public void putState(RecordState state) {
                newStates.put(state.id(), state);
            }

            @Override
            public void removeState(RecordId id) {
                removed.add(id);
            }

            @Override
            public void putIdempotencyKey(String key, long index) {
                newKeys.put(key, index);
            }

            @Override
            public void putBlob(byte[] sha256, byte[] content) {
                throw new UnsupportedOperationException("no blobs in token tests");
            }
        });
        entries.addAll(newEntries);
        states.putAll(newStates);
        removed.forEach(states::remove);
        keys.putAll(newKeys);
        return result;
    }

    @Override
    public <T> T integrate(Work<IntegrationTransaction, T> work) {
        throw new UnsupportedOperationException("no integration in token tests");
    }

    @Override
    public synchronized long size() {
        return entries.size();
    }

    @Override
    public synchronized Optional<StoredEntry> entry(long index) {
        return index < entries.size() ? Optional.of(entries.get((int) index)) : Optional.empty();
    }

    @Override
    public synchronized void entries(long from, long to, Visitor<StoredEntry> visitor) {
        for (long i = from; i < Math.min(to, entries.size()); i++) visitor.visit(entries.get((int) i));
    }

    @Override
    public synchronized Optional<RecordState> state(RecordId id) {
        return Optional.ofNullable(states.get(id));
    }

    @Override
    public synchronized List<RecordState> list(String collection, String afterKey, int limit) {
        return states.values().stream()
                .filter(s -> s.id().collection().equals(collection) && s.id().key().compareTo(afterKey) > 0 && !s.deleted())
                .limit(limit).toList();
    }

    @Override
    public synchronized void states(Visitor<RecordState> visitor) {
        states.values().forEach(visitor::visit);
    }

    @Override
    public synchronized long scanStates(Consumer<RecordState> visitor) {
        states.values().forEach(visitor);
        return entries.size();
    }

    @Override
    public OptionalLong foreignWriteMarker() {
        return OptionalLong.empty();
    }

    @Override
    public synchronized void idempotencyKeys(Visitor<IdempotencyKey> visitor) {
        new TreeMap<>(keys).forEach((k, i) -> visitor.visit(new IdempotencyKey(k, i)));
    }

    @Override
    public Optional<byte[]> blob(byte[] sha256) {
        return Optional.empty();
    }

    @Override
    public Optional<byte[]> tile(int level, long index) {
        return Optional.empty();
    }

    @Override
    public Optional<String> latestCheckpoint() {
        return Optional.empty();
    }

    @Override
    public Optional<String> checkpoint(long size) {
        return Optional.empty();
    }

    @Override
    public synchronized Optional<String> meta(String name) {
        return Optional.ofNullable(meta.get(name));
    }

    @Override
    public synchronized void putMeta(String name, String value) {
        meta.put(name, value);
    }

    @Override
    public void close() {
    }
}
