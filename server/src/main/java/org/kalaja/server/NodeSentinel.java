package org.kalaja.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Caller;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.Tokens;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.ContainedException;
import org.kalaja.sentinel.Outcome;
import org.kalaja.sentinel.Sentinel;
import org.kalaja.sentinel.SentinelConfig;
import org.kalaja.sentinel.audit.AccessBatcher;
import org.kalaja.sentinel.audit.SignIns;
import org.kalaja.sentinel.contain.NodeConfigAudit;
import org.kalaja.sentinel.export.AuditExporter;
import org.kalaja.sentinel.export.ExportContext;
import org.kalaja.sentinel.export.FileSink;
import org.kalaja.sentinel.export.Sink;
import org.kalaja.sentinel.export.SyslogSink;
import org.kalaja.sentinel.export.WebhookSink;
import org.kalaja.sentinel.state.StateAudit;
import org.kalaja.sentinel.undo.IncidentUndo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sentinel of one node and what feeds it: the Sigma rules and containment ({@link Sentinel}), the
 * batcher that writes audited reads, lists and sign-in events into the log as ACCESS entries, the state
 * audit (periodic and on foreign writes), and the exporters to the operator's sinks.
 *
 * <p>Invariants: it is started after the engine, tokens and log and before the API takes a request, and
 * closed after the API and before the engine, in the reverse order of starting, so that containment and
 * audit entries decided while the node ran are committed. There is no way to run a node without it.
 */
