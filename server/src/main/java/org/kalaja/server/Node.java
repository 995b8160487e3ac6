package org.kalaja.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Caller;
import org.kalaja.engine.CollectionPolicy;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.Tokens;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.seal.Kms;
import org.kalaja.engine.shipping.LogSource;
import org.kalaja.engine.shipping.Shipper;
import org.kalaja.engine.shipping.ShipperConfig;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.witness.WitnessPolicy;

/**
 * One running Kalaja node: a store, the records engine on it, the transparency log and the tokens.
 *
 * <p>Opening creates what a fresh data directory lacks: the directory (mode 0700), the log key
 * ({@value #KEY_FILE}, mode 0600), the log's identity entry and the first admin token. With vaults,
 * a {@link Shipper} copies the log to them. Closing stops taking writes, commits what is queued, signs
 * a last checkpoint, stops the shipper (what it did not ship waits in the store for the next start),
 * closes the vaults and the store, in that order, so a clean stop loses nothing and leaves a current
 * checkpoint. The sentinel starts last (after the shipper, before any request) and stops first.
 */
final class Node implements AutoCloseable {
    /** When a write is acknowledged. */
    enum Durability {
        /** Once durable in the store; the shipper follows. */
        STORE,
        /** Only once a checkpoint covering it was published to every vault (recovery point zero). */
        VAULT
    }

    /**
     * Where and how the log is shipped: the vaults (the node closes them), the witnesses (may be null),
     * the durability mode and how long a write waits for the vaults in {@link Durability#VAULT}.
     */
    record Shipping(List<Vault> vaults, @Nullable WitnessPolicy witnesses, Durability durability, Duration timeout,
            ShipperConfig config) {
        static Shipping none() {
            return new Shipping(List.of(), null, Durability.STORE, Duration.ofSeconds(30), ShipperConfig.defaults());
        }
    }

    /** The log's signing key, inside the data directory. */
    static final String KEY_FILE = "log.key";

    private final Path dataDir;
    private final Store store;
    private final RecordsEngine engine;
    private final TransparencyLog log;
    private final Tokens tokens;
    private final Optional<Tokens.Bootstrap> bootstrap;
    private final Shipping shipping;
    private final @Nullable Shipper shipper;
    private final NodeSentinel sentinel;
    private final @Nullable Kms kms;

    private Node(Path dataDir, Store store, RecordsEngine engine, TransparencyLog log, Tokens tokens,
            Optional<Tokens.Bootstrap> bootstrap, Shipping shipping, @Nullable Shipper shipper, NodeSentinel sentinel,
            @Nullable Kms kms) {
        this.kms = kms;
        this.sentinel = sentinel;
        this.shipping = shipping;
        this.shipper = shipper;
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
        return open(dataDir, location, config, bootstrapToken, Shipping.none());
    }

    /**
     * Opens the node and, when {@code shipping} names vaults, starts shipping to them. The node owns the
     * vaults and the witness policy from here on, also when opening fails.
     */
    static Node open(Path dataDir, StoreLocation location, EngineConfig config, @Nullable String bootstrapToken,
            Shipping shipping) {
        return open(dataDir, location, config, bootstrapToken, shipping, NodeSentinel.Options.defaults());
    }

    /** Opens the node with the default KMS (the passphrase keystore in {@code dataDir}), starts shipping, then the sentinel. */
    static Node open(Path dataDir, StoreLocation location, EngineConfig config, @Nullable String bootstrapToken,
            Shipping shipping, NodeSentinel.Options sentinel) {
        return open(dataDir, location, config, bootstrapToken, shipping, sentinel, new KmsOptions());
    }

    /**
     * Opens the node, its KMS as {@code keys} says (the node closes it), starts shipping, then the
     * sentinel as {@code sentinel} says (before any request), and declares the collections {@code keys} seals.
     */
    static Node open(Path dataDir, StoreLocation location, EngineConfig config, @Nullable String bootstrapToken,
            Shipping shipping, NodeSentinel.Options sentinel, KmsOptions keys) {
        Kms kms;
        Map<String, CollectionPolicy> declarations;
        try {
            // A bad --sealed or bootstrap token is refused before the KMS or the store is touched: a refused start leaves nothing behind.
            if (bootstrapToken != null) Tokens.checkBootstrapToken(bootstrapToken);
            declarations = keys.declarations();
            kms = keys.open(dataDir);
        } catch (RuntimeException e) {
            closeShippingTargets(shipping);
            throw e;
        }
        try {
            keys.refuseNewKeystoreForOldKeys(location, dataDir);
            Node node = openStore(dataDir, location, config, bootstrapToken, shipping, sentinel, kms);
            try {
                declarations.forEach((collection, policy) -> {
                    // A flag without a pointer never takes away per-subject keys a declaration through the API gave.
                    CollectionPolicy now = node.engine().policy(collection);
                    if (!now.sealed() || policy.subject() != null && !policy.equals(now)) node.engine().declare(Caller.SYSTEM, collection, policy);
                });
            } catch (RuntimeException e) {
                node.close();
                throw e;
            }
            return node;
        } catch (RuntimeException e) {
            closeShippingTargets(shipping);
            if (kms != null) kms.close();
            keys.removeCreated();
            throw e;
        }
    }

