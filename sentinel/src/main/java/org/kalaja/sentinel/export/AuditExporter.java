package org.kalaja.sentinel.export;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.ledger.BlobRef;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.audit.ChangeScore;
import org.kalaja.sentinel.audit.LogEvents;
import org.kalaja.sentinel.audit.Principals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the committed log and delivers its audit events to sinks, one follower thread per sink,
 * never on the write path: the log is the queue.
 *
 * <p>Each follower reads entries {@code [cursor, size)} with {@link Store#entries}, turns them into
 * events ({@link LogEvents}, names and roles from {@link Principals}, {@code kalaja.change.*} from
 * {@link ChangeScore} against the record's previous version), hands them to its sink in batches of
 * {@link Sink#maxBatch()}, and moves its cursor only after the sink accepted every event of the
 * entries read. A failing sink is retried with backoff (1 s doubling to 5 min, ±20% jitter) for as
 * long as it fails; the follower then only lags ({@link #status()}), and nothing is lost.
 *
 * <p>The cursor (the next entry to export) is kept in store meta {@code audit.cursor.<sink name>},
 * written at most once per {@code saveEvery} and on {@link #close()}. After a crash a sink may see
 * the events of up to that interval again: delivery is at least once.
 */
public final class AuditExporter implements AutoCloseable {
    /** A follower that has not caught up for this long raises {@link SinkStatus#alarm()}. */
    public static final Duration ALARM_AFTER = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(AuditExporter.class);

    /**
     * @param poll        how often a follower that has caught up looks for new entries
     * @param maxEntries  most entries read per round (an ACCESS entry may hold a thousand events)
     */
    public record Options(Duration poll, Duration firstBackoff, Duration maxBackoff, Duration saveEvery, int maxEntries) {
        public static Options defaults() {
            return new Options(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(1), 64);
        }
    }

    /**
     * Where one sink stands.
     *
     * @param cursor     the next log index to export
     * @param lagEntries committed entries not yet delivered
     * @param behind     how long since the follower last caught up (zero when it has)
     * @param failures   failed deliveries since start
     */
    public record SinkStatus(String sink, long cursor, long lagEntries, Duration behind, long failures, String lastError) {
        /** Whether the sink has been behind longer than {@link #ALARM_AFTER}. */
        public boolean alarm() {
            return behind.compareTo(ALARM_AFTER) > 0;
        }
    }

    private final Store store;
    private final Options options;
    private final Principals principals;
    private final List<Follower> followers = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);

    private AuditExporter(Store store, List<Sink> sinks, Options options) {
        this.store = store;
        this.options = options;
        this.principals = new Principals(store);
        for (Sink sink : sinks) followers.add(new Follower(sink));
        followers.forEach(f -> f.thread.start());
    }

    /** Starts one follower per sink, each from its saved cursor (0 for a sink never seen). */
    public static AuditExporter start(Store store, List<Sink> sinks, Options options) {
        return new AuditExporter(store, sinks, options);
    }

    public static AuditExporter start(Store store, List<Sink> sinks) {
        return start(store, sinks, Options.defaults());
    }

    /** The meta name under which {@code sink}'s cursor is kept. */
    public static String cursorName(Sink sink) {
        return "audit.cursor." + sink.name();
    }

    public List<SinkStatus> status() {
        long size = store.size();
        Instant now = Instant.now();
        return followers.stream().map(f -> f.status(size, now)).toList();
    }

    /** Stops the followers (a delivery in progress finishes or times out), saves the cursors, closes the sinks. */
    @Override
    public void close() {
        stop.countDown();
        for (Follower f : followers) {
            try {
                f.thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            f.save();
            try {
                f.sink.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("closing audit sink {}: {}", f.sink.name(), e.getMessage());
            }
        }
    }

    /** The events of the entries {@code [from, to)}, ready for export. */
    List<AuditEvent> read(long from, long to) {
        List<AuditEvent> out = new ArrayList<>();
        store.entries(from, to, stored -> {
            Entry entry = EntryCodec.decode(stored.data());
            List<AuditEvent> events;
            try {
                events = LogEvents.of(stored.index(), entry);
            } catch (IllegalArgumentException e) {
                // The entry is in the log and verifies; only its body is not what this version reads.
                LOG.warn("entry {} yields no audit events: {}", stored.index(), e.getMessage());
                return;
            }
            for (AuditEvent e : events) {
                AuditEvent done = principals.complete(e);
                if (entry.kind() == EntryKind.RECORD_PUT) done = done.with(change(stored, entry));
                out.add(done);
            }
        });
        return out;
    }

    private Map<String, Object> change(StoredEntry stored, Entry entry) {
        Entry previous = stored.previousIndex() < 0 ? null
                : store.entry(stored.previousIndex()).map(p -> EntryCodec.decode(p.data())).orElse(null);
        byte[] before = previous == null || previous.kind() != EntryKind.RECORD_PUT ? null : body(previous);
        byte[] after = body(entry);
        ChangeScore.Result r = before == null || after == null ? ChangeScore.Result.NONE : ChangeScore.score(before, after);
        return Map.of("kalaja.created", previous == null || previous.kind() == EntryKind.RECORD_DELETE,
                "kalaja.change.opaque_score", (long) r.opaqueScore(), "kalaja.change.fields_lost_pct", (long) r.fieldsLostPct());
    }

    private byte @Nullable [] body(Entry e) {
        return switch (e.bodyType()) {
            case JSON -> e.body();
            // A sealed blob is ciphertext: scoring it against readable JSON would call every sealed write ransomware.
            case BLOB_REF -> BlobRef.fromBody(e.body()).contentType().equals("application/json")
                    ? store.blob(BlobRef.fromBody(e.body()).sha256().bytes()).orElse(null) : null;
            default -> null;
        };
    }

    private final class Follower {
        final Sink sink;
        final Thread thread;
        final AtomicLong failures = new AtomicLong();
        volatile long cursor;
        volatile long saved;
        volatile Instant caughtUp = Instant.now();
        volatile String lastError = "";
        long lastSave = System.nanoTime();

        Follower(Sink sink) {
            this.sink = sink;
            this.cursor = store.meta(cursorName(sink)).map(Long::parseLong).orElse(0L);
            this.saved = cursor;
            this.thread = Thread.ofPlatform().daemon().name("kalaja-audit-export-" + sink.name()).unstarted(this::run);
        }

        SinkStatus status(long size, Instant now) {
            long lag = Math.max(0, size - cursor);
            Duration behind = lag == 0 ? Duration.ZERO : Duration.between(caughtUp, now);
            return new SinkStatus(sink.name(), cursor, lag, behind, failures.get(), lastError);
        }

        private void run() {
            while (stop.getCount() > 0) {
                long size = store.size();
                if (cursor >= size) {
                    caughtUp = Instant.now();
                    if (sleep(options.poll())) return;
                    continue;
                }
                long to = Math.min(size, cursor + options.maxEntries());
                List<AuditEvent> events;
                try {
                    events = read(cursor, to);
                } catch (RuntimeException e) {
                    failed("reading entries " + cursor + ".." + to + ": " + e.getMessage());
                    if (sleep(options.firstBackoff())) return;
                    continue;
                }
                if (!deliver(events)) return;
                cursor = to;
                if (System.nanoTime() - lastSave >= options.saveEvery().toNanos()) save();
            }
        }

        /** Delivers every event, retrying each batch until it is accepted; false when stopped first. */
        private boolean deliver(List<AuditEvent> events) {
            int batch = Math.max(1, sink.maxBatch());
            for (int i = 0; i < events.size(); ) {
                List<AuditEvent> part = events.subList(i, Math.min(events.size(), i + batch));
                long backoff = options.firstBackoff().toMillis();
                while (true) {
                    try {
                        sink.send(part);
                        break;
                    } catch (IOException | RuntimeException e) {
                        failed(e.getMessage() == null ? e.toString() : e.getMessage());
                        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
                        if (sleep(Duration.ofMillis((long) (backoff * jitter)))) return false;
                        backoff = Math.min(backoff * 2, options.maxBackoff().toMillis());
                    }
                }
                i += part.size();
            }
            return true;
        }

        private void failed(String message) {
            failures.incrementAndGet();
            lastError = message;
            LOG.warn("audit sink {} at entry {}: {}", sink.name(), cursor, message);
        }

        synchronized void save() {
            long c = cursor;
            if (c == saved) return;
            try {
                store.putMeta(cursorName(sink), Long.toString(c));
                saved = c;
                lastSave = System.nanoTime();
            } catch (RuntimeException e) {
                LOG.warn("could not save the audit cursor of {}: {}", sink.name(), e.getMessage());
            }
        }

        /** Waits, returning true when the exporter is stopping. */
        private boolean sleep(Duration d) {
            try {
                return stop.await(d.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
    }
}
