package org.kalaja.sentinel.state;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.state.StateAudit.Report.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the record states the store keeps with the states the log implies (T1565.001).
 *
 * <p>The expected side is the engine's {@code LogReplay} over the log's entries, kept in memory and moved
 * forward by new entries; the observed side is one read snapshot of the store's state rows, and the two
 * are compared at the log size that snapshot saw, so writes may continue during an audit. A mismatch
 * raises an {@link Incident} (rule {@code state_tampering}), is handed to every {@link #onMismatch}
 * listener (containment closes the write barrier there), and is repaired: the rows are put back as the
 * log says, in one engine transaction that also appends the evidence as an INCIDENT entry.
 *
 * <p>Audits run one at a time: on demand ({@link #runNow}), every {@code interval} on a daemon thread,
 * and at once when another process commits to the store ({@link ForeignWriteWatch}), all after
 * {@link #start}. A repair MUST only be made by this class ({@code repairStates} has one caller).
 * Thread-safe.
 */
public final class StateAudit implements AutoCloseable {
    /** How often the periodic audit runs unless configured otherwise. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);
    /** The actor of the repair entries. */
    public static final Caller SENTINEL = new Caller("sentinel", "", "");

    private static final Logger LOG = LoggerFactory.getLogger(StateAudit.class);
    private static final int REPAIR_ATTEMPTS = 3;

    private final StateHooks hooks;
    private final Clock clock;
    private final List<Consumer<Report>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    /** Guards start and close, apart from the audit's own lock, so that closing never waits for an audit. */
    private final Object lifecycle = new Object();
    private ExpectedState expected;
    private volatile @Nullable Report last;
    private Instant lastCleanTime;
    private long lastCleanSize;
    private @Nullable ScheduledExecutorService periodic;
    private @Nullable ForeignWriteWatch watch;

    /**
     * An audit of {@code engine}'s store; nothing runs until {@link #runNow} or {@link #start}. The
     * first audit replays the whole log (about 220 bytes of memory per record, kept for later audits).
     */
    public static StateAudit create(RecordsEngine engine) {
        return new StateAudit(new EngineHooks(engine), engine.config().clock());
    }

    StateAudit(StateHooks hooks, Clock clock) {
        this.hooks = hooks;
        this.clock = clock;
        this.expected = new ExpectedState(hooks.store());
        this.lastCleanTime = hooks.store().entry(0).map(e -> EntryCodec.decode(e.data()).time()).orElseGet(clock::instant);
    }

    /** Called with every report that is not clean, before its rows are repaired. Listeners MUST NOT block long. */
    public void onMismatch(Consumer<Report> listener) {
        listeners.add(listener);
    }

    /**
     * Audits now, on the calling thread (waiting for an audit in progress), and repairs what it finds.
     *
     * @throws IllegalStateException if the log itself is inconsistent (run {@code kalaja verify}), or the
     *     repair failed; the message says which
     */
    public Report runNow() {
        return run("on_demand");
    }

    /** The latest report, if an audit has run. */
    public Optional<Report> last() {
        return Optional.ofNullable(last);
    }

    /** {@link #start(Duration)} every {@link #DEFAULT_INTERVAL}. */
    public StateAudit start() {
        return start(DEFAULT_INTERVAL);
    }

    /**
     * Starts the periodic audit every {@code interval} and the foreign-write watch, each on a daemon thread.
     *
     * @throws IllegalStateException if already started
     */
    public StateAudit start(Duration interval) {
        synchronized (lifecycle) {
            return startLocked(interval);
        }
    }

    private StateAudit startLocked(Duration interval) {
        if (periodic != null) throw new IllegalStateException("the state audit is already running");
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("audit interval must be positive");
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(daemon("kalaja-state-audit"));
        executor.scheduleWithFixedDelay(() -> runLogged("periodic"), interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        periodic = executor;
        watch = ForeignWriteWatch.start(hooks::foreignWriteMarker, () -> trigger(executor));
        return this;
    }

    /** Runs one audit soon on the audit thread; a trigger while one is waiting adds nothing. */
    private void trigger(ExecutorService executor) {
        if (pending.compareAndSet(false, true)) {
            executor.execute(() -> {
                pending.set(false);
                runLogged("foreign_write");
            });
        }
    }

    private void runLogged(String trigger) {
        try {
            run(trigger);
        } catch (RuntimeException e) {
            LOG.error("state audit ({}) failed: {}", trigger, e.getMessage(), e);
        }
    }

    private synchronized Report run(String trigger) {
        Instant time = clock.instant();
        long began = System.nanoTime();
        Comparison.Result r;
        try {
            r = Comparison.run(expected, hooks);
        } catch (VerificationException e) {
            expected = new ExpectedState(hooks.store()); // a failed replay cannot continue; start over next time
            throw new IllegalStateException("the log is inconsistent, the state cannot be audited: " + e.getMessage()
                    + "; run `kalaja verify`", e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        if (r.clean()) {
            lastCleanTime = time;
            lastCleanSize = r.size();
            Report report = new Report(r.size(), r.rows(), time, took, r.expectedDigest(), r.observedDigest(), List.of(),
                    List.of(), List.of(), trigger, Optional.empty(), OptionalLong.empty());
            last = report;
            return report;
        }
        Incident incident = Evidence.incident(lastCleanTime, lastCleanSize, time);
        Report report = new Report(r.size(), r.rows(), time, took, r.expectedDigest(), r.observedDigest(), r.wrong(),
                r.missing(), r.extra(), trigger, Optional.of(incident), OptionalLong.empty());
        LOG.error("state audit ({}): the store disagrees with the log at size {}: {} wrong, {} missing, {} extra rows;"
                + " incident {}", trigger, r.size(), r.wrong().size(), r.missing().size(), r.extra().size(), incident.id());
        last = report;
        for (Consumer<Report> listener : listeners) {
            try {
                listener.accept(report);
            } catch (RuntimeException e) {
                LOG.error("state audit listener failed: {}", e.getMessage(), e);
            }
        }
        Report repaired = report.repaired(repair(report, incident));
        last = repaired;
        return repaired;
    }

    /**
     * Puts back, as the log says now, the rows that still differ. The log may have grown since the
     * snapshot; the rows are taken at its size now, and a row the engine rewrote correctly meanwhile
     * is left alone. The engine refuses a repair that a write committed since made stale
     * (VERSION_CONFLICT); it is then computed again, at most {@value #REPAIR_ATTEMPTS} times.
     */
    private long repair(Report report, Incident incident) {
        List<Row> all = new ArrayList<>(report.wrong());
        all.addAll(report.missing());
        all.addAll(report.extra());
        byte[] evidence = Evidence.json(report, incident);
        for (int attempt = 1; ; attempt++) {
            try {
                expected.advance(hooks.size());
            } catch (VerificationException e) {
                expected = new ExpectedState(hooks.store());
                throw new IllegalStateException("the log became inconsistent during the repair: " + e.getMessage(), e);
            }
            List<RecordState> put = new ArrayList<>();
            List<RecordId> remove = new ArrayList<>();
            for (Row row : all) {
                RecordState target = expected.states().get(row.id());
                Optional<RecordState> now = hooks.store().state(row.id());
                if (target == null) {
                    if (now.isPresent()) remove.add(row.id());
                } else if (!now.equals(Optional.of(target))) {
                    put.add(target);
                }
            }
            try {
                WriteResult result = hooks.repairStates(SENTINEL, evidence, put, remove).join();
                LOG.warn("incident {}: {} state rows put back and {} removed as the log says (entry {})", incident.id(),
                        put.size(), remove.size(), result.index());
                return result.index();
            } catch (CompletionException e) {
                boolean stale = e.getCause() instanceof EngineException x && x.problem() == EngineException.Problem.VERSION_CONFLICT;
                if (!stale || attempt == REPAIR_ATTEMPTS) {
                    throw new IllegalStateException("incident " + incident.id() + ": repairing " + put.size()
                            + " rows and removing " + remove.size() + " failed: " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
    }

    /** Stops the periodic audit and the watch; an audit in progress finishes. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (watch != null) watch.close();
            if (periodic != null) periodic.shutdownNow();
            watch = null;
            periodic = null;
        }
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * What one state audit found, as of one read snapshot of the store.
     *
     * <p>Invariants: {@code wrong} rows have both a store and a log value and they differ; {@code missing}
     * rows have only a log value; {@code extra} rows only a store value; each list is in key order. The
     * audit is {@linkplain #clean() clean} exactly when all three are empty, and then the two digests are
     * equal. {@code incident} is present exactly when the audit is not clean.
     *
     * @param size           the log size the store's snapshot saw; both sides are the state at this size
     * @param rows           state rows the store's snapshot held
     * @param expectedDigest hex SHA-256 over the log's state rows in key order (see {@code RowDigest})
     * @param observedDigest the same over the store's rows; empty if the store did not give them in key order
     * @param trigger        why the audit ran: {@code periodic}, {@code on_demand} or {@code foreign_write}
     * @param repairIndex    the log index of the repair's INCIDENT entry, when the rows were repaired
     */
    public record Report(long size, long rows, Instant time, Duration took, String expectedDigest, String observedDigest,
            List<Row> wrong, List<Row> missing, List<Row> extra, String trigger, Optional<Incident> incident,
            OptionalLong repairIndex) {

        public Report {
            wrong = List.copyOf(wrong);
            missing = List.copyOf(missing);
            extra = List.copyOf(extra);
        }

        /** One record on which the store and the log disagree. */
        public record Row(RecordId id, @Nullable RecordState store, @Nullable RecordState log) {
        }

        /** Whether the store holds exactly the states the log implies. */
        public boolean clean() {
            return wrong.isEmpty() && missing.isEmpty() && extra.isEmpty();
        }

        /** Rows in disagreement, all kinds. */
        public int mismatches() {
            return wrong.size() + missing.size() + extra.size();
        }

        Report repaired(long index) {
            return new Report(size, rows, time, took, expectedDigest, observedDigest, wrong, missing, extra, trigger, incident,
                    OptionalLong.of(index));
        }
    }
}
