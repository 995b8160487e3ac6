package org.kalaja.portal.cases;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.kalaja.portal.catalogue.Answers;
import org.kalaja.portal.catalogue.Service;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.Stored;
import org.kalaja.portal.store.Who;

/**
 * The citizen's side of applications: sending a draft, reading one's own applications, answering a
 * clerk's question.
 *
 * <p>Records: the application in {@code portal.applications} ({@code <institution>:<ref>}) and the
 * applicant's index entry in {@code portal.my-applications} ({@code <accountId>:<ref>}, body
 * {@code {institution, service, draft, submitted}}). Sending writes the index entry FIRST, so an
 * application never exists that its applicant cannot find; an index entry whose application is missing
 * (the node stopped between the two writes) is skipped until the draft is sent again, which completes it.
 *
 * <p>Sending is idempotent: the draft reserves its reference before anything else is written
 * ({@link Drafts#reserveRef}), both writes are create-only (version 0) under that reference, and a press
 * after the draft is gone finds the application by the draft id in the index. However often the button is
 * pressed, one application exists.
 *
 * <p>Authorization: only {@code citizen:<accountId>} reads or changes that account's applications; anyone
 * else gets NOT_FOUND (or an empty list), never data. Every read of an application is audited.
 */
public final class Applications {
    /** Dates the citizen sees (submitted, decide by) are in the country's time zone. */
    public static final ZoneId ZONE = ZoneId.of("Europe/Tirane");
    /** The longest answer to a clerk's question. */
    public static final int MAX_ANSWER = 2_000;
    static final int MAX_PER_ACCOUNT = 10_000;

    private final PortalRecords records;
    private final Drafts drafts;
    private final Function<String, Optional<Service>> services;

    /** @param services the catalogue's services by id ({@code catalogue::service}) */
    public Applications(PortalRecords records, Drafts drafts, Function<String, Optional<Service>> services) {
        this.records = records;
        this.drafts = drafts;
        this.services = services;
    }

    /**
     * Sends draft {@code draftId} of {@code applicant}: checks every answer again, then writes the index entry,
     * the application (SUBMITTED, due after the service level in working days) and deletes the draft.
     *
     * @throws PortalException NOT_FOUND when neither the draft nor an application sent from it exists for
     *                         {@code who}; SAFE_MODE and the other write failures (the draft is then kept)
     */
    public Submission submit(Who who, Applicant applicant, String draftId) {
        String account = applicant.accountId();
        Optional<Draft> found = drafts.find(who, account, draftId);
        if (found.isEmpty()) {
            return new Submission.Sent(sentFrom(who, account, draftId).orElseThrow(Applications::notFound));
        }
        Draft draft = found.get();
        Service service = services.apply(draft.service()).orElseThrow(() -> new PortalException(PortalException.Kind.INVALID,
                "This service is no longer offered online. Your answers are kept; ask the institution's counter."));
        Instant now = records.clock().instant();
        Map<String, List<String>> answers = Answers.applicable(service, draft.answers());
        Map<String, String> errors = Answers.checkAll(service, answers, now.atZone(ZONE).toLocalDate());
        if (!errors.isEmpty()) return new Submission.Incomplete(draft, errors);

        try {
            draft = drafts.reserveRef(who, draft);
        } catch (PortalException e) {
            // Another press of the button sent it and deleted the draft while this one was checking.
            if (e.kind() != PortalException.Kind.NOT_FOUND) throw e;
            return new Submission.Sent(sentFrom(who, account, draftId).orElseThrow(Applications::notFound));
        }
        String ref = draft.ref();
        if (ref == null) throw new IllegalStateException("reserveRef always sets the reference");
        Application a = new Application(ref, service.id(), service.institution(), account, applicant.name(), applicant.personalNumber(),
                Status.SUBMITTED, answers, 0, now, now, due(now, service.serviceLevelDays()), null,
                List.of(new Application.Event(now, who.actor(), "submitted", "")), 0);
        ObjectNode index = PortalRecords.JSON.createObjectNode().put("account", account).put("institution", a.institution())
                .put("service", a.service()).put("draft", draftId).put("submitted", now.toString());
        createOnce(who, ApplicationCodec.MINE, account + ":" + ref, index);
        Application sent = createOnce(who, ApplicationCodec.COLLECTION, a.key(), ApplicationCodec.toJson(a))
                .map(ApplicationCodec::fromJson)
                .orElseGet(() -> records.get(ApplicationCodec.COLLECTION, a.key()).map(ApplicationCodec::fromJson).orElseThrow());
        drafts.delete(who, account, draftId);
        return new Submission.Sent(sent);
    }

