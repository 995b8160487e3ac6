package org.kalaja.portal.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.kalaja.portal.catalogue.Catalogue;
import org.kalaja.portal.catalogue.Institution;
import org.kalaja.portal.catalogue.Service;
import org.kalaja.portal.cases.Applicant;
import org.kalaja.portal.cases.Application;
import org.kalaja.portal.cases.Applications;
import org.kalaja.portal.cases.Decisions;
import org.kalaja.portal.cases.Draft;
import org.kalaja.portal.cases.Drafts;
import org.kalaja.portal.cases.Submission;
import org.kalaja.portal.identity.Account;
import org.kalaja.portal.identity.Accounts;
import org.kalaja.portal.identity.Totp;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.Who;

/**
 * Loads a realistic demo into an empty portal: an administrator, a clerk per institution, citizens with
 * synthetic names, and applications in every state (sent, in review, waiting for information, approved,
 * issued with a sealed document, rejected), each written through the same services a person uses, so
 * every one is an entry in the log.
 *
 * <p>The demo's passwords and TOTP secrets are published (printed at start and derived from the email),
 * so a demo node MUST NOT hold real data or face the internet.
 */
public final class DemoData {
    public static final String DOMAIN = "demo.kalaja.al";
    public static final String CITIZEN_PASSWORD = "demo-citizen-2026";
    public static final String STAFF_PASSWORD = "demo-staff-2026";
    public static final String ADMIN_EMAIL = "admin@" + DOMAIN;
    static final ZoneId ZONE = ZoneId.of("Europe/Tirane");

    /** What was loaded, and how to sign in to it. */
    public record Summary(int citizens, int applications, int documents, List<Staff> staff, List<String> citizenEmails,
            @org.jspecify.annotations.Nullable String sampleDocument) {
        public String sampleCitizen() {
            return citizenEmails.isEmpty() ? "" : citizenEmails.get(0);
        }
    }

    /** A staff account of the demo: its TOTP secret in base32, for an authenticator app. */
    public record Staff(String email, String role, String institution, String totpSecret) {}

    private final Catalogue catalogue;
    private final Accounts accounts;
    private final Drafts drafts;
    private final Applications applications;
    private final Decisions decisions;
    private final Map<String, Who> clerks = new java.util.concurrent.ConcurrentHashMap<>();

    public DemoData(Catalogue catalogue, Accounts accounts, Drafts drafts, Applications applications, Decisions decisions) {
        this.catalogue = catalogue;
        this.accounts = accounts;
        this.drafts = drafts;
        this.applications = applications;
        this.decisions = decisions;
    }

