package org.kalaja.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoredEntry;

/**
 * The lifecycle and helpers the contract tests share; drivers extend {@link StoreContract}, not this.
 */
abstract class StoreFixture {

    /** A fresh, empty store on a database no other test uses. */
    protected abstract Store newStore();

    /**
     * Closes {@code store} and opens a new store on the same database, as a restarted node would.
     * Everything {@code store} committed MUST be there.
     */
    protected abstract Store reopen(Store store);

    /** The store under test; replaced by {@link #reopenStore()}. */
    protected Store store;

    @BeforeEach
    final void openFreshStore() {
        store = newStore();
    }

    @AfterEach
    final void closeStoreUnderTest() {
        if (store != null) store.close();
    }

    final Store reopenStore() {
        Store old = store;
        store = null; // reopen closes it, whatever happens next
        store = reopen(old);
        return store;
    }

    final long committedSizeInWrite() {
        return store.write(tx -> tx.size());
    }

    final Map<RecordId, RecordState> statesInWrite(Collection<RecordId> ids) {
        return store.write(tx -> tx.states(ids));
    }

    final Map<String, Long> idempotencyKeysInWrite(Collection<String> keys) {
        return store.write(tx -> tx.idempotencyKeys(keys));
    }

    static RecordId id(String collection, String key) {
        return new RecordId(collection, key);
    }

    /** A distinct, recognisable body for the entry at {@code index}. */
    static byte[] body(long index) {
        return ("entry " + index + " of the contract test").getBytes(StandardCharsets.UTF_8);
    }

    /** Appends {@code count} entries with {@link #body} at the end of the log, in one transaction. */
    static void appendEntries(Store store, int count) {
        store.write(tx -> {
            long next = tx.size();
            for (int i = 0; i < count; i++, next++) tx.append(next, body(next), -1);
            return null;
        });
    }

    static List<StoredEntry> allEntries(Store store) {
        List<StoredEntry> seen = new ArrayList<>();
        store.entries(0, Long.MAX_VALUE, seen::add);
        return seen;
    }

    static List<RecordState> allStates(Store store) {
        List<RecordState> seen = new ArrayList<>();
        store.states(seen::add);
        return seen;
    }

    static List<Store.IdempotencyKey> allIdempotencyKeys(Store store) {
        List<Store.IdempotencyKey> seen = new ArrayList<>();
        store.idempotencyKeys(seen::add);
        return seen;
    }

    static byte[] sha256(byte[] content) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(content);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /** A hash tile of {@code width} hashes whose bytes derive from {@code seed}. */
    static byte[] tileOf(int width, int seed) {
        byte[] hashes = new byte[width * 32];
        for (int i = 0; i < hashes.length; i++) hashes[i] = (byte) (seed * 31 + i);
        return hashes;
    }

    /** Thrown by test work to abort a transaction; tests check it comes back unchanged. */
    static final class Abort extends RuntimeException {
        Abort() {
            super("the test's work aborts the transaction", null, false, false);
        }
    }
}
