package org.kalaja.engine.seal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Caller;

/**
 * The data keys that seal record bodies, kept as records of {@code kalaja.keys}: every key event
 * (a key created, rewrapped under a new KEK, destroyed; a KEK created or destroyed) is a log entry.
 * A data key rests only wrapped under a KEK of the {@link Kms}; its clear form lives in memory.
 *
 * <p>Granularity, chosen so that one citizen can be erased without touching anyone else:
 * <ul>
 *   <li>{@code s:<pseudonym>:<collection>:<year>} seals one data subject's records of one collection
 *       in one year. The pseudonym is an HMAC of the subject (a personal number, an account id) under
 *       the {@code pseudonyms} key, so the key ids in the log do not reveal who they belong to.
 *   <li>{@code c:<collection>:<yyyy-MM-ddTHH>} seals the records with no subject, one key per
 *       collection and hour (at 100,000 writes/s an hour is 3.6·10^8 seals, below the 2^32 that
 *       random 96-bit GCM nonces allow per key).
 * </ul>
 *
 * <p>Crypto-shredding: {@link #shred} marks a subject's keys destroyed (the node refuses to read
 * them at once) and {@link #rotate} then rewraps every live key under a new KEK and destroys the
 * old KEKs. From then on the destroyed keys' wrapped copies, in the primary, the vaults and every
 * old copy, are under KEKs that no longer exist anywhere: the data is unreadable, while the log,
 * its entries and its proofs stay exactly as they were.
 *
 * <p>Thread-safe.
 */
public final class Keyring {
    /** The system collection holding the key records. */
    public static final String COLLECTION = "kalaja.keys";
    static final String PSEUDONYMS = "pseudonyms";
    static final String KEK_PREFIX = "kek:";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Unwrapped keys kept in memory; past this many the cache starts over (a cheap bound, not an LRU). */
    private static final int CACHE_LIMIT = 200_000;
    /** The actor of key events the keyring makes by itself (new keys, KEKs found in the KMS). */
    private static final Caller SELF = Caller.SYSTEM;

    /** Where the key records live: the engine's system collection, durable like any entry. */
    public interface Records {
        /** The current version of key record {@code id}. */
        Optional<Current> current(String id);

        /**
         * Appends a KEY_EVENT making {@code body} the record's new version, and returns once it is durable.
         *
         * @param expectedVersion -1 for none, 0 for "must not exist", else the version it must have
         * @throws RuntimeException the engine's error when it could not be written (a version conflict included)
         */
        void write(Caller caller, String id, ObjectNode body, long expectedVersion);

        /** Up to {@code limit} record ids after {@code after}, in order. */
        List<String> ids(String after, int limit);
    }

    /** A key record's current version. */
    public record Current(long version, JsonNode body) {
        String event() {
            return body.path("event").asText();
        }

        boolean destroyed() {
            return "destroyed".equals(event());
        }
    }

    /** A data key in clear, ready to seal. */
    public record DataKey(String id, SecretKey key) {}

    private final Kms kms;
    private final Records records;
    private final KeyIds ids;
    private final Map<String, SecretKey> cache = new ConcurrentHashMap<>();
    /** The live key new bodies get, by the id of its first generation (see {@link #loadOrCreate}). */
    private final Map<String, DataKey> writing = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<DataKey>> creating = new ConcurrentHashMap<>();
    /** Subjects of recent writes and their pseudonyms: an HMAC per write costs more than the lookup. */
    private final Map<String, String> pseudonyms = new ConcurrentHashMap<>();
    /** Key creation holds it shared; a rotation's switch to a new KEK holds it exclusively. */
    private final ReentrantReadWriteLock switching = new ReentrantReadWriteLock();
    private volatile String currentKek;
    private volatile @Nullable SecretKey pseudonymKey;

    private Keyring(Kms kms, Records records, Clock clock, String currentKek) {
        this.kms = kms;
        this.records = records;
        this.ids = new KeyIds(clock);
        this.currentKek = currentKek;
    }

