package org.kalaja.portal.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.Stored;
import org.kalaja.portal.store.Who;

/**
 * Accounts in collection {@code accounts} (key: the account id), found by email through
 * {@code account-emails}, by personal number through {@code account-ids} and by identity provider subject
 * through {@code oidc-subjects}, staff listed through {@code account-staff}. Record keys are in clear in
 * every entry, so the three indexes are keyed by {@linkplain PortalRecords#pseudonym pseudonyms} of the
 * lower-case email, the personal number and the provider's subject, never by the values themselves.
 *
 * <p>The engine has no multi-record transaction, so creating an account first claims its index keys
 * (each a write that MUST NOT overwrite: version 0) and writes the account last. A claim left behind by a
 * creation that failed half-way points at an account that does not exist; the next creation may take it.
 * Every write throws {@link PortalException} (SAFE_MODE in safe mode) and then leaves no account.
 *
 * <p>An account erased on request (its keys destroyed) is no account to the lookups by email, number,
 * provider and the staff list: the person may register again. {@link #byId} says ERASED, so the pages of
 * a session that outlived the erasure say so.
 */
public final class Accounts {
    static final String ACCOUNTS = "accounts";
    static final String EMAILS = "account-emails";
    static final String IDS = "account-ids";
    static final String STAFF = "account-staff";
    static final String OIDC = "oidc-subjects";
    private static final Pattern EMAIL = Pattern.compile(
            "[a-z0-9][a-z0-9._%+-]{0,63}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+");
    private static final Pattern PERSONAL_NUMBER = Pattern.compile("[A-Z][0-9]{8}[A-Z]");
    private static final Pattern ACCOUNT_ID = Pattern.compile("a-[0-9a-f]{16}");

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final PortalRecords records;

    public Accounts(PortalRecords records) {
        this.records = records;
    }

    /** A problem with one field of a form, in words for the person. */
    public record Problem(String field, String message) {}

    /** A new staff account and the one-time password to hand over (shown once, never stored in clear). */
    public record NewStaff(Account account, String oneTimePassword) {}

    /** @throws PortalException ERASED when the account was erased on request */
    public Optional<Account> byId(String id) {
        if (!ACCOUNT_ID.matcher(id).matches()) return Optional.empty();
        return records.get(ACCOUNTS, id).map(Account::of);
    }

    public Optional<Account> byEmail(String email) {
        String e = normalEmail(email);
        if (!EMAIL.matcher(e).matches() || e.length() > 190) return Optional.empty();
        return indexed(EMAILS, emailKey(e));
    }

    public Optional<Account> byPersonalNumber(String number) {
        String n = normalNumber(number);
        if (!PERSONAL_NUMBER.matcher(n).matches()) return Optional.empty();
        return indexed(IDS, numberKey(n));
    }

    /** Clerks and admins, in account id order (accounts erased on request left out). */
    public List<Account> staff(int limit) {
        List<Account> out = new ArrayList<>();
        for (Stored s : records.listPrefix(STAFF, "a-", limit)) live(s.key()).ifPresent(out::add);
        return out;
    }

    /** {@link #byId}, with an account erased on request counted as none. */
    private Optional<Account> live(String id) {
        try {
            return byId(id);
        } catch (PortalException e) {
            if (e.kind() != PortalException.Kind.ERASED) throw e;
            return Optional.empty();
        }
    }

    /** The index record {@code key} of {@code collection}, none when it or its account was erased. */
    private Optional<Stored> index(String collection, String key) {
        try {
            return records.get(collection, key);
        } catch (PortalException e) {
            if (e.kind() != PortalException.Kind.ERASED) throw e;
            return Optional.empty();
        }
    }

    private Optional<Account> indexed(String collection, String key) {
        return index(collection, key).flatMap(s -> live(s.json().path("account").asText()));
    }

    /** What is wrong with a citizen's registration form, field by field (empty when it is acceptable). */
    public static List<Problem> checkCitizen(String name, String personalNumber, String email, String password, String confirm) {
        List<Problem> p = new ArrayList<>();
        if (name.isBlank()) p.add(new Problem("name", "Enter your full name"));
        else if (name.strip().length() > 100) p.add(new Problem("name", "Your name must be 100 characters or fewer"));
        if (personalNumber.isBlank()) p.add(new Problem("personal-number", "Enter your personal number"));
        else if (!PERSONAL_NUMBER.matcher(normalNumber(personalNumber)).matches()) {
            p.add(new Problem("personal-number", "Enter a personal number in the correct format, like J00101001A"));
        }
        checkEmail(email).ifPresent(p::add);
        if (password.isEmpty()) p.add(new Problem("password", "Enter a password"));
        else Passwords.weakness(password).ifPresent(w -> p.add(new Problem("password", w)));
        if (!password.isEmpty() && !password.equals(confirm)) p.add(new Problem("confirm", "The passwords do not match"));
        return p;
    }

