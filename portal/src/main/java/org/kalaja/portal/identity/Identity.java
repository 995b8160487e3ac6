package org.kalaja.portal.identity;

import java.time.Clock;
import org.kalaja.portal.PortalConfig;
import org.kalaja.portal.store.PortalRecords;

/**
 * The identity area's services, opened once per portal: sessions (signed cookies), accounts and their
 * factors, sign-in with its rate limits, and the optional OpenID Connect provider.
 */
public final class Identity {
    private final Sessions sessions;

    private Identity(Sessions sessions) {
        this.sessions = sessions;
    }

    /** Opens the identity services; creates {@code <dataDir>/portal/session.key} on first start. */
    public static Identity open(PortalConfig config, PortalRecords records, Clock clock) {
        return new Identity(Sessions.open(config.dataDir(), clock));
    }

    public Sessions sessions() {
        return sessions;
    }
}
