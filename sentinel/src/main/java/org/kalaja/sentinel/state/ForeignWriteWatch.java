package org.kalaja.sentinel.state;

import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the store's foreign-write marker every {@value #POLL_MILLIS} ms and calls {@code onChange} when
 * it moves: another process (a {@code sqlite3} shell, a second Kalaja) committed to the store, which
 * the engine never does for itself. A store that cannot tell (empty marker) is left to the periodic audit.
 * {@code onChange} MUST return quickly (it hands the audit to another thread).
 */
final class ForeignWriteWatch implements AutoCloseable {
    static final long POLL_MILLIS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(ForeignWriteWatch.class);

    private final Supplier<OptionalLong> marker;
    private final Runnable onChange;
    private final ScheduledExecutorService poller;
    private OptionalLong seen;

    private ForeignWriteWatch(Supplier<OptionalLong> marker, Runnable onChange) {
        this.marker = marker;
        this.onChange = onChange;
        this.seen = marker.get();
        this.poller = Executors.newSingleThreadScheduledExecutor(StateAudit.daemon("kalaja-foreign-write-watch"));
    }

    static ForeignWriteWatch start(Supplier<OptionalLong> marker, Runnable onChange) {
        ForeignWriteWatch watch = new ForeignWriteWatch(marker, onChange);
        if (watch.seen.isPresent()) {
            watch.poller.scheduleWithFixedDelay(watch::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            LOG.info("the store cannot tell foreign writes apart; the state audit runs periodically only");
        }
        return watch;
    }

    private void poll() {
        try {
            OptionalLong now = marker.get();
            if (!now.equals(seen)) {
                LOG.warn("another process committed to the store (marker {} -> {}): auditing the state now", seen, now);
                seen = now;
                onChange.run();
            }
        } catch (RuntimeException e) {
            LOG.error("foreign-write watch: {}", e.getMessage(), e); // keep polling: a transient store error must not end the watch
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