final class NodeSentinel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeSentinel.class);

    /**
     * How the sentinel runs on this node.
     *
     * @param rules          folders of Sigma rules; empty = {@code <data>/rules} when it exists (the defaults always load)
     * @param personal       collections holding personal data, whose reads are audited; null = every collection
     * @param auditOut       NDJSON files ({@code -} = standard output) in {@code auditFormat}
     * @param webhookSecret  the webhook's HMAC secret; required with {@code webhook}
     */
    record Options(List<Path> rules, @Nullable Set<String> personal, Duration stateAuditInterval, List<String> auditOut,
            FileSink.Format auditFormat, @Nullable URI syslog, @Nullable URI webhook, byte @Nullable [] webhookSecret) {
        Options {
            rules = List.copyOf(rules);
            personal = personal == null ? null : Set.copyOf(personal);
            auditOut = List.copyOf(auditOut);
        }

        static Options defaults() {
            return new Options(List.of(), null, StateAudit.DEFAULT_INTERVAL, List.of(), FileSink.Format.OCSF, null, null, null);
        }

        Options withRules(List<Path> dirs) {
            return new Options(dirs, personal, stateAuditInterval, auditOut, auditFormat, syslog, webhook, webhookSecret);
        }
    }

    private final Sentinel sentinel;
    private final AccessBatcher batcher;
    private final StateAudit stateAudit;
    private final @Nullable AuditExporter exporter;
    private final IncidentUndo undo;
    private final @Nullable Set<String> personal;
    private final SignIns signIns = new SignIns();

    private NodeSentinel(Sentinel sentinel, AccessBatcher batcher, StateAudit stateAudit, @Nullable AuditExporter exporter,
            IncidentUndo undo, @Nullable Set<String> personal) {
        this.sentinel = sentinel;
        this.batcher = batcher;
        this.stateAudit = stateAudit;
        this.exporter = exporter;
        this.undo = undo;
        this.personal = personal;
    }

    /** Starts every part, in order; a part that fails closes the ones started before it. */
    static NodeSentinel start(Path dataDir, RecordsEngine engine, Tokens tokens, TransparencyLog log, Options options) {
        List<Path> rules = options.rules();
        if (rules.isEmpty() && Files.isDirectory(dataDir.resolve("rules"))) rules = List.of(dataDir.resolve("rules"));
        Clock clock = engine.config().clock();
        Sentinel sentinel = Sentinel.start(engine, tokens, SentinelConfig.defaults().withRules(rules).withClock(clock));
        AccessBatcher batcher = null;
        StateAudit audit = null;
        try {
            String origin = log.identity().origin();
            batcher = AccessBatcher.start(engine, origin);
            AccessBatcher b = batcher;
            // Mutations and token changes that happened are entries of their own; everything else (reads, lists,
            // sign-ins, refusals) is kept in ACCESS batches.
            sentinel.onComplete(e -> {
                if (!isEntry(e)) b.offer(e);
            });
            audit = StateAudit.create(engine);
            audit.onMismatch(r -> tampered(sentinel, clock, r));
            audit.start(options.stateAuditInterval());
            AuditExporter exporter = null;
            List<Sink> sinks = sinks(options, new ExportContext(origin, origin, Version.current()), clock);
            if (!sinks.isEmpty()) exporter = AuditExporter.start(engine.store(), sinks);
            return new NodeSentinel(sentinel, batcher, audit, exporter, IncidentUndo.of(engine), options.personal());
        } catch (RuntimeException e) {
            if (audit != null) audit.close();
            if (batcher != null) batcher.close();
            sentinel.close();
            throw e;
        }
    }

    private static boolean isEntry(AuditEvent e) {
        return e.outcome() == Outcome.SUCCESS && (e.action() == Action.RECORD_PUT || e.action() == Action.RECORD_DELETE
                || e.action() == Action.TOKEN_CREATE || e.action() == Action.TOKEN_REVOKE);
    }

    /** A state audit mismatch is an event like any other: the rule {@code state_tampering} puts the node in safe mode. */
    private static void tampered(Sentinel sentinel, Clock clock, StateAudit.Report r) {
        String incident = r.incident().map(i -> i.id()).orElse("");
        AuditEvent e = new AuditEvent(clock.instant(), Action.STATE_AUDIT_MISMATCH, Outcome.SUCCESS, "sentinel", "", "", "", "",
                "", "", -1, -1, Math.max(1, r.mismatches()), "", Map.of("kalaja.state_audit.incident", incident,
                        "kalaja.state_audit.trigger", r.trigger()));
        try {
            sentinel.complete(sentinel.admit(e), Outcome.SUCCESS, "", -1, -1);
        } catch (ContainedException refused) {
            LOG.warn("state audit mismatch event refused: {}", refused.getMessage());
        }
        LOG.error("state audit: {} rows of the store disagree with the log (incident {}); safe mode, repairing from the log",
                r.mismatches(), incident);
    }

    private static List<Sink> sinks(Options o, ExportContext context, Clock clock) {
        List<Sink> sinks = new ArrayList<>();
        try {
            for (String file : o.auditOut()) sinks.add(FileSink.open(file, o.auditFormat(), context));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit output: " + e.getMessage(), e);
        }
        if (o.syslog() != null) sinks.add(new SyslogSink(o.syslog(), context));
        if (o.webhook() != null) {
            if (o.webhookSecret() == null || o.webhookSecret().length == 0) {
                throw new IllegalArgumentException("--webhook needs the shared secret in env KALAJA_WEBHOOK_SECRET");
            }
            sinks.add(new WebhookSink(o.webhook(), o.webhookSecret(), context, clock));
        }
        return sinks;
    }

    /**
     * Compares the defences this start has with the last start's ({@link NodeConfigAudit}): fewer vaults,
     * witnesses, a lower quorum, store instead of vault durability, fewer audit sinks or a slower state
     * audit is a {@code config.change} the default rules answer with safe mode (T1490, T1562), unless two
     * administrators approved this configuration's digest beforehand ({@code config.loosen}).
     */
    void checkDefences(Node.Shipping shipping, Options o, RecordsEngine engine, org.kalaja.engine.seal.@Nullable Kms kms) {
        Map<String, Object> config = new java.util.TreeMap<>();
        config.put("kms", kms instanceof org.kalaja.engine.seal.Pkcs11Kms ? "pkcs11" : kms == null ? "none" : "keystore");
        config.put("vaults", shipping.vaults().stream().map(org.kalaja.engine.vault.Vault::describe).sorted().toList());
        config.put("witnesses", shipping.witnesses() == null ? List.of()
                : shipping.witnesses().witnesses().stream().map(w -> w.key().name()).sorted().toList());
        config.put("quorum", shipping.witnesses() == null ? 0 : shipping.witnesses().quorum());
        config.put("durability", shipping.durability().name().toLowerCase(java.util.Locale.ROOT));
        List<String> sinks = new ArrayList<>(o.auditOut());
        if (o.syslog() != null) sinks.add(o.syslog().toString());
        if (o.webhook() != null) sinks.add(o.webhook().toString());
        config.put("audit_sinks", sinks.stream().sorted().toList());
        config.put("state_audit_interval_s", o.stateAuditInterval().toSeconds());
        NodeConfigAudit.Change change = NodeConfigAudit.check(engine, sentinel, config, Caller.of("system:serve", "", "kalaja serve"),
                now(engine));
        if (!change.reduced().isEmpty()) {
            LOG.warn("this start has fewer defences than the last one ({}); unless two admins approved config.loosen with digest {},"
                    + " the sentinel puts the node in safe mode", String.join(", ", change.reduced()), change.digest());
        }
        change.event().ifPresent(sentinel::admit);
        sentinel.flush();
    }

    Sentinel sentinel() {
        return sentinel;
    }

    StateAudit stateAudit() {
        return stateAudit;
    }

    IncidentUndo undo() {
        return undo;
    }

    List<AuditExporter.SinkStatus> sinks() {
        return exporter == null ? List.of() : exporter.status();
    }

    /** Which requests open a session: those are the {@code auth.signin} events. */
    SignIns signIns() {
        return signIns;
    }

    AccessBatcher batcher() {
        return batcher;
    }

    /** Whether reads of {@code collection} are audited. */
    boolean personal(String collection) {
        return personal == null || personal.contains(collection);
    }

    /** A refused or failed request that never reached {@link Sentinel#complete}: still evidence. */
    void refused(AuditEvent e, String reason) {
        batcher.offer(new AuditEvent(e.time(), e.action(), Outcome.FAILURE, e.actor(), e.actorName(), e.role(), e.address(),
                e.userAgent(), e.collection(), e.key(), -1, -1, e.count(), reason, e.extra()));
    }

    static Instant now(RecordsEngine engine) {
        return engine.config().clock().instant();
    }

    /** In the reverse order of {@link #start}: exports, the state audit, the batcher's last batch, containment entries. */
    @Override
    public void close() {
        try {
            if (exporter != null) exporter.close();
            stateAudit.close();
        } finally {
            try {
                batcher.close();
            } finally {
                sentinel.close();
            }
        }
    }
}
