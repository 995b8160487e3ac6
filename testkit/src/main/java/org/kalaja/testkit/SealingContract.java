package org.kalaja.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.CollectionPolicy;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.LogVerifier;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.seal.Keyring;
import org.kalaja.engine.seal.PassphraseKms;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;

/**
 * What sealed collections must do on every store driver: the store holds only ciphertext, the
 * engine reads it back in clear with the keys, an erased subject stays erased while others and the
 * log's verification are untouched. A driver's test extends this and supplies a fresh store.
 */
public abstract class SealingContract {
    protected static final Caller CLERK = Caller.of("token:clerk", "127.0.0.1", "sealing-test");
    private static final String ORIGIN = "test.kalaja.example/sealed";
    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    @TempDir
    protected Path keys;
    protected Store store;
    protected PassphraseKms kms;
    protected RecordsEngine engine;
    private TransparencyLog log;
    private LogIdentity identity;

    /** A fresh, empty store; the contract closes it. */
    protected abstract Store newStore();

    /** Every byte the driver keeps for this store (database files, or a dump of the database), as {@link ClearText} reads them. */
    protected abstract String everyStoredByte() throws Exception;

    @BeforeEach
    void open() {
        store = newStore();
        kms = PassphraseKms.open(keys.resolve("kalaja.p12"), PASSPHRASE);
        identity = new LogIdentity(ORIGIN, SigningKey.generate(ORIGIN, SignatureType.ED25519));
        engine = RecordsEngine.open(store, EngineConfig.defaults().withCheckpointInterval(Duration.ofHours(1)), kms);
        log = TransparencyLog.open(engine, identity);
        engine.declare(CLERK, "citizens", new CollectionPolicy(true, "/personal_number"));
    }

    @AfterEach
    void close() {
        log.close();
        engine.close();
        kms.close();
        store.close();
    }

    private WriteResult put(String key, String json) throws Exception {
        return engine.put(CLERK, "citizens", key, json.getBytes(UTF_8), -1, "").get();
    }

    private String read(String key) {
        return new String(engine.get("citizens", key).orElseThrow().json(), UTF_8);
    }

    private Entry entry(long index) {
        return EntryCodec.decode(store.entry(index).orElseThrow().data());
    }

    @Test
    void sealedRecordsReadBackInClearWhileTheStoreHoldsOnlyCiphertext() throws Exception {
        WriteResult w = put("r-1", "{\"personal_number\":\"J00417023A\",\"name\":\"Elira Marku-Xhafaj\"}");
        assertThat(read("r-1")).isEqualTo("{\"personal_number\":\"J00417023A\",\"name\":\"Elira Marku-Xhafaj\"}");
        assertThat(engine.get("citizens", "r-1").orElseThrow().sealed()).isTrue();
        assertThat(entry(w.index()).bodyType()).isEqualTo(BodyType.SEALED);
        engine.put(CLERK, "open-data", "control", "{\"name\":\"Plain-Control-Value\"}".getBytes(UTF_8), -1, "").get();
        log.integrate();
        String all = everyStoredByte();
        assertThat(ClearText.contains(all, "Plain-Control-Value")).as("the search finds what is not sealed").isTrue();
        assertThat(ClearText.contains(all, "Marku-Xhafaj")).as("the name in the stored bytes").isFalse();
        assertThat(ClearText.contains(all, "J00417023A")).as("the personal number in the stored bytes").isFalse();
    }

    @Test
    void largeSealedBodiesBecomeSealedBlobs() throws Exception {
        String big = "{\"personal_number\":\"K11\",\"letter\":\"" + "Zyrtare-Konfidenciale ".repeat(4000) + "\"}";
        WriteResult w = put("big", big);
        assertThat(entry(w.index()).bodyType()).isEqualTo(BodyType.BLOB_REF);
        assertThat(read("big")).isEqualTo(big);
        assertThat(ClearText.contains(everyStoredByte(), "Zyrtare-Konfidenciale")).isFalse();
    }

