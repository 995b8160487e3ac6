package org.kalaja.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;

/** The lifecycle and helpers the vault contract tests share; drivers extend {@link VaultContract}, not this. */
abstract class VaultFixture {
    static final String ORIGIN = "contract.example/vault";
    private static final SigningKey LOG_KEY = SigningKey.generate(ORIGIN, SignatureType.ED25519);

    /** A fresh, empty vault on storage no other test uses. */
    protected abstract Vault newVault();

    /**
     * A second vault on the storage of {@code vault}, as another process would open it; {@code vault}
     * may be open or closed. What {@code vault} wrote MUST be visible through it.
     */
    protected abstract Vault openAgain(Vault vault);

    /** The vault under test. */
    protected Vault vault;
    private final List<Vault> others = new ArrayList<>();

    @BeforeEach
    final void openFreshVault() {
        vault = newVault();
    }

    @AfterEach
    final void closeVaults() {
        others.forEach(Vault::close);
        if (vault != null) vault.close();
    }

    /** {@link #openAgain} of the vault under test, closed after the test. */
    final Vault secondWriter() {
        Vault other = openAgain(vault);
        others.add(other);
        return other;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The blob path of {@code content}. */
    static String blobPath(byte[] content) {
        return VaultPaths.blob(Hash.sha256(content));
    }

    /** A checkpoint note of a tree of {@code size} leaves, signed by the contract's log key. */
    static byte[] checkpointNote(long size) {
        return checkpointNote(size, "");
    }

    /** As {@link #checkpointNote(long)}, of a tree with another root for each {@code fork}. */
    static byte[] checkpointNote(long size, String fork) {
        Hash root = Hash.sha256(bytes("root of the contract tree of size " + size + fork));
        return new Checkpoint(ORIGIN, size, root).sign(LOG_KEY).toBytes();
    }

    /** Puts a checkpoint in the history, as the caller of {@code putCheckpoint} MUST first. */
    static byte[] inHistory(Vault vault, long size) {
        byte[] note = checkpointNote(size);
        vault.put(VaultPaths.history(size), note);
        return note;
    }

    /** What one of several racing tasks did: returned a value or threw. */
    record Outcome<T>(@Nullable T value, @Nullable Throwable thrown) {}

    /** Runs the tasks on their own threads, released together, and waits for every one. */
    static <T> List<Outcome<T>> race(List<Callable<T>> tasks) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<T> f : futures) {
                try {
                    outcomes.add(new Outcome<>(f.get(60, TimeUnit.SECONDS), null));
                } catch (java.util.concurrent.ExecutionException e) {
                    outcomes.add(new Outcome<>(null, e.getCause()));
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("a racing task did not finish within 60 s", e);
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }
}
