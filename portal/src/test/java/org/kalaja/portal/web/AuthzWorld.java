package org.kalaja.portal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.cases.Application;
import org.kalaja.portal.cases.Message;
import org.kalaja.portal.identity.Account;
import org.kalaja.portal.identity.Accounts;
import org.kalaja.portal.identity.Totp;
import org.kalaja.portal.store.PortalWatch;
import org.kalaja.portal.store.Stored;
import org.kalaja.portal.store.Who;
import org.kalaja.sentinel.AuditEvent;

/**
 * The people and things of the authorization tests, made the way people make them: citizens register
 * and sign in with their password over HTTP, apply through the real journey; staff are created by the
 * accounts service, choose a password and enrol an authenticator over HTTP; clerks decide through the
 * back office's service. Every write the portal attempts passes {@link PortalFixture.Recording#admit}, so a test can
 * tell "nothing was written" from "nothing changed".
 */
final class AuthzWorld implements AutoCloseable {
    static final String X = "civil-registry";
    static final String Y = "ministry-of-justice";
    private static final String PASSWORD = "kalaja e rozafes 1477";
    private static final Pattern REF = Pattern.compile("KAL-[0-9A-Z]{4}-[0-9A-Z]{4}");
    private static final Pattern TOTP_SECRET = Pattern.compile("kalaja-totp-secret\">([A-Z2-7 ]+)<");

    /** Kinds of person the matrix asks for. */
    enum Kind { ANONYMOUS, CITIZEN, CLERK, ADMIN, HALF_SIGNED_IN }

    /** A person and their browser; {@code citizen} for citizens, {@code institution} for clerks. */
    record Persona(String label, Kind kind, AuthzBrowser browser, @Nullable Citizen citizen, @Nullable String institution) {
        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * A citizen and what they own: an unfinished draft, the draft an application was sent from, and
     * applications SUBMITTED, INFORMATION_REQUESTED, APPROVED and ISSUED (its document and letter).
     */
    static final class Citizen {
        final String label;
        final Account account;
        final String service;
        final String institution;
        final String firstPage;
        final List<Map.Entry<String, String>> answers;
        final String answerMarker;
        String draft = "";
        String sentDraft = "";
        String pending = "";
        String asked = "";
        String approved = "";
        String issued = "";
        String document = "";
        String letter = "";

        Citizen(String label, Account account, String service, String institution, String firstPage,
                List<Map.Entry<String, String>> answers, String answerMarker) {
            this.label = label;
            this.account = account;
            this.service = service;
            this.institution = institution;
            this.firstPage = firstPage;
            this.answers = answers;
            this.answerMarker = answerMarker;
        }

        Who who() {
            return new Who("citizen:" + account.id(), account.name(), "citizen", "127.0.0.1", "authz");
        }

        /** Everything that would betray this citizen's data on someone else's page. */
        List<String> markers() {
            return List.of(account.name(), account.personalNumber(), account.email(), answerMarker, draft, sentDraft, pending, asked,
                    approved, issued, document, letter);
        }
    }

    /** Counts every write the portal attempts and keeps the audit events of reads and sign-ins. */
    final PortalFixture.Recording watch = new PortalFixture.Recording();
    final PortalFixture fx;
    final String base;
    final Citizen a;
    final Citizen b;
    final Persona anonymous;
    final Persona citizenA;
    final Persona citizenB;
    final Persona clerkX;
    final Persona clerkY;
    final Persona admin;
    final Persona halfSignedIn;
    final Who clerkXWho;
    final Who clerkYWho;
    /** The half-signed-in clerk's authenticator secret, to finish signing in when a test wants to. */
    final byte[] halfSecret;

