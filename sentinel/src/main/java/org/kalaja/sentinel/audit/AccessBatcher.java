package org.kalaja.sentinel.audit;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Caller;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the audit events that no mutation entry already records (reads, sign-ins, refusals) into the
 * log, batched: one {@link EntryKind#ACCESS} entry at {@code kalaja.audit/access}, actor
 * {@code sentinel}, per {@code interval} (200 ms) or per {@link AccessCodec#MAX_BODY} bytes of
 * events, whichever comes first.
 *
 * <p>Request threads call {@link #offer}, which MUST NOT block: it returns false when the bounded
 * queue is full, which happens only when the store cannot commit; the caller then refuses or drops
 * (the server's {@code --audit-overflow}). One flusher thread builds the batches and appends them;
 * a batch that fails to commit is retried until it commits or the batcher is closed, so an event
 * accepted by {@code offer} is either in the log or counted by {@link #lost()}.
 *
 * <p>ACCESS entries change no state and carry no precondition (expected version -1), so batches
 * never conflict with one another or with anything else.
 */
public final class AccessBatcher implements AutoCloseable {
    /** The queue size of {@link #start}: about a second of 64k audited requests per second. */
    public static final int DEFAULT_CAPACITY = 65_536;
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);
    private static final Caller SENTINEL = new Caller("sentinel", "", "");
    private static final RecordId AT = new RecordId(AccessCodec.COLLECTION, AccessCodec.KEY);
    private static final Logger LOG = LoggerFactory.getLogger(AccessBatcher.class);
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Appends one ACCESS body; the engine in production, a recorder in tests. */
    @FunctionalInterface
    public interface Appender {
        CompletableFuture<?> append(byte[] accessJson);
    }

    private final Appender appender;
    private final String node;
    private final BlockingQueue<AuditEvent> queue;
    private final long intervalNanos;
    private final Thread flusher;
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private volatile boolean closing;
    private @Nullable AuditEvent carried;

    /**
     * @param node     the node's name, recorded in every batch
     * @param capacity the most events waiting; {@link #offer} refuses beyond it
     */
    public AccessBatcher(Appender appender, String node, int capacity, Duration interval) {
        if (capacity < 1 || interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("capacity and interval must be positive");
        this.appender = appender;
        this.node = node;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.intervalNanos = interval.toNanos();
        this.flusher = Thread.ofPlatform().daemon().name("kalaja-audit-batcher").unstarted(this::run);
        flusher.start();
    }

    /** A batcher appending to {@code engine} with the default capacity and interval. */
    public static AccessBatcher start(RecordsEngine engine, String node) {
        return new AccessBatcher(appender(engine), node, DEFAULT_CAPACITY, DEFAULT_INTERVAL);
    }

    /** Appends through {@link RecordsEngine#appendSystem}, as an ordinary system mutation. */
    public static Appender appender(RecordsEngine engine) {
        return json -> engine.appendSystem(EntryKind.ACCESS, SENTINEL, AT, json, -1);
    }

    /**
     * Queues {@code event} for the log without waiting.
     *
     * @return false when the queue is full or the batcher is closed: the event is not recorded
     */
    public boolean offer(AuditEvent event) {
        return !closing && queue.offer(event);
    }

    /** ACCESS entries committed so far. */
    public long entries() {
        return entries.get();
    }

    /** Events committed so far. */
    public long events() {
        return events.get();
    }

    /** Events accepted but never committed: those still failing to commit when the batcher closed. */
    public long lost() {
        return lost.get();
    }

    /** Events waiting for the next batch. */
    public int backlog() {
        return queue.size();
    }

    private void run() {
        while (true) {
            AccessCodec.Batch batch = new AccessCodec.Batch(node);
            try {
                if (!fill(batch)) return;
            } catch (InterruptedException e) {
                return;
            }
            if (!batch.isEmpty()) commit(batch);
        }
    }

    /** Fills a batch until it is full or {@code interval} has passed since its first event; false when closed and drained. */
    private boolean fill(AccessCodec.Batch batch) throws InterruptedException {
        AuditEvent first = carried != null ? carried : queue.poll(intervalNanos, TimeUnit.NANOSECONDS);
        carried = null;
        if (first == null) return !closing || !queue.isEmpty();
        addOrDrop(batch, first);
        long deadline = System.nanoTime() + intervalNanos;
        while (true) {
            long left = closing ? 0 : deadline - System.nanoTime();
            AuditEvent e = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (e == null) return true;
            if (!batch.add(e)) {
                carried = e;
                return true;
            }
        }
    }

    private void addOrDrop(AccessCodec.Batch batch, AuditEvent event) {
        if (!batch.add(event)) {
            // Only an event with absurd fields is larger than a whole entry; recording half of it would lie.
            lost.incrementAndGet();
            LOG.warn("audit event {} of {} is larger than an ACCESS entry and was not recorded", event.action().id(), event.actor());
        }
    }

    private void commit(AccessCodec.Batch batch) {
        byte[] body = batch.toJson();
        long backoff = TimeUnit.MILLISECONDS.toNanos(50);
        long closingSince = 0;
        while (true) {
            try {
                appender.append(body).join();
                entries.incrementAndGet();
                events.addAndGet(batch.size());
                return;
            } catch (RuntimeException e) {
                if (closing) {
                    if (closingSince == 0) closingSince = System.nanoTime();
                    if (System.nanoTime() - closingSince > CLOSE_WAIT_NANOS) {
                        lost.addAndGet(batch.size());
                        LOG.error("{} audit events could not be committed before shutdown: {}", batch.size(), e.getMessage());
                        return;
                    }
                }
                LOG.warn("ACCESS batch of {} events failed to commit, retrying: {}", batch.size(), e.getMessage());
                try {
                    TimeUnit.NANOSECONDS.sleep(backoff);
                } catch (InterruptedException ie) {
                    lost.addAndGet(batch.size());
                    return;
                }
                backoff = Math.min(backoff * 2, TimeUnit.SECONDS.toNanos(5));
            }
        }
    }

    /** Stops taking events, commits every event already accepted, then returns. Call before closing the engine. */
    @Override
    public void close() {
        closing = true;
        try {
            flusher.join();
            // An offer that raced with closing got in after the last drain.
            lost.addAndGet(queue.size());
            queue.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
