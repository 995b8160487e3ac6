package org.kalaja.portal.cases;

import java.time.Instant;
import java.time.LocalDate;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.catalogue.Answers;
import org.kalaja.portal.catalogue.ApprovalStep;
import org.kalaja.portal.catalogue.Catalogue;
import org.kalaja.portal.catalogue.Field;
import org.kalaja.portal.catalogue.Institution;
import org.kalaja.portal.catalogue.Service;
import org.kalaja.portal.seal.DocumentRequest;
import org.kalaja.portal.seal.Documents;
import org.kalaja.portal.seal.SealedDocument;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.PortalException.Kind;
import org.kalaja.portal.store.Memo;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.Stored;
import org.kalaja.portal.store.Who;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The back office: an institution's queue and its clerks' decisions on applications.
 *
 * <p>Authorization: every method takes the institution the clerk acts for and MUST only be given the one
 * of the clerk's verified session (an admin may act for any). The application is read under key
 * {@code <institution>:<ref>} and its stored institution compared again, so another institution's
 * application is {@link Kind#NOT_FOUND}, exactly like one that does not exist; a citizen is refused the
 * same way. Nothing is written then.
 *
 * <p>Concurrency: every decision names the version of the application the clerk saw and writes with it
 * as precondition, so of two clerks deciding at once exactly one succeeds and the other gets
 * {@link Kind#CONFLICT} ({@link #CONFLICT_MESSAGE}). Issuing seals the document before it records the
 * decision; if the record then conflicts the new document is revoked, so one application never leaves
 * two valid documents.
 *
 * <p>Every decision appends to the application's history, then writes the applicant a letter. The
 * decision is the record of truth: a letter that cannot be sent (the node went into safe mode between
 * the two writes) is logged and does not undo the decision.
 */
public final class Decisions {
    public static final String CONFLICT_MESSAGE = "Another clerk changed this application. Review it again.";
    /** The most applications one queue read covers; beyond it counts and order cover the first ones. */
    public static final int SCAN_LIMIT = 20_000;
    /** The longest note, reason or question a clerk may write. */
    public static final int MAX_NOTE = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(Decisions.class);

    /** What a bulk action does to each application. */
    public enum Action {
        APPROVE("approved"), REJECT("rejected"), ISSUE("issued");

        private final String past;

        Action(String past) {
            this.past = past;
        }

        /** "approved", "rejected", "issued". */
        public String past() {
            return past;
        }
    }

    private final PortalRecords records;
    private final Catalogue catalogue;
    private final Inbox inbox;
    private final Documents documents;
    /** Applications decoded from the entry at each log index (an entry never changes): queues re-read fast. */
    private final Memo<Long, Application> decoded = new Memo<>(50_000);

    public Decisions(PortalRecords records, Catalogue catalogue, Inbox inbox, Documents documents) {
        this.records = records;
        this.catalogue = catalogue;
        this.inbox = inbox;
        this.documents = documents;
    }

    /**
     * One page of {@code institution}'s applications, oldest decide-by date first.
     *
     * <p>Cost: one read of the institution's key range ({@code applications/<institution>:}), never another
     * institution's, up to {@link #SCAN_LIMIT} records; filtering, counting and ordering happen on that read.
     *
     * @param filter    the statuses to show; empty shows all
     * @param serviceId only this service's applications, or null for all
     * @param after     {@link DecisionQueue#next()} of the previous page, or "" for the first
     * @param limit     1 to 500
     */
    public DecisionQueue queue(Who who, String institution, Set<Status> filter, @Nullable String serviceId, String after, int limit) {
        requireStaff(who, institution);
        if (limit < 1 || limit > 500) throw new PortalException(Kind.INVALID, "a queue page holds 1 to 500 applications");
        List<Application> range = records.listPrefix(ApplicationCodec.COLLECTION, institution + ":", SCAN_LIMIT + 1, decoded,
                ApplicationCodec::fromJson);
        boolean scanned = range.size() <= SCAN_LIMIT;
        Map<Status, Integer> counts = new EnumMap<>(Status.class);
        List<Application> matching = new ArrayList<>();
        for (Application a : scanned ? range : range.subList(0, SCAN_LIMIT)) {
            if (!a.institution().equals(institution) || (serviceId != null && !a.service().equals(serviceId))) continue;
            counts.merge(a.status(), 1, Integer::sum);
            if (filter.isEmpty() || filter.contains(a.status())) matching.add(a);
        }
        matching.sort(DecisionQueue.ORDER);
        List<Application> page = matching.stream().filter(a -> DecisionQueue.after(a, after)).limit(limit + 1L).toList();
        String next = page.size() > limit ? DecisionQueue.cursor(page.get(limit - 1)) : null;
        page = page.subList(0, Math.min(limit, page.size()));
        records.readBy(who, ApplicationCodec.COLLECTION, "", page.size());
        return new DecisionQueue(page, counts, matching.size(), next, LocalDate.now(records.clock()), scanned);
    }

    /**
     * Application {@code ref} of {@code institution}; the read is audited.
     *
     * @throws PortalException NOT_FOUND when there is none, it is another institution's or {@code who} is not staff
     */
    public Application get(Who who, String institution, String ref) {
        Application a = load(who, institution, ref);
        records.readBy(who, ApplicationCodec.COLLECTION, a.key(), 1);
        return a;
    }

    /**
     * Takes the application's next approval step; after the service's last step (or its only approval when
     * it declares none) the application is APPROVED, before that IN_REVIEW.
     *
     * @param version the version the clerk saw
     * @param note    optional; kept in the history
     * @throws PortalException CONFLICT when it changed since {@code version}; INVALID when its status does not
     *                         allow approval; NOT_FOUND; SAFE_MODE and the other write failures
     */
    public Application approve(Who who, String institution, String ref, long version, String note) {
        String n = text(note, "note", false);
        Application a = current(who, institution, ref, version);
        allow(a, "approved", Status.SUBMITTED, Status.IN_REVIEW);
        Optional<Service> service = catalogue.service(a.service());
        List<ApprovalStep> steps = service.map(Service::approvals).orElse(List.of());
        int done = a.stepsDone() + 1;
        boolean last = done >= Math.max(1, steps.size());
        Application decided = record(who, a, last ? Status.APPROVED : Status.IN_REVIEW, done, a.documentId(), "approved", n);
        String serviceName = serviceName(a, service);
        send(who, decided, last ? DecisionLetters.approved(decided, serviceName)
                : DecisionLetters.stepDone(decided, serviceName, steps.get(done - 1).name(), steps.get(done).name()));
        return decided;
    }

    /**
     * Rejects the application; the applicant reads {@code reason}.
     *
     * @throws PortalException INVALID when {@code reason} is blank or the status does not allow it; as {@link #approve}
     */
    public Application reject(Who who, String institution, String ref, long version, String reason) {
        String r = text(reason, "reason", true);
        Application a = current(who, institution, ref, version);
        allow(a, "rejected", Status.SUBMITTED, Status.IN_REVIEW, Status.INFORMATION_REQUESTED);
        Application decided = record(who, a, Status.REJECTED, a.stepsDone(), a.documentId(), "rejected", r);
        send(who, decided, DecisionLetters.rejected(decided, serviceName(a, catalogue.service(a.service())), r));
        return decided;
    }

    /**
     * Asks the applicant {@code question}; the application waits (INFORMATION_REQUESTED) until they answer.
     *
     * @throws PortalException INVALID when {@code question} is blank or the status does not allow it; as {@link #approve}
     */
    public Application requestInformation(Who who, String institution, String ref, long version, String question) {
        String q = text(question, "question", true);
        Application a = current(who, institution, ref, version);
        allow(a, "sent a question", Status.SUBMITTED, Status.IN_REVIEW);
        Application decided = record(who, a, Status.INFORMATION_REQUESTED, a.stepsDone(), a.documentId(), "information_requested", q);
        send(who, decided, DecisionLetters.informationRequested(decided, serviceName(a, catalogue.service(a.service())), q));
        return decided;
    }

    /**
     * Seals the document of an APPROVED application ({@link Documents#issue}) and records it: ISSUED with the
     * document's id. The document holds the service's title and every answered field as the applicant reads it.
     *
     * @throws PortalException INVALID unless APPROVED or when its service left the catalogue; as {@link #approve}
     */
    public Application issue(Who who, String institution, String ref, long version) {
        Application a = current(who, institution, ref, version);
        allow(a, "issued", Status.APPROVED);
        Service service = catalogue.service(a.service()).orElseThrow(() -> new PortalException(Kind.INVALID,
                "The service " + a.service() + " is no longer offered, so its document cannot be issued."));
        SealedDocument d = documents.issue(who, request(a, service));
        Application decided;
        try {
            decided = record(who, a, Status.ISSUED, a.stepsDone(), d.id(), "issued", d.id());
        } catch (PortalException e) {
            withdraw(who, a, d, e);
            throw e;
        }
        send(who, decided, DecisionLetters.issued(decided, service.documentTitle(), d.id()));
        return decided;
    }

    /**
     * Takes {@code action} on each application, independently: one that changed, is in the wrong status or
     * is not the institution's does not stop the others. After a refusal that would refuse every other
     * write too (safe mode, the clerk contained) the rest are reported as not tried.
     *
     * @param seen the references, in the order to report them, each with the version the clerk saw (-1: the current one)
     * @param note the reason for REJECT (required), the note for APPROVE (optional); ignored for ISSUE
     * @return one result per reference, in order
     * @throws PortalException INVALID when REJECT has no reason (nothing is tried); NOT_FOUND when {@code who} is not staff
     */
    public List<DecisionResult> bulk(Who who, String institution, Map<String, Long> seen, Action action, String note) {
        requireStaff(who, institution);
        String n = text(note, "reason", action == Action.REJECT);
        List<DecisionResult> out = new ArrayList<>(seen.size());
        String stopped = null;
        for (Map.Entry<String, Long> e : seen.entrySet()) {
            String ref = e.getKey();
            if (stopped != null) {
                out.add(new DecisionResult(ref, DecisionResult.Outcome.NOT_DONE, "Not tried: " + stopped));
                continue;
            }
            try {
                long version = e.getValue() == -1 ? load(who, institution, ref).version() : e.getValue();
                Application a = switch (action) {
                    case APPROVE -> approve(who, institution, ref, version, n);
                    case REJECT -> reject(who, institution, ref, version, n);
                    case ISSUE -> issue(who, institution, ref, version);
                };
                out.add(new DecisionResult(ref, DecisionResult.Outcome.DONE, "Now “" + a.status().label() + "”"));
            } catch (PortalException x) {
                DecisionResult r = result(ref, x);
                out.add(r);
                if (x.kind() == Kind.SAFE_MODE || x.kind() == Kind.CONTAINED) stopped = r.message();
            }
        }
        return out;
    }

    private static DecisionResult result(String ref, PortalException x) {
        return switch (x.kind()) {
            case CONFLICT -> new DecisionResult(ref, DecisionResult.Outcome.CONFLICT, CONFLICT_MESSAGE);
            case INVALID -> new DecisionResult(ref, DecisionResult.Outcome.NOT_ALLOWED, x.getMessage());
            case NOT_FOUND, FORBIDDEN -> new DecisionResult(ref, DecisionResult.Outcome.NOT_FOUND,
                    "There is no application with this reference in your institution.");
            case SAFE_MODE -> new DecisionResult(ref, DecisionResult.Outcome.NOT_DONE,
                    "decisions are paused while the service is protected; nothing was changed.");
            case CONTAINED -> new DecisionResult(ref, DecisionResult.Outcome.NOT_DONE,
                    "your access was paused while unusual activity is investigated; nothing was changed.");
            case UNAVAILABLE -> new DecisionResult(ref, DecisionResult.Outcome.NOT_DONE,
                    "the service was busy; nothing was changed. Try this one again.");
            case ERASED -> new DecisionResult(ref, DecisionResult.Outcome.NOT_FOUND,
                    "this application was erased at the applicant's request; it can no longer be decided.");
        };
    }

    /** The step the application waits on (the next to approve), or empty when it has one approval or none left. */
    public Optional<ApprovalStep> nextStep(Application a) {
        List<ApprovalStep> steps = catalogue.service(a.service()).map(Service::approvals).orElse(List.of());
        return a.stepsDone() < steps.size() ? Optional.of(steps.get(a.stepsDone())) : Optional.empty();
    }

    private Application load(Who who, String institution, String ref) {
        requireStaff(who, institution);
        String r = References.normalize(ref);
        if (!References.valid(r)) throw notFound();
        Application a = records.get(ApplicationCodec.COLLECTION, institution + ":" + r).map(ApplicationCodec::fromJson)
                .orElseThrow(Decisions::notFound);
        if (!a.institution().equals(institution)) throw notFound();
        return a;
    }

    private Application current(Who who, String institution, String ref, long version) {
        Application a = load(who, institution, ref);
        if (a.version() != version) throw new PortalException(Kind.CONFLICT, CONFLICT_MESSAGE);
        return a;
    }

    /** Writes the decision with the version read as precondition; CONFLICT when someone else wrote first. */
    private Application record(Who who, Application a, Status status, int stepsDone, @Nullable String documentId, String action,
            String note) {
        Instant now = records.clock().instant();
        List<Application.Event> history = new ArrayList<>(a.history());
        history.add(new Application.Event(now, who.actor(), action, note));
        Application next = new Application(a.ref(), a.service(), a.institution(), a.applicant(), a.applicantName(), a.personalNumber(),
                status, a.answers(), stepsDone, a.submitted(), now, a.due(), documentId, history, a.version());
        try {
            Stored s = records.put(who, ApplicationCodec.COLLECTION, a.key(), ApplicationCodec.toJson(next), a.version());
            return ApplicationCodec.fromJson(s);
        } catch (PortalException e) {
            if (e.kind() == Kind.CONFLICT) throw new PortalException(Kind.CONFLICT, CONFLICT_MESSAGE, e);
            throw e;
        }
    }

    /** A document sealed for a decision that could not be recorded MUST NOT stay valid. */
    private void withdraw(Who who, Application a, SealedDocument d, PortalException why) {
        try {
            documents.revoke(who, a.institution(), d.id(), "Withdrawn at issue: application " + a.ref()
                    + (why.kind() == Kind.CONFLICT ? " was decided by another clerk at the same time" : " could not be updated"));
        } catch (RuntimeException e) {
            LOG.error("document {} sealed for {} but the application was not updated ({}) and the document could not be revoked",
                    d.id(), a.ref(), why.kind(), e);
        }
    }

    private void send(Who who, Application a, DecisionLetters.Letter letter) {
        String name = catalogue.institution(a.institution()).map(Institution::name).orElse(a.institution());
        try {
            inbox.send(who, a.applicant(), a.institution(), name, letter.subject(), letter.body(), a.ref());
        } catch (PortalException e) {
            LOG.warn("decision on {} recorded but its letter to {} was not sent: {} {}", a.ref(), a.applicant(), e.kind(), e.getMessage());
        }
    }

    private DocumentRequest request(Application a, Service service) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (Field f : service.fields()) {
            List<String> values = a.answers().getOrDefault(f.id(), List.of());
            if (values.stream().allMatch(String::isBlank)) continue;
            fields.add(new AbstractMap.SimpleImmutableEntry<>(f.label(), Answers.display(f, values)));
        }
        String institutionName = catalogue.institution(a.institution()).map(Institution::name).orElse(a.institution());
        return new DocumentRequest(a.institution(), institutionName, a.service(), service.documentTitle(), a.applicant(),
                a.applicantName(), a.personalNumber(), a.ref(), fields);
    }

    private static String serviceName(Application a, Optional<Service> service) {
        return service.map(Service::name).orElse(a.service());
    }

    private static void allow(Application a, String verb, Status... allowed) {
        for (Status s : allowed) {
            if (a.status() == s) return;
        }
        throw new PortalException(Kind.INVALID, "Its status is “" + a.status().label() + "”: it cannot be " + verb + ".");
    }

    private static String text(String s, String what, boolean required) {
        String t = s.strip();
        if (required && t.isEmpty()) throw new PortalException(Kind.INVALID, "Enter the " + what);
        if (t.length() > MAX_NOTE) {
            throw new PortalException(Kind.INVALID, "The " + what + " must be " + MAX_NOTE + " characters or less");
        }
        return t;
    }

    /** Staff only; a citizen learns nothing, not even that the institution exists. */
    private static void requireStaff(Who who, String institution) {
        String actor = who.actor();
        if (!(actor.startsWith("clerk:") || actor.startsWith("admin:")) || !institution.matches("[a-z][a-z0-9-]{0,40}")) {
            throw notFound();
        }
    }

    private static PortalException notFound() {
        return new PortalException(Kind.NOT_FOUND, "no such application");
    }
}