    AuthzWorld(Path dir) throws Exception {
        fx = PortalFixture.open(dir, watch, null);
        base = fx.serve();
        a = new Citizen("A", register("Arta Zenelaj", "J90412033K", "arta.zenelaj@example.al"), "birth-certificate", X, "for-whom",
                List.of(Map.entry("for-whom", "child"), Map.entry("child-name", "Driteroi Zenelaj"), Map.entry("child-birth-date-day", "3"),
                        Map.entry("child-birth-date-month", "3"), Map.entry("child-birth-date-year", "2019"),
                        Map.entry("child-personal-number", ""), Map.entry("reason", "school"), Map.entry("language", "sq")),
                "Driteroi Zenelaj");
        b = new Citizen("B", register("Besnik Qorraj", "I81203457M", "besnik.qorraj@example.al"), "criminal-record-certificate", Y,
                "father-name", List.of(Map.entry("father-name", "Gjergjmir"), Map.entry("other-names", "no"), Map.entry("purpose", "employment"),
                        Map.entry("language", "sq")), "Gjergjmir");
        anonymous = new Persona("anonymous", Kind.ANONYMOUS, browser("anonymous"), null, null);
        citizenA = new Persona("citizen A", Kind.CITIZEN, signIn("citizen A", a.account.email(), PASSWORD), a, null);
        citizenB = new Persona("citizen B", Kind.CITIZEN, signIn("citizen B", b.account.email(), PASSWORD), b, null);
        Accounts.NewStaff x = staff(Account.CLERK, X, "Elira Hasani", "elira.hasani@gjendjecivile.gov.al");
        Accounts.NewStaff y = staff(Account.CLERK, Y, "Teuta Marku", "teuta.marku@drejtesia.gov.al");
        Accounts.NewStaff root = staff(Account.ADMIN, null, "Ledion Kola", "ledion.kola@akshi.gov.al");
        Accounts.NewStaff half = staff(Account.CLERK, X, "Mira Gjoka", "mira.gjoka@gjendjecivile.gov.al");
        clerkX = new Persona("clerk of X", Kind.CLERK, enrolStaff("clerk of X", x).browser(), null, X);
        clerkY = new Persona("clerk of Y", Kind.CLERK, enrolStaff("clerk of Y", y).browser(), null, Y);
        admin = new Persona("admin", Kind.ADMIN, enrolStaff("admin", root).browser(), null, null);
        halfSecret = enrolStaff("half", half).secret();
        AuthzBrowser h = signIn("half-signed-in staff", half.account().email(), PASSWORD);
        assertThat(h.session()).hasValueSatisfying(s -> assertThat(s.verified()).isFalse());
        halfSignedIn = new Persona("half-signed-in staff", Kind.HALF_SIGNED_IN, h, null, X);
        clerkXWho = new Who("clerk:" + x.account().id(), x.account().name(), "clerk", "127.0.0.1", "authz");
        clerkYWho = new Who("clerk:" + y.account().id(), y.account().name(), "clerk", "127.0.0.1", "authz");
        for (Persona p : List.of(citizenA, citizenB)) furnish(p);
    }

    List<Persona> personas() {
        return List.of(anonymous, citizenA, citizenB, clerkX, clerkY, admin, halfSignedIn);
    }

    Persona owner(Citizen c) {
        return c == a ? citizenA : citizenB;
    }

    Who clerkOf(Citizen c) {
        return c.institution.equals(X) ? clerkXWho : clerkYWho;
    }

    private void furnish(Persona p) {
        Citizen c = p.citizen();
        c.draft = startDraft(p);
        c.sentDraft = completeDraft(p);
        c.pending = send(p, c.sentDraft);
        c.asked = askedApplication(p);
        c.approved = approvedApplication(p);
        String toIssue = approvedApplication(p);
        Application issued = fx.portal.decisions().issue(clerkOf(c), c.institution, toIssue, version(c, toIssue));
        c.issued = issued.ref();
        c.document = issued.documentId();
        List<Message> letters = fx.portal.inbox().list(c.who(), c.account.id());
        c.letter = letters.stream().filter(m -> c.issued.equals(m.ref())).findFirst().orElseThrow().id();
    }

    /** Starts the citizen's service over HTTP; returns the draft's id. */
    String startDraft(Persona p) {
        HttpResponse<String> r = p.browser().post("/services/" + p.citizen().service + "/start");
        assertThat(r.statusCode()).as("start: %s", r.body()).isEqualTo(303);
        Matcher m = Pattern.compile("/apply/([0-9a-z]{12})/").matcher(AuthzBrowser.location(r));
        assertThat(m.find()).as("start lands on a question: %s", AuthzBrowser.location(r)).isTrue();
        return m.group(1);
    }