    /**
     * Opens the keyring over {@code kms}, creating a first KEK when the service has none and
     * recording KEKs the log does not know yet.
     */
    public static Keyring open(Kms kms, Records records, Clock clock) {
        List<String> keks = kms.keks();
        String current = keks.isEmpty() ? kms.create() : keks.get(keks.size() - 1);
        Keyring ring = new Keyring(kms, records, clock, current);
        for (String kek : kms.keks()) ring.recordKek(SELF, kek);
        return ring;
    }

    public Kms kms() {
        return kms;
    }

    /** The KEK new keys are wrapped under. */
    public String currentKek() {
        return currentKek;
    }

    /** The key that seals a new body of {@code collection}, for {@code subject} or for nobody in particular. */
    public DataKey forWrite(String collection, @Nullable String subject) {
        String base = subject == null ? ids.ofCollection(collection) : ids.ofSubject(pseudonym(subject), collection);
        DataKey key = writing.get(base);
        return key != null ? key : loadOrCreate(base, subject == null ? "collection" : "subject", collection);
    }

    /**
     * The key {@code id}, to open a body it sealed.
     *
     * @throws ErasedException when the key was destroyed (an erasure)
     * @throws KmsException when the KMS cannot unwrap it (MISSING: its KEK is not there)
     */
    public SecretKey forRead(String id) {
        SecretKey key = cache.get(id);
        if (key != null) return key;
        Current c = records.current(id).orElseThrow(() -> new KmsException(KmsException.Kind.MISSING,
                "no data key " + id + " in " + COLLECTION + ": the log holds a body sealed under a key it never recorded"));
        return remember(id, unwrap(id, c));
    }

    /** The pseudonym of {@code subject} in key ids: 32 hex digits of an HMAC-SHA256 under the pseudonyms key. */
    public String pseudonym(String subject) {
        String known = pseudonyms.get(subject);
        if (known != null) return known;
        String pseudonym = KeyIds.pseudonym(pseudonymKey(), subject);
        if (pseudonyms.size() >= CACHE_LIMIT) pseudonyms.clear();
        pseudonyms.put(subject, pseudonym);
        return pseudonym;
    }

    /**
     * Destroys every data key of {@code subject} (an erasure request): afterwards the node refuses
     * to read their bodies. The bodies become unreadable in every copy at the next {@link #rotate}.
     *
     * @return the ids of the keys destroyed now (empty when the subject has none or all were destroyed before)
     */
    public List<String> shred(Caller caller, String subject, String reason) {
        return shredPseudonym(caller, pseudonym(subject), reason);
    }

    /** {@link #shred} by the subject's {@link #pseudonym}, for an erasure approved by a second administrator. */
    public List<String> shredPseudonym(Caller caller, String pseudonym, String reason) {
        if (!pseudonym.matches("[0-9a-f]{32}")) throw new IllegalArgumentException("a pseudonym is 32 lower-case hex digits, got " + pseudonym);
        String prefix = KeyIds.subjectPrefix(pseudonym);
        List<String> destroyed = new ArrayList<>();
        forEachId(prefix, id -> {
            if (destroy(caller, id, reason)) destroyed.add(id);
        });
        return destroyed;
    }

    /**
     * Destroys data key {@code id} (a subject's key, or a collection's key of one hour at the end of
     * its retention). The {@code pseudonyms} key cannot be destroyed: every subject key depends on it.
     *
     * @return false when it was destroyed already
     */
    public boolean destroy(Caller caller, String id, String reason) {
        if (id.equals(PSEUDONYMS) || id.startsWith(KEK_PREFIX)) {
            throw new IllegalArgumentException("key " + id + " cannot be destroyed: it is not a data key");
        }
        while (true) {
            Current c = records.current(id).orElseThrow(() -> new IllegalArgumentException("no data key " + id));
            if (c.destroyed()) return false;
            ObjectNode body = JSON.createObjectNode().put("event", "destroyed").put("reason", reason);
            copyScope(c.body(), body);
            try {
                records.write(caller, id, body, c.version());
                cache.remove(id);
                writing.values().removeIf(k -> k.id().equals(id));
                return true;
            } catch (RuntimeException e) {
                if (records.current(id).map(Current::version).orElse(-1L) == c.version()) throw e;
                // written meanwhile (a rotation's rewrap): read it again and retry
            }
        }
    }

