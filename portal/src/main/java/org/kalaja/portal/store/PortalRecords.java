package org.kalaja.portal.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.Names;
import org.kalaja.engine.RecordVersion;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.ContainedException;
import org.kalaja.sentinel.Outcome;
import org.jspecify.annotations.Nullable;

/**
 * The one way the portal reads and writes its data: records in {@code portal.*} collections of the
 * records engine, so every change is an entry in the tamper-evident log, shipped to the vaults and
 * watched by the sentinel.
 *
 * <p>Writes block until the entry is durable (the engine's acknowledgement) and are admitted by the
 * sentinel first. Keys are ordered, so a key made of {@code <owner>:<id>} lists one owner's records
 * with {@link #listPrefix}. Nothing here decides who may see what: callers (the cases, identity and
 * seal services) MUST check authorization before they read or write on someone's behalf.
 */
public final class PortalRecords {
    public static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final int PAGE = 1000;
    private static final int FIRST_PAGE = 16;

    private final RecordsEngine engine;
    private final PortalWatch watch;
    private final Clock clock;

    public PortalRecords(RecordsEngine engine, PortalWatch watch, Clock clock) {
        this.engine = engine;
        this.watch = watch;
        this.clock = clock;
    }

    public Clock clock() {
        return clock;
    }

    /** Why writes are refused right now (safe mode), if they are. Reads always work. */
    public Optional<String> safeMode() {
        return engine.barrier().closedBecause();
    }

    /** The log's size: documents issued at index {@code i} are provable once a checkpoint covers {@code i}. */
    public long logSize() {
        return engine.size();
    }

    public Optional<Stored> get(String collection, String key) {
        return engine.get(name(collection), key).map(PortalRecords::stored);
    }

    /**
     * Live records whose key starts with {@code prefix}, in key order, at most {@code limit}.
     *
     * <p>The engine lists a collection from a key onwards, so the first page is small and pages double: a
     * citizen with three applications costs a read of a few rows, not of the next thousand people's.
     */
    public List<Stored> listPrefix(String collection, String prefix, int limit) {
        return scan(collection, prefix, limit, index -> null, Function.identity());
    }

    /**
     * As {@link #listPrefix}, decoded by {@code decode}, remembering each record's decoding by the log index
     * of the entry it came from: a queue read again and again decodes only what changed.
     *
     * @param decoded the caller's memo (one per kind of record), keyed by entry index
     */
    public <T> List<T> listPrefix(String collection, String prefix, int limit, Memo<Long, T> decoded, Function<Stored, T> decode) {
        return scan(collection, prefix, limit, decoded::peek, v -> decoded.get(v.index(), i -> decode.apply(v)));
    }

    /**
     * The records of {@code collection} whose key starts with {@code prefix}: each taken from {@code known}
     * by its entry index when it answers, else read and turned into a {@code T} by {@code read}.
     */
    private <T> List<T> scan(String collection, String prefix, int limit, Function<Long, @Nullable T> known, Function<Stored, T> read) {
        List<T> out = new ArrayList<>();
        String after = prefix;
        int size = FIRST_PAGE;
        while (out.size() < limit) {
            List<RecordState> page = engine.list(name(collection), after, Math.min(size, limit - out.size()));
            size = Math.min(PAGE, size * 2);
            for (RecordState s : page) {
                if (!s.id().key().startsWith(prefix)) return out;
                T k = known.apply(s.index());
                if (k != null) {
                    out.add(k);
                } else {
                    engine.get(s.id().collection(), s.id().key()).map(PortalRecords::stored).ifPresent(v -> out.add(read.apply(v)));
                }
                after = s.id().key();
            }
            if (page.isEmpty()) return out;
        }
        return out;
    }

    /**
     * Creates or replaces {@code key} with {@code json} on behalf of {@code who}.
     *
     * @param expectedVersion 0: must not exist yet; -1: no precondition; otherwise the version read
     * @throws PortalException SAFE_MODE, CONTAINED, CONFLICT, INVALID or UNAVAILABLE; nothing is written then
     */
    public Stored put(Who who, String collection, String key, ObjectNode json, long expectedVersion) {
        return write(who, collection, key, json, expectedVersion);
    }

    /** Deletes {@code key} (its history stays in the log). Same failures as {@link #put}. */
    public void delete(Who who, String collection, String key, long expectedVersion) {
        write(who, collection, key, null, expectedVersion);
    }

