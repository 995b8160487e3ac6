package org.kalaja.sentinel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.Tokens;
import org.kalaja.sentinel.contain.Approvals;
import org.kalaja.sentinel.contain.Containment;
import org.kalaja.sentinel.contain.Detector;
import org.kalaja.sentinel.contain.Guard;
import org.kalaja.sentinel.contain.Incidents;
import org.kalaja.sentinel.sigma.RuleSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sentinel as the server sees it. The server MUST call {@link #admit} before every audited
 * operation and MUST NOT run the operation when it throws; it calls {@link #complete} after.
 *
 * <p>{@link #admit} refuses a frozen actor, a blocked address, and writes in safe mode; otherwise it
 * feeds the Sigma rules, and when one matches it contains <em>before returning</em> (the triggering
 * request is refused too), then writes the containment and incident entries on its own thread within
 * milliseconds. For an actor not contained and an event no rule matches it costs a few map lookups: no
 * log read and no lock shared by all requests.
 *
 * <p>{@link #start} rebuilds frozen actors, blocked addresses, safe mode (closing the engine's write
 * barrier again), open incidents, pending approvals, maintenance windows and rule overrides from the
 * log's {@code kalaja.*} collections, so containment survives a restart. Start it before the API opens.
 */
public final class Sentinel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sentinel.class);

    private final Guard guard;
    private final List<Consumer<AuditEvent>> listeners = new CopyOnWriteArrayList<>();

    private Sentinel(Guard guard) {
        this.guard = guard;
    }

    /**
     * Loads the rules ({@link RuleSet#load} of {@code config.rules()}) and the containment state.
     *
     * @throws org.kalaja.sentinel.sigma.RuleException when a rule file is refused
     */
    public static Sentinel start(RecordsEngine engine, Tokens tokens, SentinelConfig config) {
        Detector rules = new SigmaDetector(RuleSet.load(config.rules()), config);
        return new Sentinel(Guard.start(engine, tokens, rules, EngineBarrier.of(engine), config.clock()));
    }

    /**
     * Before the operation: refuses it when contained; otherwise evaluates it and, when a rule's
     * containment now covers this caller, refuses it too.
     *
     * @param event the operation as requested, outcome {@link Outcome#UNKNOWN} (or the known outcome of an
     *              event that has no operation, such as {@code auth.failure})
     * @throws ContainedException ACTOR_FROZEN, ADDRESS_BLOCKED or SAFE_MODE (a write in safe mode)
     */
    public Admission admit(AuditEvent event) {
        return new Admission(guard.admit(event));
    }

    /**
     * After the operation: rules that test an administrative action's outcome see it, and listeners (the
     * audit batcher, exporters) get the completed event. Never throws for containment: the operation ran.
     *
     * @param index   the log index of the entry the operation wrote, -1 for none
     * @param version the record version written or read, -1 for none
     */
    public void complete(Admission admission, Outcome outcome, String reason, long index, long version) {
        AuditEvent e = admission.event();
        AuditEvent done = new AuditEvent(e.time(), e.action(), outcome, e.actor(), e.actorName(), e.role(), e.address(), e.userAgent(),
                e.collection(), e.key(), version, index, e.count(), reason, e.extra());
        try {
            guard.completed(done);
        } catch (RuntimeException ex) {
            LOG.error("sentinel could not evaluate a completed {}: {}", done.action().id(), ex.toString(), ex);
        }
        for (Consumer<AuditEvent> l : listeners) l.accept(done);
    }

    /** Adds a receiver of every completed event; it MUST NOT block (it runs on the request thread). */
    public void onComplete(Consumer<AuditEvent> listener) {
        listeners.add(listener);
    }

    public Containment containment() {
        return guard.containment();
    }

    public Incidents incidents() {
        return guard.incidents();
    }

    public Approvals approvals() {
        return guard.approvals();
    }

    public SentinelStatus status() {
        Containment c = guard.containment();
        var safe = c.safeMode();
        return new SentinelStatus(safe.isPresent(), safe.map(Containment.SafeMode::since).orElse(null),
                safe.map(Containment.SafeMode::incident).orElse(""), c.frozen().size(), guard.blockedAddresses(),
                guard.incidents().open().size(), guard.pendingApprovals(), guard.maintenanceWindows(), guard.rules(), guard.pendingWrites());
    }

    /** Blocks until the containment entries decided so far are durable; for tests and an orderly stop. */
    public void flush() {
        guard.flush();
    }

    /** Writes the containment entries still pending, then stops the sentinel's threads. */
    @Override
    public void close() {
        guard.close();
    }
}