    /** What a rotation did. */
    public record Rotation(String kek, int rewrapped, List<String> destroyedKeks) {}

    /**
     * Creates a new KEK, rewraps every live data key under it (a new version of each key record)
     * and, once {@code beforeDestroy} returns (the caller waits there until the rewrapped keys are
     * safe off the primary, in the vaults), destroys every older KEK. Writes go on meanwhile.
     */
    public Rotation rotate(Caller caller, Runnable beforeDestroy) {
        String kek;
        switching.writeLock().lock();
        try {
            kek = kms.create();
            recordKek(caller, kek);
            currentKek = kek;
        } finally {
            switching.writeLock().unlock();
        }
        int[] rewrapped = {0};
        String newKek = kek;
        forEachId("", id -> {
            if (id.startsWith(KEK_PREFIX)) return;
            if (rewrap(caller, id, newKek)) rewrapped[0]++;
        });
        beforeDestroy.run();
        List<String> destroyed = new ArrayList<>();
        for (String old : kms.keks()) {
            if (old.equals(kek)) continue;
            kms.destroy(old);
            records.write(caller, KEK_PREFIX + old, JSON.createObjectNode().put("event", "kek-destroyed").put("kms", kms.describe()), -1);
            destroyed.add(old);
        }
        return new Rotation(kek, rewrapped[0], destroyed);
    }

    /** Data keys, live and destroyed, and the KEKs their current versions need (one pass over {@code kalaja.keys}). */
    public KeyCensus.Census census() {
        return KeyCensus.count(records);
    }

    /** KEKs that live data keys need and the KMS does not have, with how many keys need each. */
    public Map<String, Integer> missingKeks() {
        return census().missing(kms.keks());
    }

    private boolean rewrap(Caller caller, String id, String kek) {
        while (true) {
            Optional<Current> found = records.current(id);
            if (found.isEmpty() || found.get().destroyed() || kek.equals(found.get().body().path("kek").asText())) return false;
            Current c = found.get();
            byte[] key = unwrap(id, c).getEncoded();
            ObjectNode body = JSON.createObjectNode().put("event", "rewrapped").put("kek", kek)
                    .put("wrapped", Base64.getEncoder().encodeToString(kms.wrap(kek, key, context(id))));
            copyScope(c.body(), body);
            try {
                records.write(caller, id, body, c.version());
                return true;
            } catch (RuntimeException e) {
                if (records.current(id).map(Current::version).orElse(-1L) == c.version()) throw e;
            }
        }
    }

    /**
     * The live key of {@code base}: its first generation {@code base} itself, or, once that was
     * destroyed (the subject was erased and data about them is written again), {@code base.2},
     * {@code base.3}, …, created when none is live. Keys of different ids are found or created in
     * parallel (a new key is a durable write: one at a time would cap new subjects at a few hundred a
     * second); writers of one id wait for the first.
     */
    private DataKey loadOrCreate(String base, String scope, @Nullable String collection) {
        while (true) {
            DataKey known = writing.get(base);
            if (known != null) return known;
            CompletableFuture<DataKey> mine = new CompletableFuture<>();
            CompletableFuture<DataKey> running = creating.putIfAbsent(base, mine);
            if (running != null) {
                joined(running);
                continue;
            }
            try {
                DataKey key = findOrCreate(base, scope, collection);
                if (writing.size() >= CACHE_LIMIT) writing.clear();
                writing.put(base, key);
                // A destroy that wrote before this put evicted nothing: never hand out a destroyed key.
                if (records.current(key.id()).map(Current::destroyed).orElse(false)) {
                    writing.remove(base, key);
                    cache.remove(key.id());
                    mine.complete(key);
                    continue;
                }
                mine.complete(key);
                return key;
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                creating.remove(base, mine);
            }
        }
    }