    static Optional<Problem> checkEmail(String email) {
        String e = normalEmail(email);
        if (e.isEmpty()) return Optional.of(new Problem("email", "Enter your email address"));
        if (!EMAIL.matcher(e).matches() || e.length() > 190) {
            return Optional.of(new Problem("email", "Enter an email address in the correct format, like name@example.com"));
        }
        return Optional.empty();
    }

    /**
     * Registers a citizen. {@code who} is the request's (anonymous) person; the entries name the new account.
     *
     * @throws PortalException INVALID with a {@link Problem}-shaped message ({@code field: message}) when the
     *         form is not acceptable or the email or personal number already has an account; SAFE_MODE etc.
     */
    public Account registerCitizen(Who who, String name, String personalNumber, String email, String password) {
        List<Problem> problems = checkCitizen(name, personalNumber, email, password, password);
        if (!problems.isEmpty()) throw invalid(problems.get(0));
        String id = newId();
        Account a = new Account(id, Account.CITIZEN, null, name.strip(), normalEmail(email), normalNumber(personalNumber),
                Passwords.hash(password), null, false, 0);
        return create(a.acting(who), a);
    }

    /**
     * Creates a clerk of {@code institution} or an admin on behalf of an admin.
     *
     * @throws PortalException FORBIDDEN unless {@code admin} is an admin; INVALID for a bad field or a taken email
     */
    public NewStaff createStaff(Who admin, String role, @Nullable String institution, String name, String email) {
        if (!admin.role().equals(Account.ADMIN) && !admin.actor().equals(Who.SYSTEM.actor())) {
            throw new PortalException(PortalException.Kind.FORBIDDEN, "only an administrator creates staff accounts");
        }
        if (!role.equals(Account.CLERK) && !role.equals(Account.ADMIN)) throw invalid(new Problem("role", "Select a role"));
        if (role.equals(Account.CLERK) && (institution == null || institution.isBlank())) {
            throw invalid(new Problem("institution", "Select the clerk's institution"));
        }
        if (name.isBlank()) throw invalid(new Problem("name", "Enter the person's full name"));
        Optional<Problem> e = checkEmail(email);
        if (e.isPresent()) throw invalid(e.get());
        String oneTime = oneTimePassword();
        Account a = new Account(newId(), role, role.equals(Account.CLERK) ? institution : null, name.strip(), normalEmail(email),
                null, Passwords.hash(oneTime), null, true, 0);
        return new NewStaff(create(admin, a), oneTime);
    }

    /** Stores the TOTP secret a staff member proved they hold. */
    public Account enrolTotp(Who who, Account a, byte[] secret) {
        Account b = a.withTotp(Totp.base32(secret));
        Stored s = records.put(who, ACCOUNTS, a.id(), b.json(), a.version());
        return Account.of(s);
    }

    /** Replaces the password (the person chose it: it is no longer one-time). */
    public Account changePassword(Who who, Account a, String password) {
        Optional<String> weak = Passwords.weakness(password);
        if (weak.isPresent()) throw invalid(new Problem("password", weak.get()));
        Stored s = records.put(who, ACCOUNTS, a.id(), a.withPassword(Passwords.hash(password), false).json(), a.version());
        return Account.of(s);
    }