    @Test
    void eachSubjectHasItsOwnKeyAndRecordsWithoutOneShareTheCollectionsKey() throws Exception {
        long a = put("a", "{\"personal_number\":\"A1\"}").index();
        long b = put("b", "{\"personal_number\":\"B2\"}").index();
        long c = put("c", "{\"note\":\"no subject\"}").index();
        String ka = org.kalaja.engine.seal.SealedBody.keyId(entry(a).body());
        String kb = org.kalaja.engine.seal.SealedBody.keyId(entry(b).body());
        String kc = org.kalaja.engine.seal.SealedBody.keyId(entry(c).body());
        assertThat(ka).startsWith("s:").isNotEqualTo(kb).doesNotContain("A1");
        assertThat(kc).startsWith("c:citizens:");
    }

    @Test
    void shreddingOneSubjectErasesItsRecordsOnlyAndTheLogStillVerifies() throws Exception {
        put("a", "{\"personal_number\":\"A1\",\"name\":\"Arta\"}");
        put("a2", "{\"personal_number\":\"A1\",\"name\":\"Arta again\"}");
        put("b", "{\"personal_number\":\"B2\",\"name\":\"Besnik\"}");
        Keyring ring = engine.keyring().orElseThrow();
        assertThat(ring.shred(CLERK, "A1", "erasure request ER-1")).hasSize(1);
        Keyring.Rotation r = ring.rotate(CLERK, () -> { });
        assertThat(r.destroyedKeks()).containsExactly("kek-1");
        assertThat(kms.keks()).containsExactly(r.kek());
        for (String k : List.of("a", "a2")) {
            assertThatThrownBy(() -> engine.get("citizens", k)).isInstanceOf(EngineException.class)
                    .extracting(e -> ((EngineException) e).problem()).isEqualTo(Problem.ERASED);
        }
        assertThat(read("b")).contains("Besnik");
        log.integrate();
        LogVerifier.Report report = LogVerifier.verify(store, Optional.of(identity.verifierKey()), s -> { });
        assertThat(report.entries()).isEqualTo(store.size());
        assertThat(ring.shred(CLERK, "A1", "again")).as("nothing left to destroy").isEmpty();
    }

    @Test
    void dataAboutAnErasedSubjectWrittenAgainGetsANewKeyThatAnotherErasureReaches() throws Exception {
        put("a", "{\"personal_number\":\"A1\",\"name\":\"before\"}");
        Keyring ring = engine.keyring().orElseThrow();
        ring.shred(CLERK, "A1", "ER-1");
        WriteResult again = put("a-new", "{\"personal_number\":\"A1\",\"name\":\"after\"}");
        assertThat(read("a-new")).contains("after");
        assertThat(org.kalaja.engine.seal.SealedBody.keyId(entry(again.index()).body())).endsWith(".2");
        assertThatThrownBy(() -> read("a")).isInstanceOf(EngineException.class).hasMessageContaining("erased");
        assertThat(ring.shred(CLERK, "A1", "ER-2")).hasSize(1);
        assertThatThrownBy(() -> read("a-new")).isInstanceOf(EngineException.class).hasMessageContaining("erased");
    }

    @Test
    void keysComeBackFromTheLogAfterARestartAndAMissingKekIsNamed() throws Exception {
        put("a", "{\"personal_number\":\"A1\",\"name\":\"Arta\"}");
        log.close();
        engine.close();
        engine = RecordsEngine.open(store, EngineConfig.defaults(), kms);
        log = TransparencyLog.open(engine, identity);
        assertThat(read("a")).contains("Arta");
        try (PassphraseKms other = PassphraseKms.open(keys.resolve("other.p12"), PASSPHRASE)) {
            log.close();
            engine.close();
            engine = RecordsEngine.open(store, EngineConfig.defaults(), other);
            log = TransparencyLog.open(engine, identity);
            // the other keystore's first KEK is also called kek-1, but it is not the same key
            assertThatThrownBy(() -> read("a")).isInstanceOf(EngineException.class).hasMessageContaining("kek-1");
        }
    }

