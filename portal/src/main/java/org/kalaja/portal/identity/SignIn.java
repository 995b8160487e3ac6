package org.kalaja.portal.identity;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.Who;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.Outcome;

/**
 * Signing in: the password (or the provider), then the second factor where the role requires it.
 * Nothing here writes to the log, except enrolling a second factor, so people can sign in during safe
 * mode. Every success and failure is an audit event ({@link Action#AUTH_SIGNIN}, {@link Action#AUTH_FAILURE})
 * so the sentinel sees brute force.
 *
 * <p>Invariant: the outcome of a failed password never tells whether the email has an account: the same
 * {@link Result.Refused}, the same work (a dummy Argon2id verification), the same rate limit.
 */
public final class SignIn {
    private final Accounts accounts;
    private final Sessions sessions;
    private final Totp totp;
    private final SignInLimiter limiter;
    private final PortalRecords records;

    public SignIn(Accounts accounts, Sessions sessions, Totp totp, SignInLimiter limiter, PortalRecords records) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.totp = totp;
        this.limiter = limiter;
        this.records = records;
    }

    /** What became of an attempt. */
    public sealed interface Result {
        /** Signed in; the session is verified unless the account still needs its second factor. */
        record SignedIn(Account account, Session session) implements Result {}

        /** Wrong email, password or code: the page says so without saying which. */
        record Refused() implements Result {}

        /** Too many failures: try again in {@code minutes}. */
        record Limited(long minutes) implements Result {}
    }

    /** Checks {@code email} and {@code password}; {@code who} is the anonymous request. */
    public Result password(Who who, String email, String password) {
        String key = Accounts.normalEmail(email);
        OptionalLong blocked = limiter.blockedMinutes(key, who.address());
        if (blocked.isPresent()) {
            audit(who, Action.AUTH_FAILURE, Outcome.FAILURE, "rate_limited", accounts.emailKey(key), "");
            return new Result.Limited(blocked.getAsLong());
        }
        Optional<Account> account = accounts.byEmail(key);
        boolean ok = account.isPresent() && !account.get().passwordHash().isEmpty()
                ? Passwords.verify(password, account.get().passwordHash())
                : Passwords.verifyDummy(password);
        if (!ok) {
            limiter.failed(key, who.address());
            audit(who, Action.AUTH_FAILURE, Outcome.FAILURE, account.isPresent() ? "bad_password" : "unknown_account", accounts.emailKey(key),
                    account.map(Account::id).orElse(""));
            return new Result.Refused();
        }
        limiter.succeeded(key);
        return started(who, account.get(), "password");
    }

    /**
     * Signs in an account whose first factor was checked elsewhere: by a trusted provider ({@code method}
     * "oidc") or just now at registration ("registration"). Staff still need their second factor.
     */
    public Result.SignedIn trusted(Who who, Account account, String method) {
        return started(who, account, method);
    }

    /** Records a sign-in the identity provider's answer did not allow (bad state, signature, nonce, …). */
    public void providerRefused(Who who) {
        audit(who, Action.AUTH_FAILURE, Outcome.FAILURE, "oidc_refused", "", "", "oidc");
    }

    private Result.SignedIn started(Who who, Account a, String method) {
        Session s = sessions.start(a.id(), a.role(), a.institution(), a.name(), !a.needsSecondFactor());
        if (s.verified()) audit(a.acting(who), Action.AUTH_SIGNIN, Outcome.SUCCESS, "", login(a), a.id(), method);
        return new Result.SignedIn(a, s);
    }

    /** The second factor for a session that has the first one. */
    public Result code(Who who, Session half, String code) {
        Optional<Account> account = accounts.byId(half.accountId());
        String key = "totp:" + half.accountId();
        OptionalLong blocked = limiter.blockedMinutes(key, who.address());
        if (blocked.isPresent()) {
            audit(who, Action.AUTH_FAILURE, Outcome.FAILURE, "rate_limited", key, half.accountId());
            return new Result.Limited(blocked.getAsLong());
        }
        Optional<byte[]> secret = account.flatMap(Account::totp);
        if (secret.isEmpty() || !totp.accept(half.accountId(), secret.get(), code)) {
            limiter.failed(key, who.address());
            audit(who, Action.AUTH_FAILURE, Outcome.FAILURE, "bad_totp", key, half.accountId());
            return new Result.Refused();
        }
        limiter.succeeded(key);
        Session full = sessions.verify(half);
        audit(account.get().acting(who), Action.AUTH_SIGNIN, Outcome.SUCCESS, "", login(account.get()), half.accountId(), "password+totp");
        return new Result.SignedIn(account.get(), full);
    }

    /** The secret offered to {@code half} for enrolment: stable for the session, unknown to anyone else. */
    public byte[] enrolmentSecret(Session half) {
        return sessions.derive("totp-enrol:" + half.accountId() + ":" + half.id(), 20);
    }

    /**
     * Enrols the authenticator that produced {@code code} and verifies the session. A write: throws
     * PortalException SAFE_MODE in safe mode (staff then cannot enrol, but enrolled staff still sign in).
     */
    public Result enrol(Who who, Session half, String code) {
        Optional<Account> account = accounts.byId(half.accountId());
        if (account.isEmpty() || account.get().totpSecret() != null) return new Result.Refused();
        byte[] secret = enrolmentSecret(half);
        String key = "totp:" + half.accountId();
        OptionalLong blocked = limiter.blockedMinutes(key, who.address());
        if (blocked.isPresent()) return new Result.Limited(blocked.getAsLong());
        if (!totp.accept(half.accountId(), secret, code)) {
            limiter.failed(key, who.address());
            audit(who, Action.AUTH_FAILURE, Outcome.FAILURE, "bad_totp_enrolment", key, half.accountId());
            return new Result.Refused();
        }
        Account enrolled = accounts.enrolTotp(account.get().acting(who), account.get(), secret);
        Session full = sessions.verify(half);
        audit(enrolled.acting(who), Action.AUTH_SIGNIN, Outcome.SUCCESS, "", login(enrolled), enrolled.id(), "password+totp-enrolment");
        return new Result.SignedIn(enrolled, full);
    }

    public Accounts accounts() {
        return accounts;
    }

    /**
     * What audit events name a login by: the pseudonym its email has as an index key, never the email
     * (events leave the node), yet the same for every attempt on one email, so the sentinel's rules can
     * count failures per login.
     */
    private String login(Account a) {
        return a.email().isEmpty() ? "" : accounts.emailKey(a.email());
    }

    private void audit(Who who, Action action, Outcome outcome, String reason, String login, String account) {
        audit(who, action, outcome, reason, login, account, "");
    }

    private void audit(Who who, Action action, Outcome outcome, String reason, String login, String account, String method) {
        Map<String, Object> extra = new HashMap<>();
        extra.put("user.name", login);
        if (!account.isEmpty()) extra.put("user.id", account);
        if (!method.isEmpty()) extra.put("kalaja.auth.method", method);
        records.record(who, action, outcome, reason, extra);
    }
}