    /**
     * The account linked to an identity provider's subject, created on first sign-in. A {@code personalNumber}
     * the provider vouches for links only to an account whose number a provider vouched for before: a number
     * merely typed at /create-account proves nothing, and MUST NOT capture the real person's sign-in. When a
     * typed number stands in the way, the provider's word wins: the new account takes the number's index
     * (the typed account keeps its applications and can still sign in with its password).
     */
    public Account forSubject(Who who, String subjectKey, @Nullable String personalNumber, String name, @Nullable String email) {
        String link = records.pseudonym("oidc", subjectKey);
        Optional<Account> linked = indexed(OIDC, link);
        if (linked.isPresent()) return linked.get();
        String number = personalNumber == null || !PERSONAL_NUMBER.matcher(normalNumber(personalNumber)).matches()
                ? null : normalNumber(personalNumber);
        Optional<Stored> index = number == null ? Optional.empty() : index(IDS, numberKey(number));
        Optional<Account> vouched = index.filter(s -> s.json().path("vouched").asBoolean(false))
                .flatMap(s -> live(s.json().path("account").asText()));
        Account a;
        if (vouched.isPresent()) {
            a = vouched.get();
        } else {
            String mail = email == null || checkEmail(email).isPresent() || byEmail(email).isPresent() ? "" : normalEmail(email);
            a = new Account(newId(), Account.CITIZEN, null, name.isBlank() ? "Citizen" : name.strip(), mail, null, "", null, false, 0);
            a = create(a.acting(who), a);
            if (number != null) {
                records.put(a.acting(who), IDS, numberKey(number), PortalRecords.JSON.createObjectNode().put("account", a.id())
                        .put("vouched", true), records.version(IDS, numberKey(number)));
                a = Account.of(records.put(a.acting(who), ACCOUNTS, a.id(), a.withPersonalNumber(number).json(), a.version()));
            }
        }
        records.put(a.acting(who), OIDC, link, PortalRecords.JSON.createObjectNode().put("account", a.id()), records.version(OIDC, link));
        return a;
    }

    private Account create(Who who, Account a) {
        List<String[]> claimed = new ArrayList<>();
        try {
            if (!a.email().isEmpty()) {
                claim(who, EMAILS, emailKey(a.email()), a.id(), "email", "An account already uses this email address – sign in instead");
                claimed.add(new String[] {EMAILS, emailKey(a.email())});
            }
            if (a.personalNumber() != null) {
                claim(who, IDS, numberKey(a.personalNumber()), a.id(), "personal-number",
                        "This personal number already has an account – sign in, or visit a counter if it is not yours");
                claimed.add(new String[] {IDS, numberKey(a.personalNumber())});
            }
            Stored s = records.put(who, ACCOUNTS, a.id(), a.json(), 0);
            if (a.staff()) records.put(who, STAFF, a.id(), PortalRecords.JSON.createObjectNode().put("role", a.role()), 0);
            return Account.of(s);
        } catch (PortalException e) {
            for (String[] c : claimed) release(who, c[0], c[1], a.id());
            throw e;
        }
    }

    /** Takes index {@code key} for account {@code id}: free when absent, pointing at no account, or erased. */
    private void claim(Who who, String collection, String key, String id, String field, String taken) {
        ObjectNode body = PortalRecords.JSON.createObjectNode().put("account", id);
        long version = records.version(collection, key);
        if (version > 0 && indexed(collection, key).isPresent()) throw invalid(new Problem(field, taken));
        try {
            records.put(who, collection, key, body, version);
        } catch (PortalException e) {
            if (e.kind() == PortalException.Kind.CONFLICT) throw invalid(new Problem(field, taken));
            throw e;
        }
    }

    private void release(Who who, String collection, String key, String id) {
        try {
            index(collection, key).filter(s -> s.json().path("account").asText().equals(id))
                    .ifPresent(s -> records.delete(who, collection, key, s.version()));
        } catch (PortalException ignored) {
            // A claim left behind points at no account; the next registration takes it over.
        }
    }

    static PortalException invalid(Problem p) {
        return new PortalException(PortalException.Kind.INVALID, p.field() + ": " + p.message());
    }

    /** The {@link Problem} an INVALID exception from this class carries. */
    public static Problem problem(PortalException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        int colon = m.indexOf(": ");
        return colon < 0 ? new Problem("", m) : new Problem(m.substring(0, colon), m.substring(colon + 2));
    }

    static String normalEmail(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    static String normalNumber(String n) {
        return n.replace(" ", "").strip().toUpperCase(Locale.ROOT);
    }

    /** The index key of a lower-case email. */
    String emailKey(String email) {
        return records.pseudonym("email", email);
    }

    /** The index key of a normalized personal number. */
    String numberKey(String number) {
        return records.pseudonym("personal-number", number);
    }

    static String newId() {
        return "a-" + HexFormat.of().formatHex(Sessions.random(8));
    }

    /** 16 characters from an alphabet without look-alikes (no 0/O, 1/l/I): about 90 bits. */
    static String oneTimePassword() {
        String alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        return b.toString();
    }
}