    /** The demo TOTP secret of {@code email}: derived, so tools (the portal bench) can sign in as staff. */
    public static byte[] totpSecret(String email) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("kalaja-demo-totp:" + email).getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(h, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /** The demo clerk of {@code institution}. */
    public static String clerkEmail(String institution) {
        return "clerk." + institution + "@" + DOMAIN;
    }

    /** The {@code n}th demo citizen's email is only known after loading; this is the first's. */
    public static String citizenEmailPrefix() {
        return "@" + DOMAIN;
    }

    /**
     * Loads {@code citizens} citizens with one to three applications each.
     *
     * @param progress told a line now and then ("120 of 200 citizens")
     * @throws PortalException INVALID when the portal already has accounts: the demo goes into an empty one only
     */
    public Summary load(int citizens, long seed, Consumer<String> progress) throws InterruptedException {
        if (accounts.byEmail(ADMIN_EMAIL).isPresent() || !accounts.staff(1).isEmpty()) {
            throw new PortalException(PortalException.Kind.INVALID, "this portal already has accounts; demo data loads only into an empty one");
        }
        List<Staff> staff = new ArrayList<>();
        staff.add(staff(Account.ADMIN, null, ADMIN_EMAIL, "Demo Administrator"));
        for (Institution i : catalogue.institutions()) {
            staff.add(staff(Account.CLERK, i.id(), clerkEmail(i.id()), "Demo clerk, " + i.name()));
        }
        progress.accept("demo: " + staff.size() + " staff accounts");

        AtomicInteger done = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger issued = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> firstDocument = new java.util.concurrent.atomic.AtomicReference<>();
        List<String> emails = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int n = 1; n <= citizens; n++) {
                int k = n;
                futures.add(pool.submit(() -> {
                    Random random = new Random(seed * 1_000_003L + k);
                    String email = citizen(random, k, sent, issued, firstDocument);
                    int d = done.incrementAndGet();
                    if (d % 50 == 0 || d == citizens) progress.accept("demo: " + d + " of " + citizens + " citizens, " + sent.get() + " applications");
                    return email;
                }));
            }
            for (Future<String> f : futures) emails.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdown();
        }
        return new Summary(citizens, sent.get(), issued.get(), staff, List.copyOf(emails), firstDocument.get());
    }

    private Staff staff(String role, String institution, String email, String name) {
        Accounts.NewStaff s = accounts.createStaff(Who.SYSTEM, role, institution, name, email);
        Account a = accounts.changePassword(Who.SYSTEM, s.account(), STAFF_PASSWORD);
        byte[] secret = totpSecret(email);
        a = accounts.enrolTotp(Who.SYSTEM, a, secret);
        if (institution != null) clerks.put(institution, a.acting(new Who(Who.SYSTEM.actor(), "", "", "", "kalaja demo")));
        return new Staff(email, role, institution == null ? "" : institution, Totp.base32(secret));
    }

    /** One citizen and their applications; returns the citizen's email. */
    private String citizen(Random random, int n, AtomicInteger sent, AtomicInteger issued,
            java.util.concurrent.atomic.AtomicReference<String> firstDocument) {
        DemoPeople.Person p = DemoPeople.person(random, n);
        Account a = accounts.registerCitizen(Who.SYSTEM, p.name(), p.personalNumber(), p.email(), CITIZEN_PASSWORD);
        Who citizen = a.acting(Who.SYSTEM);
        List<Service> services = catalogue.services();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            Service s = services.get(random.nextInt(services.size()));
            Optional<Map<String, List<String>>> answers = new DemoAnswers(random).answer(s, p, LocalDate.now(ZONE));
            if (answers.isEmpty()) continue;
            Draft d = drafts.start(citizen, a.id(), s.id());
            drafts.save(citizen, a.id(), d.id(), answers.get());
            if (i == count - 1 && random.nextInt(4) == 0) continue; // an application the citizen has not finished
            Submission r = applications.submit(citizen, new Applicant(a.id(), a.name(), p.personalNumber()), d.id());
            if (r instanceof Submission.Sent ok) {
                sent.incrementAndGet();
                String document = decide(ok.application(), s, random);
                if (document != null) {
                    issued.incrementAndGet();
                    firstDocument.compareAndSet(null, document);
                }
            }
        }
        return p.email();
    }

    /** Moves the application on to a state chosen at random; the document's id when one was issued. */
    private @org.jspecify.annotations.Nullable String decide(Application a, Service s, Random random) {
        Who clerk = clerks.get(a.institution());
        if (clerk == null) return null;
        int roll = random.nextInt(100);
        if (roll < 30) return null; // sent, waiting for a clerk
        if (roll < 40) {
            decisions.requestInformation(clerk, a.institution(), a.ref(), a.version(),
                    "Please tell us the municipality where the birth was registered.");
            return null;
        }
        if (roll < 50) {
            decisions.reject(clerk, a.institution(), a.ref(), a.version(), "The person named is not in the register of this office.");
            return null;
        }
        Application next = decisions.approve(clerk, a.institution(), a.ref(), a.version(), "");
        int steps = Math.max(1, s.approvals().size());
        for (int step = 1; step < steps && roll >= 60; step++) {
            next = decisions.approve(clerk, a.institution(), a.ref(), next.version(), "");
        }
        if (roll < 70 || next.status() != org.kalaja.portal.cases.Status.APPROVED) return null;
        return decisions.issue(clerk, a.institution(), a.ref(), next.version()).documentId();
    }
}