    /** Writes {@code key} unless it exists; returns what was written, or empty when it already existed. */
    private Optional<Stored> createOnce(Who who, String collection, String key, ObjectNode json) {
        try {
            return Optional.of(records.put(who, collection, key, json, 0));
        } catch (PortalException e) {
            if (e.kind() != PortalException.Kind.CONFLICT) throw e;
            return Optional.empty();
        }
    }

    /** The application sent from draft {@code draftId}, once the draft is gone. */
    public Optional<Application> sentFrom(Who who, String accountId, String draftId) {
        if (!owns(who, accountId)) return Optional.empty();
        for (Stored s : records.listOwn(ApplicationCodec.MINE, accountId, MAX_PER_ACCOUNT)) {
            if (s.json().path("draft").asText().equals(draftId)) return load(who, s);
        }
        return Optional.empty();
    }

    /** {@code accountId}'s applications, newest first; empty for anyone but that citizen. */
    public List<Application> ofApplicant(Who who, String accountId) {
        if (!owns(who, accountId)) return List.of();
        List<Application> out = new ArrayList<>();
        for (Stored s : records.listOwn(ApplicationCodec.MINE, accountId, MAX_PER_ACCOUNT)) {
            String key = s.json().path("institution").asText() + ":" + ref(s);
            records.get(ApplicationCodec.COLLECTION, key).map(ApplicationCodec::fromJson)
                    .filter(a -> a.applicant().equals(accountId)).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(Application::submitted).reversed());
        records.readBy(who, ApplicationCodec.COLLECTION, "", out.size());
        return out;
    }

    /**
     * {@code accountId}'s application {@code ref}.
     *
     * @throws PortalException NOT_FOUND when it does not exist or is not {@code who}'s
     */
    public Application mine(Who who, String accountId, String ref) {
        String r = References.normalize(ref);
        if (!owns(who, accountId) || !References.valid(r)) throw notFound();
        return records.get(ApplicationCodec.MINE, accountId + ":" + r).flatMap(s -> load(who, s)).orElseThrow(Applications::notFound);
    }

    /**
     * The citizen's answer to the clerk's question: back to SUBMITTED with history {@code information_provided}.
     *
     * @param version the application's version the citizen saw
     * @throws PortalException INVALID for an empty or too long answer, or when no question is open;
     *                         CONFLICT when the application changed since {@code version}; NOT_FOUND; SAFE_MODE
     */
    public Application provideInformation(Who who, String accountId, String ref, long version, String answer) {
        Application a = mine(who, accountId, ref);
        String text = answer.replace("\r\n", "\n").strip();
        if (a.status() != Status.INFORMATION_REQUESTED) {
            throw new PortalException(PortalException.Kind.INVALID, "The institution is not waiting for an answer on this application.");
        }
        if (text.isEmpty()) throw new PortalException(PortalException.Kind.INVALID, "Enter your answer to the question");
        if (text.codePointCount(0, text.length()) > MAX_ANSWER) {
            throw new PortalException(PortalException.Kind.INVALID, "Your answer must be " + MAX_ANSWER + " characters or less");
        }
        if (a.version() != version) throw new PortalException(PortalException.Kind.CONFLICT, "the application changed");
        Instant now = records.clock().instant();
        List<Application.Event> history = new ArrayList<>(a.history());
        history.add(new Application.Event(now, who.actor(), "information_provided", text));
        Application next = new Application(a.ref(), a.service(), a.institution(), a.applicant(), a.applicantName(), a.personalNumber(),
                Status.SUBMITTED, a.answers(), a.stepsDone(), a.submitted(), now, a.due(), a.documentId(), history, a.version());
        return ApplicationCodec.fromJson(records.put(who, ApplicationCodec.COLLECTION, a.key(), ApplicationCodec.toJson(next), version));
    }

    /** The date {@code days} working days (Monday to Friday) after {@code submitted}'s date in {@link #ZONE}. */
    public static LocalDate due(Instant submitted, int days) {
        LocalDate d = submitted.atZone(ZONE).toLocalDate();
        for (int left = days; left > 0; ) {
            d = d.plusDays(1);
            if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) left--;
        }
        return d;
    }

    private Optional<Application> load(Who who, Stored index) {
        String key = index.json().path("institution").asText() + ":" + ref(index);
        Optional<Application> a = records.get(ApplicationCodec.COLLECTION, key).map(ApplicationCodec::fromJson)
                .filter(x -> who.actor().equals("citizen:" + x.applicant()));
        a.ifPresent(x -> records.readBy(who, ApplicationCodec.COLLECTION, x.key(), 1));
        return a;
    }

    private static String ref(Stored index) {
        return index.key().substring(index.key().indexOf(':') + 1);
    }

    private static boolean owns(Who who, String accountId) {
        return who.actor().equals("citizen:" + accountId);
    }

    private static PortalException notFound() {
        return new PortalException(PortalException.Kind.NOT_FOUND, "no such application");
    }
}
