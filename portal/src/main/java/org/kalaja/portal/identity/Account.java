package org.kalaja.portal.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.Stored;
import org.kalaja.portal.store.Who;

/**
 * A person who can sign in: a citizen, a clerk of one institution, or an administrator.
 *
 * <p>Invariants: {@code id} matches {@code a-<16 hex>}; {@code institution} is set exactly for clerks;
 * {@code email} is lower-case; {@code passwordHash} is an Argon2id PHC string or "" for an account that
 * only signs in through OpenID Connect; a clerk or admin without {@code totpSecret} MUST enrol before any
 * page but enrolment is served.
 *
 * @param personalNumber the citizen's personal number (NID, e.g. {@code J00101001A}); null for staff
 * @param totpSecret     the TOTP secret in base32, or null before enrolment
 * @param mustChangePassword whether the password is a one-time password an admin handed out
 * @param version        the record's version, for writes with a precondition
 */
public record Account(String id, String role, @Nullable String institution, String name, String email,
        @Nullable String personalNumber, String passwordHash, @Nullable String totpSecret, boolean mustChangePassword,
        long version) {

    public static final String CITIZEN = "citizen";
    public static final String CLERK = "clerk";
    public static final String ADMIN = "admin";

    public boolean staff() {
        return role.equals(CLERK) || role.equals(ADMIN);
    }

    /** Whether a session is verified by the password (or provider) alone: citizens only. */
    public boolean needsSecondFactor() {
        return staff();
    }

    /** {@code request}'s address and agent, acting as this account (entries and audit events name it). */
    public Who acting(Who request) {
        return new Who(role + ":" + id, name, role, request.address(), request.userAgent());
    }

    public Optional<byte[]> totp() {
        return totpSecret == null ? Optional.empty() : Totp.fromBase32(totpSecret);
    }

    ObjectNode json() {
        ObjectNode o = PortalRecords.JSON.createObjectNode();
        o.put("id", id).put("role", role);
        if (institution != null) o.put("institution", institution);
        o.put("name", name).put("email", email);
        if (personalNumber != null) o.put("personalNumber", personalNumber);
        o.put("password", passwordHash);
        if (totpSecret != null) o.put("totp", totpSecret);
        if (mustChangePassword) o.put("mustChangePassword", true);
        return o;
    }

    static Account of(Stored s) {
        ObjectNode o = s.json();
        return new Account(o.path("id").asText(), o.path("role").asText(), text(o, "institution"), o.path("name").asText(),
                o.path("email").asText(), text(o, "personalNumber"), o.path("password").asText(), text(o, "totp"),
                o.path("mustChangePassword").asBoolean(false), s.version());
    }

    private static @Nullable String text(ObjectNode o, String field) {
        return o.hasNonNull(field) ? o.get(field).asText() : null;
    }

    Account withTotp(String base32) {
        return new Account(id, role, institution, name, email, personalNumber, passwordHash, base32, mustChangePassword, version);
    }

    Account withPersonalNumber(String number) {
        return new Account(id, role, institution, name, email, number, passwordHash, totpSecret, mustChangePassword, version);
    }

    Account withPassword(String phc, boolean oneTime) {
        return new Account(id, role, institution, name, email, personalNumber, phc, totpSecret, oneTime, version);
    }
}
