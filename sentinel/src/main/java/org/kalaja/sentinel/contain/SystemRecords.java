package org.kalaja.sentinel.contain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.kalaja.engine.Caller;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes the sentinel's {@code kalaja.*} records. Reads go to the store directly, because the
 * engine's record API validates collection names and refuses the dot of system collections; writes go
 * through {@link RecordsEngine#appendSystem}, so each one is an ordinary log entry.
 */
final class SystemRecords {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The actor of every entry the sentinel writes on its own. */
    static final Caller SENTINEL = Caller.of("sentinel", "", "");

    private static final Logger LOG = LoggerFactory.getLogger(SystemRecords.class);

    private final RecordsEngine engine;

    SystemRecords(RecordsEngine engine) {
        this.engine = engine;
    }

    RecordsEngine engine() {
        return engine;
    }

    /** A record's current JSON body and version; empty when absent, deleted or unreadable. */
    Optional<Body> read(String collection, String key) {
        Optional<RecordState> state = store().state(new RecordId(collection, key));
        if (state.isEmpty() || state.get().deleted()) return Optional.empty();
        return body(state.get());
    }

    /** Every live record of {@code collection}, in key order. */
    List<Body> list(String collection) {
        List<Body> out = new ArrayList<>();
        String after = "";
        while (true) {
            List<RecordState> page = store().list(collection, after, 1000);
            for (RecordState s : page) body(s).ifPresent(out::add);
            if (page.size() < 1000) return out;
            after = page.get(page.size() - 1).id().key();
        }
    }

    /** Appends {@code body} at {@code collection/key}; waits until it is durable. */
    WriteResult write(EntryKind kind, String collection, String key, JsonNode body, long expectedVersion) {
        return write(kind, SENTINEL, collection, key, body, expectedVersion);
    }

    WriteResult write(EntryKind kind, Caller caller, String collection, String key, JsonNode body, long expectedVersion) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new AssertionError("a JSON tree always serializes", e);
        }
        try {
            return engine.appendSystem(kind, caller, new RecordId(collection, key), json, expectedVersion).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /** The entry at {@code index}, decoded. */
    Entry entry(long index) {
        return EntryCodec.decode(store().entry(index).orElseThrow(() -> new IllegalStateException(
                "log entry " + index + " is missing from the store; run `kalaja verify`")).data());
    }

    /**
     * The first log index whose entry time is at or after {@code time}, or the log's size when there is
     * none. Entry times never decrease along the log, so a binary search finds it in O(log n) reads.
     */
    long firstIndexAtOrAfter(Instant time) {
        long lo = 0;
        long hi = store().size();
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (entry(mid).time().isBefore(time)) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private Store store() {
        return engine.store();
    }

    private Optional<Body> body(RecordState state) {
        Entry e = entry(state.index());
        if (e.bodyType() != BodyType.JSON) {
            LOG.warn("sentinel record {} has a {} body; skipped", state.id(), e.bodyType());
            return Optional.empty();
        }
        try {
            return Optional.of(new Body(state.id().key(), state.version(), e.time(), e.actor(), JSON.readTree(e.body())));
        } catch (IOException ex) {
            LOG.warn("sentinel record {} is not JSON; skipped: {}", state.id(), ex.getMessage());
            return Optional.empty();
        }
    }

    /** A record's current version: its key, version, the time and actor of the entry that wrote it, its body. */
    record Body(String key, long version, Instant time, String actor, JsonNode json) {
    }
}
