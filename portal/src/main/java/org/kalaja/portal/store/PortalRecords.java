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
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.Names;
import org.kalaja.engine.RecordVersion;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.seal.ErasedException;
import org.kalaja.engine.seal.Keyring;
import org.kalaja.engine.seal.KmsException;
import org.kalaja.engine.seal.SealedBody;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
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
 *
 * <p>Personal data is sealed ({@link PortalCollections}): the portal runs only on an engine with a
 * key-management service. A record whose data key was destroyed (its subject's erasure) reads as
 * {@link PortalException.Kind#ERASED}; listings leave such records out.
 */
public final class PortalRecords {
    public static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final int PAGE = 1000;
    private static final int FIRST_PAGE = 16;

    /** Why the portal refuses to start on an engine that cannot seal. */
    public static final String NO_KMS = "the portal keeps personal data sealed; start the node with a key-management service (--kms)";

    private final RecordsEngine engine;
    private final Keyring keyring;
    private final PortalWatch watch;
    private final Clock clock;
    /** The data key id of a remembered entry's body ("" for a plain body, "?" when only a full read tells). */
    private final Memo<Long, String> keyIds = new Memo<>(50_000);

    private PortalRecords(RecordsEngine engine, Keyring keyring, PortalWatch watch, Clock clock) {
        this.engine = engine;
        this.keyring = keyring;
        this.watch = watch;
        this.clock = clock;
    }

    /**
     * The portal's records over {@code engine}, its personal collections declared sealed first.
     *
     * @throws IllegalStateException ({@link #NO_KMS}) when the engine has no key-management service
     */
    public static PortalRecords open(RecordsEngine engine, PortalWatch watch, Clock clock) {
        Keyring keyring = engine.keyring().orElseThrow(() -> new IllegalStateException(NO_KMS));
        PortalCollections.declare(engine);
        return new PortalRecords(engine, keyring, watch, clock);
    }

    /**
     * What a record key holds in place of personal data ({@code kind} "email", "personal-number", …, so
     * equal values of different kinds differ): 32 hex digits of an HMAC under a key the KMS wraps. Equal
     * inputs give equal keys, so lookups work; without the node's keys nobody can tell whose it is.
     */
    public String pseudonym(String kind, String value) {
        try {
            return keyring.pseudonym(kind + ":" + value);
        } catch (KmsException e) {
            throw new PortalException(PortalException.Kind.UNAVAILABLE, e.getMessage(), e);
        }
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

    /** @throws PortalException ERASED when the record was erased on request; UNAVAILABLE when its key cannot be had */
    public Optional<Stored> get(String collection, String key) {
        try {
            return engine.get(name(collection), key).map(PortalRecords::stored);
        } catch (EngineException e) {
            throw translate(e);
        }
    }

    /**
     * The current version of {@code key} without opening its body (0 when it does not exist or was
     * deleted): what a write takes over a record erased on request with, which no one can read.
     */
    public long version(String collection, String key) {
        try {
            return engine.history(name(collection), key, Long.MAX_VALUE, 1).stream().filter(h -> !h.deleted())
                    .mapToLong(org.kalaja.engine.HistoryItem::version).findFirst().orElse(0L);
        } catch (EngineException e) {
            throw translate(e);
        }
    }

    /**
     * Live records whose key starts with {@code prefix}, in key order, at most {@code limit}.
     *
     * <p>The engine lists a collection from a key onwards, so the first page is small and pages double: a
     * citizen with three applications costs a read of a few rows, not of the next thousand people's.
     * Records erased on request are left out.
     */
    public List<Stored> listPrefix(String collection, String prefix, int limit) {
        return scan(collection, prefix, limit, index -> null, Function.identity(), false);
    }

    /**
     * One account's records, keyed {@code <accountId>:…}, as {@link #listPrefix}; but a record erased on
     * request is not left out: it means the account's data was erased, and its owner MUST be told so.
     *
     * @throws PortalException ERASED when a record in the range was erased on request
     */
    public List<Stored> listOwn(String collection, String accountId, int limit) {
        return scan(collection, accountId + ":", limit, index -> null, Function.identity(), true);
    }

    /**
     * As {@link #listPrefix}, decoded by {@code decode}, remembering each record's decoding by the log index
     * of the entry it came from: a queue read again and again decodes only what changed.
     *
     * @param decoded the caller's memo (one per kind of record), keyed by entry index
     */
    public <T> List<T> listPrefix(String collection, String prefix, int limit, Memo<Long, T> decoded, Function<Stored, T> decode) {
        return scan(collection, prefix, limit, decoded::peek, v -> decoded.get(v.index(), i -> decode.apply(v)), false);
    }

    /**
     * The records of {@code collection} whose key starts with {@code prefix}: each taken from {@code known}
     * by its entry index when it answers, else read and turned into a {@code T} by {@code read}.
     */
    private <T> List<T> scan(String collection, String prefix, int limit, Function<Long, @Nullable T> known, Function<Stored, T> read,
            boolean erasedThrows) {
        List<T> out = new ArrayList<>();
        String after = prefix;
        int size = FIRST_PAGE;
        while (out.size() < limit) {
            List<RecordState> page = engine.list(name(collection), after, Math.min(size, limit - out.size()));
            size = Math.min(PAGE, size * 2);
            for (RecordState s : page) {
                if (!s.id().key().startsWith(prefix)) return out;
                after = s.id().key();
                T k = known.apply(s.index());
                // A remembered record counts only while its key lives: an erasure MUST show at once.
                if (k != null && readable(s.index())) {
                    out.add(k);
                    continue;
                }
                try {
                    engine.get(s.id().collection(), s.id().key()).map(PortalRecords::stored).ifPresent(v -> out.add(read.apply(v)));
                } catch (EngineException e) {
                    if (erasedThrows || e.problem() != Problem.ERASED) throw translate(e);
                }
            }
            if (page.isEmpty()) return out;
        }
        return out;
    }

    /** Whether the body of entry {@code index} still opens: plain, or sealed under a key not destroyed. */
    private boolean readable(long index) {
        String keyId = keyIds.get(index, i -> engine.store().entry(i).map(stored -> {
            Entry e = EntryCodec.decode(stored.data());
            return e.bodyType() == BodyType.JSON ? "" : e.bodyType() == BodyType.SEALED ? SealedBody.keyId(e.body()) : "?";
        }).orElse("?"));
        if (keyId.isEmpty()) return true;
        if (keyId.equals("?")) return false;
        try {
            keyring.forRead(keyId);
            return true;
        } catch (ErasedException | KmsException e) {
            return false;
        }
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
        PortalCollections.require(collection);
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
                case ERASED -> new PortalException(PortalException.Kind.ERASED, e.getMessage(), e);
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