    private DataKey findOrCreate(String base, String scope, @Nullable String collection) {
        switching.readLock().lock();
        try {
            String id = base;
            Optional<Current> c = records.current(id);
            for (int generation = 2; c.isPresent() && c.get().destroyed(); generation++) {
                id = base + "." + generation;
                c = records.current(id);
            }
            return new DataKey(id, c.isPresent() ? remember(id, unwrap(id, c.get())) : create(id, scope, collection));
        } finally {
            switching.readLock().unlock();
        }
    }

    private static void joined(CompletableFuture<DataKey> running) {
        try {
            running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /** A new data key for {@code id}, wrapped under the current KEK and recorded before anything is sealed with it. */
    private SecretKey create(String id, String scope, @Nullable String collection) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String kek = currentKek;
        ObjectNode body = JSON.createObjectNode().put("event", "created").put("kek", kek)
                .put("wrapped", Base64.getEncoder().encodeToString(kms.wrap(kek, raw, context(id))))
                .put("scope", scope);
        if (collection != null) body.put("collection", collection);
        records.write(SELF, id, body, 0);
        return remember(id, new SecretKeySpec(raw, "AES"));
    }

    private SecretKey pseudonymKey() {
        SecretKey k = pseudonymKey;
        if (k == null) {
            k = cache.get(PSEUDONYMS);
            if (k == null) k = loadOrCreate(PSEUDONYMS, PSEUDONYMS, null).key();
            pseudonymKey = new SecretKeySpec(k.getEncoded(), "HmacSHA256");
            k = pseudonymKey;
        }
        return k;
    }

    private SecretKey unwrap(String id, Current c) {
        if (c.destroyed()) {
            throw new ErasedException(id, c.body().path("reason").asText(""));
        }
        String kek = c.body().path("kek").asText();
        byte[] wrapped = Base64.getDecoder().decode(c.body().path("wrapped").asText());
        try {
            return new SecretKeySpec(kms.unwrap(kek, wrapped, context(id)), "AES");
        } catch (KmsException e) {
            if (e.kind() != KmsException.Kind.MISSING) throw e;
            throw new KmsException(KmsException.Kind.MISSING, "data key " + id + " is wrapped under " + kek + ", which the "
                    + kms.describe() + " does not have; connect the KMS that holds " + kek, e);
        }
    }

    private SecretKey remember(String id, SecretKey key) {
        if (cache.size() >= CACHE_LIMIT) cache.clear();
        cache.put(id, key);
        return key;
    }

    private void recordKek(Caller caller, String kek) {
        if (records.current(KEK_PREFIX + kek).filter(c -> "kek-created".equals(c.event())).isPresent()) return;
        records.write(caller, KEK_PREFIX + kek, JSON.createObjectNode().put("event", "kek-created").put("kms", kms.describe()), -1);
    }

    private void forEachId(String prefix, Consumer<String> action) {
        forEachId(records, prefix, action);
    }

    static void forEachId(Records records, String prefix, Consumer<String> action) {
        String after = prefix;
        while (true) {
            List<String> page = records.ids(after, 500);
            for (String id : page) {
                if (!id.startsWith(prefix)) return;
                action.accept(id);
            }
            if (page.size() < 500) return;
            after = page.get(page.size() - 1);
        }
    }

    private static void copyScope(JsonNode from, ObjectNode to) {
        for (String f : new String[] {"scope", "collection"}) {
            if (from.hasNonNull(f)) to.put(f, from.get(f).asText());
        }
    }

    /** The authenticated data of a wrapped data key: the key's id, so that one wrapped key cannot pass for another. */
    static byte[] context(String id) {
        return ("kalaja data key " + id).getBytes(StandardCharsets.UTF_8);
    }
}
