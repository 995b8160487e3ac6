package org.kalaja.sentinel.contain;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.Tokens;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.ContainedException;
import org.kalaja.sentinel.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sentinel's containment, assembled: state loaded from the log, the checks on the request path, the
 * response to findings, approvals, and the two threads it owns (one writer for containment entries, one
 * sweeper that runs once a second). {@link org.kalaja.sentinel.Sentinel} is its public face.
 */
public final class Guard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    private final Detector detector;
    private final Clock clock;
    private final Containment containment;
    private final Incidents incidents;
    private final Approvals approvals;
    private final Maintenance maintenance;
    private final FirstSeen firstSeen = new FirstSeen();
    private final Overrides overrides;
    private final Responder responder;
    private final ExecutorService writer;
    private final ScheduledExecutorService sweeper;

    private Guard(RecordsEngine engine, Tokens tokens, Detector detector, Barrier barrier, Clock clock) {
        this.detector = detector;
        this.clock = clock;
        SystemRecords records = new SystemRecords(engine);
        this.containment = new Containment(records, barrier);
        this.incidents = new Incidents(records);
        this.maintenance = new Maintenance(records);
        this.overrides = new Overrides(records, detector);
        Independence independence = new Independence(records, incidents, containment);
        incidents.independence(independence);
        this.approvals = new Approvals(records, independence, containment, maintenance, overrides, clock);
        this.writer = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("kalaja-sentinel-writer").daemon().factory());
        this.responder = new Responder(records, containment, incidents, independence, tokens, clock, writer);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("kalaja-sentinel-sweeper").daemon().factory());
    }

    /**
     * Loads the containment state from the current state of the {@code kalaja.*} collections (safe mode
     * closes {@code barrier} again) and starts the writer and sweeper; call it before the API takes requests.
     */
    public static Guard start(RecordsEngine engine, Tokens tokens, Detector detector, Barrier barrier, Clock clock) {
        Guard g = new Guard(engine, tokens, detector, barrier, clock);
        g.containment.load(clock.instant());
        g.incidents.load();
        g.maintenance.load(clock.instant());
        g.overrides.load();
        g.approvals.load();
        g.firstSeen.warm(engine.store());
        g.sweeper.scheduleWithFixedDelay(g::sweep, 1, 1, TimeUnit.SECONDS);
        return g;
    }

    /**
     * Before an operation: refuses a contained caller, tags events covered by a maintenance window or
     * coming from a place new to their actor ({@link FirstSeen}), feeds
     * the rules, and contains in memory before returning when one matches.
     *
     * @return the event as evaluated (with the tags added)
     * @throws ContainedException when the caller is, or has just become, contained
     */
    public AuditEvent admit(AuditEvent event) {
        containment.check(event);
        AuditEvent tagged = firstSeen.tag(maintenance.tag(event));
        List<Finding> found = detector.detect(tagged, tagged.time());
        if (!found.isEmpty()) {
            respond(found, tagged);
            containment.check(tagged);
        }
        return tagged;
    }

    /**
     * After an operation: rules that test the outcome of an administrative action (a token created from a
     * first-seen address) see the completed event. Record and read events are evaluated once, at
     * admission, so that counting rules count each request once.
     */
    public void completed(AuditEvent event) {
        if (event.outcome() != Outcome.SUCCESS) return;
        if (event.action() != Action.TOKEN_CREATE && event.action() != Action.TOKEN_REVOKE) return;
        List<Finding> found = detector.detect(event, event.time());
        if (!found.isEmpty()) respond(found, event);
    }

    private void respond(List<Finding> found, AuditEvent trigger) {
        for (Finding f : found) {
            Optional<Finding> effective = overrides.apply(f);
            if (effective.isPresent()) responder.respond(effective.get(), trigger);
        }
    }

    public Containment containment() {
        return containment;
    }

    public Incidents incidents() {
        return incidents;
    }

    public Approvals approvals() {
        return approvals;
    }

    public int rules() {
        return detector.rules();
    }

    public int blockedAddresses() {
        return containment.blocked(clock.instant()).size();
    }

    public int maintenanceWindows() {
        return maintenance.windows().size();
    }

    public int pendingApprovals() {
        return approvals.pendingCount();
    }

    /** Containment entries decided and not yet durable. */
    public long pendingWrites() {
        return responder.pending();
    }

    /** Blocks until every containment entry decided so far is durable (or failed and was logged). */
    public void flush() {
        try {
            writer.submit(() -> { }).get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("sentinel writer did not drain: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sweep() {
        try {
            java.time.Instant now = clock.instant();
            detector.sweep(now);
            containment.sweep(now);
            maintenance.sweep(now);
        } catch (RuntimeException e) {
            LOG.warn("sentinel sweep failed: {}", e.toString(), e);
        }
    }

    /** Stops the sweeper, then writes what containment decided before returning. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        writer.shutdown();
        try {
            if (!writer.awaitTermination(30, TimeUnit.SECONDS)) LOG.error("sentinel writer still busy after 30 s; containment entries may be lost");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