    private static Node openStore(Path dataDir, StoreLocation location, EngineConfig config, @Nullable String bootstrapToken,
            Shipping shipping, NodeSentinel.Options sentinelOptions, @Nullable Kms kms) {
        // A refused start must leave nothing behind, so the operator can fix the variable and retry.
        if (bootstrapToken != null) Tokens.checkBootstrapToken(bootstrapToken);
        LogIdentity identity;
        try {
            refuseLogWithoutKey(dataDir.resolve(KEY_FILE), location);
            privateDirectory(dataDir);
            identity = LogIdentity.loadOrCreate(dataDir.resolve(KEY_FILE), "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use data directory " + dataDir + ": " + e.getMessage(), e);
        }
        Store store = location.open();
        RecordsEngine engine = null;
        TransparencyLog log = null;
        Shipper shipper = null;
        try {
            engine = kms == null ? RecordsEngine.open(store, config) : RecordsEngine.open(store, config, kms);
            log = TransparencyLog.open(engine, identity);
            Tokens tokens = new Tokens(engine);
            Optional<Tokens.Bootstrap> boot = tokens.bootstrap(dataDir, bootstrapToken);
            shipper = shipping.vaults().isEmpty() ? null
                    : Shipper.start(LogSource.of(log, store), shipping.vaults(), shipping.witnesses(), shipping.config());
            NodeSentinel sentinel = NodeSentinel.start(dataDir, engine, tokens, log, sentinelOptions);
            Shipper ships = shipper;
            sentinel.sentinel().approvals().eraser((e, by, pseudonym, reason) -> SealingRoutes.erase(e, ships, by, pseudonym, reason));
            sentinel.checkDefences(shipping, sentinelOptions, engine, kms);
            return new Node(dataDir, store, engine, log, tokens, boot, shipping, shipper, sentinel, kms);
        } catch (RuntimeException e) {
            if (shipper != null) shipper.close();
            if (log != null) log.close();
            if (engine != null) engine.close();
            store.close();
            throw e;
        }
    }

    /**
     * A store that already holds a log (a recovered one, or one whose key file was lost) MUST NOT get a
     * new key created beside it: the node would refuse the log anyway, after writing a key that
     * misleads the next operator.
     */
    private static void refuseLogWithoutKey(Path keyFile, StoreLocation location) {
        if (Files.exists(keyFile) || (location instanceof StoreLocation.Sqlite sqlite && !Files.exists(sqlite.file()))) return;
        long size;
        try (Store existing = location.openForReading()) {
            size = existing.size();
        }
        if (size > 0) {
            throw new IllegalStateException(location.describe() + " holds a log of " + size + " entries but " + keyFile
                    + " does not exist. The log's signing key is not kept in vaults: copy the log's key file there (mode 0600;"
                    + " `kalaja recover --key FILE` does it), then start again. Kalaja will not create a new key for an existing log");
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

    /** The shipper, when the node ships to vaults. */
    Optional<Shipper> shipper() {
        return Optional.ofNullable(shipper);
    }

    Shipping shipping() {
        return shipping;
    }

    /** The sentinel and its audit, state audit and export. */
    NodeSentinel sentinel() {
        return sentinel;
    }

    private static void closeShippingTargets(Shipping shipping) {
        shipping.vaults().forEach(Vault::close);
        if (shipping.witnesses() != null) shipping.witnesses().close();
    }

    @Override
    public void close() {
        try {
            sentinel.close();
        } finally {
            closeEngine();
        }
    }

    private void closeEngine() {
        try {
            engine.close();
        } finally {
            try {
                log.close();
            } finally {
                try {
                    if (shipper != null) shipper.close();
                    closeShippingTargets(shipping);
                } finally {
                    try {
                        store.close();
                    } finally {
                        if (kms != null) kms.close();
                    }
                }
            }
        }
    }
}