    /** A draft with every question answered, waiting on "Check your answers". */
    String completeDraft(Persona p) {
        String draft = startDraft(p);
        String at = "/apply/" + draft + "/" + p.citizen().firstPage;
        for (int pages = 0; !at.endsWith("/check"); pages++) {
            assertThat(pages).as("the journey ends").isLessThan(12);
            HttpResponse<String> r = p.browser().post(at, p.citizen().answers);
            assertThat(r.statusCode()).as("%s: %s", at, r.body()).isEqualTo(303);
            at = AuthzBrowser.location(r);
        }
        return draft;
    }

    /** Sends {@code draft} from "Check your answers"; returns the application's reference. */
    String send(Persona p, String draft) {
        HttpResponse<String> sent = p.browser().post("/apply/" + draft + "/check");
        assertThat(AuthzBrowser.location(sent)).isEqualTo("/apply/" + draft + "/done");
        Matcher m = REF.matcher(p.browser().get("/apply/" + draft + "/done").body());
        assertThat(m.find()).as("the confirmation shows the reference").isTrue();
        return m.group();
    }

    String submittedApplication(Persona p) {
        return send(p, completeDraft(p));
    }

    String askedApplication(Persona p) {
        Citizen c = p.citizen();
        String ref = submittedApplication(p);
        fx.portal.decisions().requestInformation(clerkOf(c), c.institution, ref, version(c, ref), "Which hospital was the birth registered in?");
        return ref;
    }

    String approvedApplication(Persona p) {
        Citizen c = p.citizen();
        String ref = submittedApplication(p);
        fx.portal.decisions().approve(clerkOf(c), c.institution, ref, version(c, ref), "");
        return ref;
    }

    /** The stored version of {@code c}'s application {@code ref}. */
    long version(Citizen c, String ref) {
        return fx.records().get("applications", c.institution + ":" + ref).map(Stored::version).orElseThrow();
    }

    /** The stored version of any record, or -1 when it does not exist. */
    long version(String collection, String key) {
        return fx.records().get(collection, key).map(Stored::version).orElse(-1L);
    }

    private Account register(String name, String personalNumber, String email) {
        return fx.portal.identity().accounts().registerCitizen(CitizenBrowser.REQUEST, name, personalNumber, email, PASSWORD);
    }

    private Accounts.NewStaff staff(String role, @Nullable String institution, String name, String email) {
        return fx.portal.identity().accounts().createStaff(Who.SYSTEM, role, institution, name, email);
    }

    AuthzBrowser browser(String label) {
        return new AuthzBrowser(label, base, fx.portal.sessions());
    }

    /** Signs in through the sign-in page with email and password. */
    AuthzBrowser signIn(String label, String email, String password) {
        AuthzBrowser br = browser(label);
        HttpResponse<String> r = br.post("/sign-in", "email", email, "password", password);
        assertThat(r.statusCode()).as("sign-in of %s: %s", label, r.body()).isEqualTo(302);
        return br;
    }

    record Enrolled(AuthzBrowser browser, byte[] secret) {}

    /** A new staff member's first sign-in: one-time password, a password of their own, an authenticator. */
    Enrolled enrolStaff(String label, Accounts.NewStaff made) {
        AuthzBrowser br = signIn(label, made.account().email(), made.oneTimePassword());
        assertThat(AuthzBrowser.location(br.post("/sign-in/new-password", "password", PASSWORD, "confirm", PASSWORD)))
                .isEqualTo("/sign-in/two-factor/set-up");
        Matcher m = TOTP_SECRET.matcher(br.get("/sign-in/two-factor/set-up").body());
        assertThat(m.find()).as("the set-up page shows the key").isTrue();
        byte[] secret = Totp.fromBase32(m.group(1)).orElseThrow();
        HttpResponse<String> r = br.post("/sign-in/two-factor/set-up", "code", Totp.code(secret, Instant.now().getEpochSecond() / Totp.STEP_SECONDS));
        assertThat(r.statusCode()).as("enrolment of %s: %s", label, r.body()).isEqualTo(302);
        assertThat(br.session()).hasValueSatisfying(s -> assertThat(s.verified()).isTrue());
        return new Enrolled(br, secret);
    }

    static String password() {
        return PASSWORD;
    }

    /** Markers of every citizen but those in {@code allowed}. */
    List<String> markersExcept(List<Citizen> allowed) {
        List<String> out = new ArrayList<>();
        for (Citizen c : List.of(a, b)) if (!allowed.contains(c)) out.addAll(c.markers());
        return out;
    }

    @Override
    public void close() {
        fx.close();
    }
}