    /** Records that {@code who} read {@code key} of {@code collection} (personal data). */
    public void readBy(Who who, String collection, String key, int count) {
        watch.read(event(who, key.isEmpty() ? Action.RECORD_LIST : Action.RECORD_GET, Outcome.SUCCESS, collection, key, count));
    }

    /**
     * Records an event with no record behind it (a sign-in, a failed sign-in, a refused authorization)
     * for the sentinel and the audit trail.
     *
     * @param reason the failure's short code ({@code bad_password}, {@code rate_limited}), "" on success
     */
    public void record(Who who, Action action, Outcome outcome, String reason, Map<String, Object> extra) {
        watch.read(new AuditEvent(clock.instant(), action, outcome, who.actor(), who.name(), who.role(), who.address(),
                who.userAgent(), "", "", -1, -1, 1, reason, extra));
    }

    private Stored write(Who who, String collection, String key, @Nullable ObjectNode json, long expectedVersion) {
        String name = name(collection);
        Action action = json == null ? Action.RECORD_DELETE : Action.RECORD_PUT;
        PortalWatch.Ticket ticket = watch.admit(event(who, action, Outcome.UNKNOWN, name, key, 1));
        try {
            WriteResult r = (json == null
                    ? engine.delete(who.caller(), name, key, expectedVersion, "")
                    : engine.put(who.caller(), name, key, bytes(json), expectedVersion, "")).join();
            watch.completed(ticket, r.index(), r.version());
            return new Stored(key, r.version(), r.index(), json == null ? JSON.createObjectNode() : json);
        } catch (CompletionException e) {
            PortalException p = translate(e.getCause() == null ? e : e.getCause());
            watch.failed(ticket, p.kind().name().toLowerCase(java.util.Locale.ROOT));
            throw p;
        } catch (RuntimeException e) {
            PortalException p = translate(e);
            watch.failed(ticket, p.kind().name().toLowerCase(java.util.Locale.ROOT));
            throw p;
        }
    }

    private AuditEvent event(Who who, Action action, Outcome outcome, String collection, String key, int count) {
        return new AuditEvent(clock.instant(), action, outcome, who.actor(), who.name(), who.role(), who.address(),
                who.userAgent(), name(collection), key, -1, -1, count, "", Map.of());
    }

    static PortalException translate(Throwable t) {
        if (t instanceof PortalException p) return p;
        if (t instanceof ContainedException c) {
            return new PortalException(c.kind() == ContainedException.Kind.SAFE_MODE ? PortalException.Kind.SAFE_MODE
                    : PortalException.Kind.CONTAINED, c.detail(), c);
        }
        if (t instanceof EngineException e) {
            return switch (e.problem()) {
                case REFUSED -> new PortalException(PortalException.Kind.SAFE_MODE, e.getMessage(), e);
                case VERSION_CONFLICT -> new PortalException(PortalException.Kind.CONFLICT, e.getMessage(), e);
                case NOT_FOUND -> new PortalException(PortalException.Kind.NOT_FOUND, e.getMessage(), e);
                case INVALID, TOO_LARGE, IDEMPOTENCY_KEY_REUSED -> new PortalException(PortalException.Kind.INVALID, e.getMessage(), e);
                case OVERLOADED, UNAVAILABLE -> new PortalException(PortalException.Kind.UNAVAILABLE, e.getMessage(), e);
            };
        }
        if (t instanceof StoreException s) return new PortalException(PortalException.Kind.UNAVAILABLE, s.getMessage(), s);
        if (t instanceof RuntimeException r) throw r;
        throw new IllegalStateException(t);
    }

    /** {@code applications} → {@code portal.applications}. */
    static String name(String collection) {
        return collection.startsWith(Names.PORTAL_PREFIX) ? collection : Names.PORTAL_PREFIX + collection;
    }

    private static Stored stored(RecordVersion v) {
        try {
            return new Stored(v.id().key(), v.version(), v.index(), (ObjectNode) JSON.readTree(v.json()));
        } catch (IOException | ClassCastException e) {
            throw new IllegalStateException("portal record " + v.id() + " is not a JSON object", e);
        }
    }

    private static byte[] bytes(ObjectNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new AssertionError("a JSON tree always serializes", e);
        }
    }
}
