package org.kalaja.engine;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import javax.crypto.AEADBadTagException;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.seal.ErasedException;
import org.kalaja.engine.seal.Keyring;
import org.kalaja.engine.seal.Kms;
import org.kalaja.engine.seal.KmsException;
import org.kalaja.engine.seal.SealedBody;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.BlobRef;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;

/**
 * The engine's side of sealed collections: which collections are sealed (declarations in
 * {@code kalaja.collections}), sealing a body on its way into an entry, and opening it on the way
 * out. Sealing happens on the caller's thread, before the write is queued, so the single sequencer
 * never waits for AES.
 */
final class Sealing {
    static final String COLLECTIONS = Names.SYSTEM_PREFIX + "collections";
    private final RecordsEngine engine;
    private final Store store;
    private final @Nullable Kms kms;
    /** Opened at first use, not with the engine: a new log's first entry must be its identity, not a key event. */
    private volatile @Nullable Keyring keyring;
    private final Map<String, CollectionPolicy> policies = new ConcurrentHashMap<>();

    Sealing(RecordsEngine engine, Store store, @Nullable Kms kms) {
        this.engine = engine;
        this.store = store;
        this.kms = kms;
    }

    @Nullable Keyring keyring() {
        Keyring k = keyring;
        if (k != null || kms == null) return k;
        synchronized (this) {
            if (keyring == null) keyring = Keyring.open(kms, KeyRecords.of(engine), engine.config().clock());
            return keyring;
        }
    }

    CollectionPolicy policy(String collection) {
        CollectionPolicy known = policies.get(collection);
        if (known != null) return known;
        CollectionPolicy read = current(new RecordId(COLLECTIONS, collection)).map(CollectionPolicy::fromJson).orElse(CollectionPolicy.PLAIN);
        policies.put(collection, read);
        return read;
    }

    /** Writes a declaration; refuses to unseal a sealed collection, or to seal without a KMS. */
    WriteResult declare(Caller caller, String collection, CollectionPolicy policy) {
        CollectionPolicy before = policy(collection);
        if (before.sealed() && !policy.sealed()) {
            throw new EngineException(Problem.VERSION_CONFLICT, "collection " + collection
                    + " is sealed and stays sealed: unsealing would expose every later write to whoever holds the primary");
        }
        if (policy.sealed() && kms == null) {
            throw new EngineException(Problem.UNAVAILABLE, "collection " + collection + " cannot be sealed: this node has no "
                    + "key-management service; start it with --kms (see docs/OPERATIONS.md, Keys)");
        }
        synchronized (policies) {
            WriteResult r = join(engine.appendSystem(EntryKind.CONFIG_CHANGED, caller, new RecordId(COLLECTIONS, collection),
                    bytes(policy.toJson()), -1));
            policies.put(collection, policy);
            return r;
        }
    }

    /** Collections declared sealed, in name order. */
    List<String> sealedCollections() {
        List<String> out = new ArrayList<>();
        String after = "";
        while (true) {
            List<RecordState> page = store.list(COLLECTIONS, after, 500);
            for (RecordState s : page) {
                if (policy(s.id().key()).sealed()) out.add(s.id().key());
            }
            if (page.size() < 500) return out;
            after = page.get(page.size() - 1).id().key();
        }
    }

    /** The mutation that puts {@code plain} (normalized JSON) into {@code id}, sealed if its collection is. */
    Mutation put(EntryKind kind, Caller caller, RecordId id, byte[] plain, long expectedVersion, String idempotencyKey,
            boolean guarded) {
        CollectionPolicy policy = policy(id.collection());
        if (!policy.sealed()) return RecordsEngine.mutation(kind, caller, id, plain, expectedVersion, idempotencyKey, guarded);
        Keyring ring = keyring();
        if (ring == null) {
            throw new EngineException(Problem.UNAVAILABLE, "collection " + id.collection() + " is sealed and this node has no "
                    + "key-management service; start it with --kms");
        }
        String subject = subjectOf(policy, plain);
        Keyring.DataKey key = keys(() -> ring.forWrite(id.collection(), subject));
        byte[] sealed = SealedBody.seal(key.id(), key.key(), id.collection(), id.key(), plain);
        boolean large = sealed.length > Blobs.THRESHOLD;
        return new Mutation(kind, caller, id, large ? BodyType.BLOB_REF : BodyType.SEALED,
                large ? Blobs.reference(sealed, SealedBody.CONTENT_TYPE) : sealed, large ? sealed : new byte[0],
                // The plain text is kept only to compare a retry with: without an idempotency key there is none.
                expectedVersion, idempotencyKey, guarded, idempotencyKey.isEmpty() ? null : new Mutation.Sealed(plain, this::plain));
    }

