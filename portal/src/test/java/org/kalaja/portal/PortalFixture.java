package org.kalaja.portal;

import io.javalin.Javalin;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.seal.PassphraseKms;
import org.kalaja.portal.seal.CheckpointSource;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.PortalWatch;
import org.kalaja.portal.web.PortalWeb;
import org.kalaja.store.sqlite.SqliteStore;

/**
 * A real portal for tests: the records engine on SQLite in {@code dir/store} sealing with a passphrase
 * keystore in {@code dir/kms} (as every portal runs: its personal data sealed), its transparency log and, with
 * {@link #serve}, the portal's pages on a loopback port. No sentinel ({@link PortalWatch#NONE}) unless
 * a test passes its own watch; the server module tests the portal with the whole node.
 */
public final class PortalFixture implements AutoCloseable {
    public final Path dir;
    /** Where the store keeps its files, and nothing else: a byte search of it sees all the database holds. */
    public final Path storeDir;
    public final PassphraseKms kms;
    public final SqliteStore store;
    public final RecordsEngine engine;
    public final TransparencyLog log;
    public final Portal portal;
    private @Nullable Javalin app;

    private PortalFixture(Path dir, PortalWatch watch, @Nullable Path catalogueDir) throws Exception {
        this.dir = dir;
        this.storeDir = Files.createDirectories(dir.resolve("store"));
        this.store = SqliteStore.open(storeDir.resolve("kalaja.db"));
        this.kms = PassphraseKms.open(dir.resolve("kms").resolve("keys.p12"), "portal test passphrase".toCharArray());
        this.engine = RecordsEngine.open(store, EngineConfig.defaults(), kms);
        this.log = TransparencyLog.open(engine, LogIdentity.loadOrCreate(Files.createDirectories(dir.resolve("keys")).resolve("log.key"),
                "test.kalaja.example/log"));
        CheckpointSource checkpoints = new CheckpointSource() {
            @Override
            public Optional<String> cosignedCheckpoint() {
                log.integrate();
                return log.checkpoint();
            }

            @Override
            public List<String> witnessKeys() {
                return List.of();
            }

            @Override
            public String logKey() {
                return log.vkey();
            }
        };
        PortalConfig config = new PortalConfig(dir, catalogueDir, URI.create("http://127.0.0.1/"), null, false);
        this.portal = Portal.open(config, engine, log, watch, checkpoints, Clock.systemUTC());
    }

    /**
     * A watch that lets everything through and remembers it: how many writes were admitted (a refused
     * request must attempt none) and every event recorded without a write (reads, sign-ins, refusals).
     */
    public static final class Recording implements PortalWatch {
        public final java.util.concurrent.atomic.AtomicLong admitted = new java.util.concurrent.atomic.AtomicLong();
        public final List<org.kalaja.sentinel.AuditEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public Ticket admit(org.kalaja.sentinel.AuditEvent event) {
            admitted.incrementAndGet();
            return new Ticket(event, null);
        }

        @Override
        public void completed(Ticket ticket, long index, long version) {}

        @Override
        public void failed(Ticket ticket, String reason) {}

        @Override
        public void read(org.kalaja.sentinel.AuditEvent event) {
            events.add(event);
        }

        /** The sign-ins and failed sign-ins recorded, in order. */
        public List<org.kalaja.sentinel.AuditEvent> auth() {
            return events.stream().filter(e -> e.action() == org.kalaja.sentinel.Action.AUTH_SIGNIN
                    || e.action() == org.kalaja.sentinel.Action.AUTH_FAILURE).toList();
        }
    }

    /** A node with no cosigned checkpoint yet: documents verify as "proof pending". */
    public record NothingCosigned(String logKey) implements CheckpointSource {
        @Override
        public Optional<String> cosignedCheckpoint() {
            return Optional.empty();
        }

        @Override
        public List<String> witnessKeys() {
            return List.of();
        }
    }

    public static PortalFixture open(Path dir) throws Exception {
        return new PortalFixture(dir, PortalWatch.NONE, null);
    }

    public static PortalFixture open(Path dir, PortalWatch watch, @Nullable Path catalogueDir) throws Exception {
        return new PortalFixture(dir, watch, catalogueDir);
    }

    public PortalRecords records() {
        return portal.records();
    }

    /** Serves the portal's pages on 127.0.0.1; returns the base URL ({@code http://127.0.0.1:port}). */
    public String serve() {
        app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.startupWatcherEnabled = false;
        });
        app.before(ctx -> {
            if (PortalWeb.owns(ctx.path())) PortalWeb.securityHeaders(ctx);
        });
        // As the server does: every failure of a portal page becomes the portal's error page.
        app.exception(Exception.class, (e, ctx) -> portal.error(ctx, e));
        app.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> portal.error(ctx, e));
        portal.register(app);
        app.start("127.0.0.1", 0);
        return "http://127.0.0.1:" + app.port();
    }

    @Override
    public void close() {
        if (app != null) app.stop();
        log.close();
        engine.close();
        kms.close();
        store.close();
    }
}