    @Test
    void rotationGoesOnWhileWritesContinueAndEverythingStaysReadable() throws Exception {
        List<CompletableFuture<WriteResult>> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) writes.add(engine.put(CLERK, "citizens", "p" + i, ("{\"personal_number\":\"P" + i + "\"}").getBytes(UTF_8), -1, ""));
        Keyring.Rotation r = engine.keyring().orElseThrow().rotate(CLERK, () -> { });
        for (int i = 50; i < 100; i++) writes.add(engine.put(CLERK, "citizens", "p" + i, ("{\"personal_number\":\"P" + i + "\"}").getBytes(UTF_8), -1, ""));
        for (CompletableFuture<WriteResult> w : writes) w.get();
        assertThat(kms.keks()).containsExactly(r.kek());
        log.close();
        engine.close();
        engine = RecordsEngine.open(store, EngineConfig.defaults(), kms);
        log = TransparencyLog.open(engine, identity);
        for (int i = 0; i < 100; i++) assertThat(read("p" + i)).contains("\"P" + i + "\"");
        assertThat(engine.keyring().orElseThrow().missingKeks()).isEmpty();
    }

    @Test
    void writersOfManyNewSubjectsAtOnceGetOneKeyPerSubjectAndEveryRecordReadsBack() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<WriteResult>> writes = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                String key = "m" + i;
                byte[] body = ("{\"personal_number\":\"N" + (i % 40) + "\",\"i\":" + i + "}").getBytes(UTF_8);
                writes.add(pool.submit(() -> engine.put(CLERK, "citizens", key, body, -1, "").get()));
            }
            java.util.Set<String> keyIds = new java.util.HashSet<>();
            for (java.util.concurrent.Future<WriteResult> w : writes) {
                keyIds.add(org.kalaja.engine.seal.SealedBody.keyId(entry(w.get().index()).body()));
            }
            assertThat(keyIds).as("one key per subject, however many writers raced to create it").hasSize(40);
        } finally {
            pool.shutdown();
        }
        for (int i = 0; i < 240; i++) assertThat(read("m" + i)).contains("\"i\":" + i + "}");
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyIsRecognisedThoughSealingIsRandomised() throws Exception {
        byte[] body = "{\"personal_number\":\"A1\"}".getBytes(UTF_8);
        WriteResult first = engine.put(CLERK, "citizens", "x", body, -1, "req-1").get();
        WriteResult again = engine.put(CLERK, "citizens", "x", body, -1, "req-1").get();
        assertThat(again.replayed()).isTrue();
        assertThat(again.index()).isEqualTo(first.index());
        assertThat(problemOf(engine.put(CLERK, "citizens", "x", "{\"personal_number\":\"B\"}".getBytes(UTF_8), -1, "req-1")))
                .isEqualTo(Problem.IDEMPOTENCY_KEY_REUSED);
    }

    @Test
    void aSealedCollectionCannotBeUnsealedAndPlainOnesStayPlain() throws Exception {
        assertThatThrownBy(() -> engine.declare(CLERK, "citizens", CollectionPolicy.PLAIN)).isInstanceOf(EngineException.class)
                .extracting(e -> ((EngineException) e).problem()).isEqualTo(Problem.VERSION_CONFLICT);
        long i = engine.put(CLERK, "open-data", "k", "{\"x\":1}".getBytes(UTF_8), -1, "").get().index();
        assertThat(entry(i).bodyType()).isEqualTo(BodyType.JSON);
        assertThat(engine.sealedCollections()).containsExactly("citizens");
    }

    private static Problem problemOf(CompletableFuture<?> future) {
        try {
            future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EngineException ee) return ee.problem();
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the write to fail");
    }
}
