package org.kalaja.portal.identity;

import java.time.Clock;
import java.util.Optional;
import org.kalaja.portal.PortalConfig;
import org.kalaja.portal.store.PortalRecords;

/**
 * The identity area's services, opened once per portal: sessions (signed cookies), accounts and their
 * factors, sign-in with its rate limits, and the optional OpenID Connect provider.
 */
public final class Identity {
    private final Sessions sessions;
    private final Accounts accounts;
    private final SignIn signIn;
    private final Optional<Oidc> oidc;

    private Identity(Sessions sessions, Accounts accounts, SignIn signIn, Optional<Oidc> oidc) {
        this.sessions = sessions;
        this.accounts = accounts;
        this.signIn = signIn;
        this.oidc = oidc;
    }

    /** Opens the identity services; creates {@code <dataDir>/portal/session.key} on first start. */
    public static Identity open(PortalConfig config, PortalRecords records, Clock clock) {
        Sessions sessions = Sessions.open(config.dataDir(), clock);
        Accounts accounts = new Accounts(records);
        SignIn signIn = new SignIn(accounts, sessions, new Totp(clock), new SignInLimiter(clock), records);
        Optional<Oidc> oidc = config.oidcProvider().map(o -> new Oidc(o, config.publicUrl(), sessions, clock));
        return new Identity(sessions, accounts, signIn, oidc);
    }

    public Sessions sessions() {
        return sessions;
    }

    public Accounts accounts() {
        return accounts;
    }

    public SignIn signIn() {
        return signIn;
    }

    /** The "Sign in with …" provider, when {@link PortalConfig#oidc} is set. */
    public Optional<Oidc> oidc() {
        return oidc;
    }
}