    /** The plain body of {@code e}: JSON as it is, a blob resolved, a sealed body opened. */
    byte[] plain(Entry e) {
        return switch (e.bodyType()) {
            case JSON -> e.body();
            case NONE -> new byte[0];
            case SEALED -> open(e, e.body());
            case BLOB_REF -> {
                byte[] content = Blobs.resolve(store, e.body());
                yield SealedBody.CONTENT_TYPE.equals(BlobRef.fromBody(e.body()).contentType()) ? open(e, content) : content;
            }
        };
    }

    /** Whether {@code e}'s body is sealed (reading it is reading sealed data). */
    static boolean sealed(Entry e) {
        return e.bodyType() == BodyType.SEALED
                || e.bodyType() == BodyType.BLOB_REF && SealedBody.CONTENT_TYPE.equals(BlobRef.fromBody(e.body()).contentType());
    }

    private byte[] open(Entry e, byte[] sealed) {
        String where = "the sealed body of " + e.collection() + "/" + e.key() + " version " + e.recordVersion();
        Keyring ring = keyring();
        if (ring == null) {
            throw new EngineException(Problem.UNAVAILABLE, where + " needs a key-management service; start the node with --kms");
        }
        try {
            return SealedBody.open(sealed, keys(() -> ring.forRead(SealedBody.keyId(sealed))), e.collection(), e.key());
        } catch (AEADBadTagException x) {
            throw new EngineException(Problem.UNAVAILABLE, where + " does not open under its key: damaged or tampered; run `kalaja verify`");
        } catch (IllegalArgumentException x) {
            throw new EngineException(Problem.UNAVAILABLE, where + " is malformed: " + x.getMessage());
        }
    }

    private static <T> T keys(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (ErasedException x) {
            throw new EngineException(Problem.ERASED, x.getMessage());
        } catch (KmsException x) {
            throw new EngineException(Problem.UNAVAILABLE, x.getMessage());
        }
    }

    /**
     * The subject {@code plain} names under {@code policy}, as {@link CollectionPolicy#subjectOf}
     * finds it in the parsed body. Streams to the field instead when the pointer leads through
     * objects only: a tree of every body cost more than sealing it. {@code plain} is normalized, so
     * its member names are unique and the first match is the only one.
     */
    static @Nullable String subjectOf(CollectionPolicy policy, byte[] plain) {
        String pointer = policy.subject();
        if (pointer == null) return null;
        Streamed found = streamedText(JsonPointer.compile(pointer), plain);
        return found != null ? found.subject() : policy.subjectOf(parse(plain));
    }

    /** A subject decided while streaming: null when the body names none. */
    private record Streamed(@Nullable String subject) {}

    /** The text at {@code pointer}, or null when streaming cannot decide it as the tree would (arrays, non-string values). */
    private static @Nullable Streamed streamedText(JsonPointer pointer, byte[] json) {
        try (JsonParser p = JsonBodies.mapper().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            JsonPointer at = pointer;
            while (true) {
                if (p.nextToken() != JsonToken.FIELD_NAME) return new Streamed(null);
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!name.equals(at.getMatchingProperty())) {
                    p.skipChildren();
                    continue;
                }
                at = at.tail();
                if (at.matches()) {
                    if (value != JsonToken.VALUE_STRING) return null;
                    String text = p.getText();
                    return new Streamed(text.isEmpty() ? null : text);
                }
                if (value != JsonToken.START_OBJECT) return null;
            }
        } catch (IOException e) {
            return null;
        }
    }

    private Optional<JsonNode> current(RecordId id) {
        return store.state(id).filter(s -> !s.deleted()).flatMap(s -> store.entry(s.index()))
                .map(stored -> parse(EntryCodec.decode(stored.data()).body()));
    }

    private static JsonNode parse(byte[] json) {
        try {
            return JsonBodies.mapper().readTree(json);
        } catch (IOException e) {
            throw new EngineException(Problem.INVALID, "not JSON: " + e.getMessage());
        }
    }

    private static byte[] bytes(JsonNode json) {
        try {
            return JsonBodies.mapper().writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static WriteResult join(java.util.concurrent.CompletableFuture<WriteResult> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }
}
