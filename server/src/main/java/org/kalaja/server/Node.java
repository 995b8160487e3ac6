package org.kalaja.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.Tokens;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.spi.Store;

/**
 * One running Kalaja node: a store, the records engine on it, the transparency log and the tokens.
 *
 * <p>Opening creates what a fresh data directory lacks: the directory (mode 0700), the log key
 * ({@value #KEY_FILE}, mode 0600), the log's identity entry and the first admin token. Closing
 * stops taking writes, commits what is queued, signs a last checkpoint and closes the store, in
 * that order, so a clean stop loses nothing and leaves a current checkpoint.
 */
final class Node implements AutoCloseable {
    /** The log's signing key, inside the data directory. */
    static final String KEY_FILE = "log.key";

    private final Path dataDir;
    private final Store store;
    private final RecordsEngine engine;
    private final TransparencyLog log;
    private final Tokens tokens;
    private final Optional<Tokens.Bootstrap> bootstrap;

    private Node(Path dataDir, Store store, RecordsEngine engine, TransparencyLog log, Tokens tokens,
            Optional<Tokens.Bootstrap> bootstrap) {
        this.dataDir = dataDir;
        this.store = store;
        this.engine = engine;
        this.log = log;
        this.tokens = tokens;
        this.bootstrap = bootstrap;
    }

    /**
     * Opens the node kept in {@code dataDir} (and {@code location}).
     *
     * @param bootstrapToken the operator's choice of first admin token ({@code KALAJA_BOOTSTRAP_TOKEN}), or null
     */
    static Node open(Path dataDir, StoreLocation location, EngineConfig config, @Nullable String bootstrapToken) {
        // A refused start must leave nothing behind, so the operator can fix the variable and retry.
        if (bootstrapToken != null) Tokens.checkBootstrapToken(bootstrapToken);
        LogIdentity identity;
        try {
            privateDirectory(dataDir);
            identity = LogIdentity.loadOrCreate(dataDir.resolve(KEY_FILE), "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use data directory " + dataDir + ": " + e.getMessage(), e);
        }
        Store store = location.open();
        RecordsEngine engine = null;
        TransparencyLog log = null;
        try {
            engine = RecordsEngine.open(store, config);
            log = TransparencyLog.open(engine, identity);
            Tokens tokens = new Tokens(engine);
            Optional<Tokens.Bootstrap> boot = tokens.bootstrap(dataDir, bootstrapToken);
            return new Node(dataDir, store, engine, log, tokens, boot);
        } catch (RuntimeException e) {
            if (log != null) log.close();
            if (engine != null) engine.close();
            store.close();
            throw e;
        }
    }

    /**
     * Creates {@code dir} with mode 0700: it holds citizens' records and the log's signing key. An
     * existing directory is left as the operator set it, with a warning if others may read it.
     */
    private static void privateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            if (perms.stream().anyMatch(p -> !p.name().startsWith("OWNER_"))) {
                System.err.println("kalaja: warning: data directory " + dir + " is open to other users ("
                        + PosixFilePermissions.toString(perms) + "); it holds records and the log key: run chmod 700 " + dir);
            }
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    Path dataDir() {
        return dataDir;
    }

    Store store() {
        return store;
    }

    RecordsEngine engine() {
        return engine;
    }

    TransparencyLog log() {
        return log;
    }

    Tokens tokens() {
        return tokens;
    }

    /** What this start did to create the first admin token; empty on every later start. */
    Optional<Tokens.Bootstrap> bootstrap() {
        return bootstrap;
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            try {
                log.close();
            } finally {
                store.close();
            }
        }
    }
}
