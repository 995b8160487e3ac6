package org.kalaja.portal;

import io.javalin.Javalin;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.portal.cases.Applications;
import org.kalaja.portal.cases.Decisions;
import org.kalaja.portal.cases.Drafts;
import org.kalaja.portal.cases.Inbox;
import org.kalaja.portal.catalogue.Catalogue;
import org.kalaja.portal.demo.DemoData;
import org.kalaja.portal.identity.Identity;
import org.kalaja.portal.identity.Sessions;
import org.kalaja.portal.seal.CheckpointSource;
import org.kalaja.portal.seal.Documents;
import org.kalaja.portal.seal.SealKeys;
import org.kalaja.portal.seal.Verifier;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.PortalWatch;
import org.kalaja.portal.web.CitizenRoutes;
import org.kalaja.portal.web.ClerkRoutes;
import org.kalaja.portal.web.DocumentRoutes;
import org.kalaja.portal.web.AdminRoutes;
import org.kalaja.portal.web.PortalWeb;
import org.kalaja.portal.web.Routes;
import org.kalaja.portal.web.SessionFilter;
import org.kalaja.portal.web.SignInRoutes;
import org.kalaja.portal.web.StatusRoutes;
import org.kalaja.portal.web.StatusSource;
import org.kalaja.portal.web.VerifyRoutes;

/**
 * One node's portal: its services, people, applications and documents, and the pages that serve them.
 * The server opens it after the engine and the sentinel and mounts it with {@link #register}.
 */
public final class Portal {
    private @org.jspecify.annotations.Nullable DemoData demo;
    private final PortalRecords records;
    private final PortalWeb web;
    private final List<Routes> routes;
    private final Inbox inbox;
    private final Identity identity;
    private final Documents documents;
    private final Catalogue catalogue;
    private final Decisions decisions;

    private Portal(PortalRecords records, PortalWeb web, List<Routes> routes, Inbox inbox, Identity identity,
            Documents documents, Catalogue catalogue, Decisions decisions) {
        this.records = records;
        this.web = web;
        this.routes = List.copyOf(routes);
        this.inbox = inbox;
        this.identity = identity;
        this.documents = documents;
        this.catalogue = catalogue;
        this.decisions = decisions;
    }

    /**
     * Opens the portal over {@code engine}.
     *
     * @param watch       the sentinel, as the portal hands it what people do
     * @param log         the node's log, for proofs on documents
     * @param checkpoints the cosigned checkpoints documents are proved against
     * @throws IllegalStateException when {@code engine} was opened without a key-management service
     *     ({@link PortalRecords#NO_KMS}): the portal seals personal data and cannot run without one
     */
    public static Portal open(PortalConfig config, RecordsEngine engine, TransparencyLog log, PortalWatch watch,
            CheckpointSource checkpoints, Clock clock) {
        return open(config, engine, log, watch, checkpoints, localStatus(engine, log), clock);
    }

    /** As above, with the node's status (vaults, witnesses, safe mode) for the public status page. */
    public static Portal open(PortalConfig config, RecordsEngine engine, TransparencyLog log, PortalWatch watch,
            CheckpointSource checkpoints, StatusSource status, Clock clock) {
        // Personal data is sealed: without a key-management service the portal MUST NOT open.
        PortalRecords records = PortalRecords.open(engine, watch, clock);
        PortalWeb web = new PortalWeb(records);
        List<Routes> routes = new ArrayList<>();
        // A catalogue that fails its checks stops the portal from opening: serving half a service is worse.
        Catalogue catalogue = config.catalogueDir() == null ? Catalogue.builtIn() : Catalogue.load(config.catalogueDir());
        routes.add(new StatusRoutes(web, status));
        // Each area adds its services and route group here (identity, cases, seal, status).
        Identity identity = Identity.open(config, records, clock);
        // The session and CSRF filter MUST run before every other portal filter and page: they read its session.
        SessionFilter sessionFilter = new SessionFilter(web, identity.sessions(), config.secureCookies());
        routes.add(0, sessionFilter);
        routes.add(new SignInRoutes(web, sessionFilter, identity));
        routes.add(new AdminRoutes(web, identity.accounts(), catalogue::institutions));
        Inbox inbox = new Inbox(records);
        Documents documents = new Documents(records,
                SealKeys.inDirectory(config.dataDir().resolve("portal").resolve("seals"), config.publicUrl().getHost()));
        routes.add(new DocumentRoutes(web, documents, config.publicUrl()));
        routes.add(new VerifyRoutes(web, new Verifier(records, engine, log, checkpoints)));
        Drafts drafts = new Drafts(records);
        Applications applications = new Applications(records, drafts, catalogue::service);
        routes.add(new CitizenRoutes(web, catalogue, drafts, applications, inbox, identity.accounts()));
        Decisions decisions = new Decisions(records, catalogue, inbox, documents);
        routes.add(new ClerkRoutes(web, decisions, catalogue));
        Portal portal = new Portal(records, web, routes, inbox, identity, documents, catalogue, decisions);
        portal.demo = new DemoData(catalogue, identity.accounts(), drafts, applications, decisions);
        return portal;
    }

    /** A status with no vaults or witnesses: what a node knows of itself alone (tests, a bare engine). */
    private static StatusSource localStatus(RecordsEngine engine, TransparencyLog log) {
        return () -> new StatusSource.Snapshot(engine.barrier().closedBecause().isPresent(), null, 0, 0, 0, 0, engine.size(),
                log.checkpointSize());
    }

    public PortalRecords records() {
        return records;
    }

    /** Citizens' inboxes: the back office sends a letter on every decision. */
    public Inbox inbox() {
        return inbox;
    }

    /** Sealed documents: the back office issues and revokes them, citizens read theirs. */
    public Documents documents() {
        return documents;
    }

    /** The services offered and the institutions that decide them (built in, or from {@code --catalogue DIR}). */
    public Catalogue catalogue() {
        return catalogue;
    }

    /** Signed session cookies: tests and other areas start a session with {@code sessions().start(...)}. */
    public Sessions sessions() {
        return identity.sessions();
    }

    /** Accounts, sign-in and the identity provider: the server creates the first admin with {@code identity().accounts()}. */
    public Identity identity() {
        return identity;
    }

    /** The back office: institutions' queues and clerks' decisions (demo data decides through it too). */
    public Decisions decisions() {
        return decisions;
    }

    /** The demo loader ({@code kalaja serve --demo}); it refuses a portal that already has accounts. */
    public DemoData demo() {
        return java.util.Objects.requireNonNull(demo, "opened without its services");
    }

    /** Whether the portal has no accounts yet (a new node: the place to offer the demo). */
    public boolean empty() {
        return records.listPrefix("accounts", "", 1).isEmpty();
    }

    /** Whether {@code path} is one of the portal's pages (not the JSON API, the log or metrics). */
    public boolean owns(String path) {
        return PortalWeb.owns(path);
    }

    /** Renders the error page for {@code e}, thrown while serving one of the portal's pages. */
    public void error(io.javalin.http.Context ctx, Exception e) {
        new org.kalaja.portal.web.PortalErrors(web).handle(ctx, e);
    }

    /** Mounts the portal's assets, filters and pages on {@code app}. */
    public void register(Javalin app) {
        web.registerAssets(app);
        for (Routes r : routes) r.register(app);
    }
}
