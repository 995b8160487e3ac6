package org.kalaja.sentinel.export;

import java.io.IOException;
import java.util.List;
import org.kalaja.sentinel.AuditEvent;

/**
 * Where an {@link AuditExporter} delivers events. Called from the exporter's own thread only, never
 * from a request thread.
 *
 * <p>{@link #send} MUST return only once the destination has the events as far as the transport can
 * tell (a 2xx answer, a flushed socket, a forced file), and MUST throw if it cannot say so: the
 * exporter then retries the same events, so a destination sees every event at least once and
 * possibly twice (event ids, {@link ExportContext#uid}, let it deduplicate).
 */
public interface Sink extends AutoCloseable {
    /** Stable across restarts: the exporter keeps this sink's cursor under this name. */
    String name();

    /** The most events one {@link #send} takes. */
    default int maxBatch() {
        return 500;
    }

    /** Delivers {@code events}, in order. @throws IOException if delivery is not certain */
    void send(List<AuditEvent> events) throws IOException;

    @Override
    default void close() throws IOException {}
}
