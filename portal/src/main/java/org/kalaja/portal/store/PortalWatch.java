package org.kalaja.portal.store;

import org.kalaja.sentinel.AuditEvent;

/**
 * How the portal hands what people do to the sentinel. The server implements it over the node's
 * sentinel; tests may use {@link #NONE}. Every portal write MUST be admitted before it runs and
 * completed after it; reads of personal data MUST be recorded.
 */
public interface PortalWatch {
    /** A watch that lets everything through and records nothing: for unit tests of the domain only. */
    PortalWatch NONE = new PortalWatch() {
        @Override
        public Ticket admit(AuditEvent event) {
            return new Ticket(event, null);
        }

        @Override
        public void completed(Ticket ticket, long index, long version) {}

        @Override
        public void failed(Ticket ticket, String reason) {}

        @Override
        public void read(AuditEvent event) {}
    };

    /** An admitted event, to complete exactly once. {@code handle} is the sentinel's admission. */
    record Ticket(AuditEvent event, @org.jspecify.annotations.Nullable Object handle) {}

    /** @throws PortalException CONTAINED or SAFE_MODE when the sentinel refuses; the refusal is recorded */
    Ticket admit(AuditEvent event);

    void completed(Ticket ticket, long index, long version);

    /** @param reason a short error code ({@code version_conflict}, {@code safe_mode}, …) */
    void failed(Ticket ticket, String reason);

    /** Records a read or list of personal data (batched into the log, never on the page's path). */
    void read(AuditEvent event);
}
