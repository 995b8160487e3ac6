package org.kalaja.portal.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.cases.Application;
import org.kalaja.portal.cases.DecisionQueue;
import org.kalaja.portal.cases.DecisionResult;
import org.kalaja.portal.cases.Status;
import org.kalaja.portal.catalogue.Answers;
import org.kalaja.portal.catalogue.ApprovalStep;
import org.kalaja.portal.catalogue.Field;
import org.kalaja.portal.catalogue.Service;

/**
 * What the back office's templates show, already in words: dates in the institution's time zone, history
 * entries as sentences, answers with option labels. Templates only lay these out.
 */
public final class ClerkViews {
    /** Albania's time: what clerks and applicants read on the wall clock. */
    static final ZoneId ZONE = ZoneId.of("Europe/Tirane");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm", Locale.ENGLISH);

    private ClerkViews() {
    }

    /** One row of the queue table. */
    public record Row(String ref, String href, String applicant, String service, String submitted, String due, Status status,
            boolean overdue, long version, boolean selected) {}

    /** One option of a filter's select. */
    public record Choice(String value, String label, boolean selected) {}

    /** One line of a summary list. */
    public record Line(String key, String value) {}

    /** One entry of the history timeline, oldest first. */
    public record Entry(String when, String who, String what, String note) {}

    /** How many of the institution's applications are in {@code status}. */
    public record Count(Status status, int count) {}

    /** One bulk outcome, with the GOV.UK tag that shows it. */
    public record Outcome(String ref, String href, String label, String tagClass, String message) {}

    /**
     * The queue page.
     *
     * @param scope     {@code ?institution=<id>} for an admin acting for an institution, else ""
     * @param adminInstitution the institution's id for an admin's GET form to keep, else ""
     * @param filters   the status filter's choices
     * @param services  the service filter's choices ("" = all)
     * @param counts    one tag per status with its count, in the statuses' order
     * @param nextHref  the next page's link, or null on the last page
     * @param firstHref the first page's link with the same filters, or null on the first page
     * @param filter    the status filter shown, the service filter shown ("" = all) and the page's cursor:
     *                  the bulk form carries them, so the queue comes back as it was
     * @param action    the bulk action chosen in a form that failed, or ""
     * @param note      the note typed in a form that failed, or ""
     */
    public record Queue(String institutionName, String scope, String adminInstitution, List<Choice> filters, List<Choice> services,
            List<Count> counts, List<Row> rows, int matching, @Nullable String nextHref, @Nullable String firstHref, boolean scanned, String filter,
            String serviceId, String after, String action, String note) {}

    /**
     * The application page.
     *
     * @param base   the application's URL (with the admin's scope), forms post to {@code base/<action>}
     * @param step   "Step 1 of 2: Technical review", or "" when the service has one approval
     * @param banner the success banner's text after a decision, or null
     * @param typed  what the clerk typed in the form that failed (note, reason or question), by field id
     */
    public record Case(Application application, String serviceName, String institutionName, String documentTitle, String base,
            String queueHref, String submitted, String due, boolean overdue, String step, List<Line> answers, List<Entry> history,
            @Nullable String banner, Map<String, String> typed) {

        public boolean canApprove() {
            return application.status() == Status.SUBMITTED || application.status() == Status.IN_REVIEW;
        }

        public boolean canReject() {
            return canApprove() || application.status() == Status.INFORMATION_REQUESTED;
        }

        public boolean canIssue() {
            return application.status() == Status.APPROVED;
        }

        public String typed(String field) {
            return typed.getOrDefault(field, "");
        }
    }

    /** The error shown by field {@code id} (the summary's entry for it), or null. */
    public static @Nullable String error(Page page, String id) {
        for (Page.FieldError e : page.errors()) {
            // The selection's error is linked to the first row's checkbox (select-<ref>), shown by the table.
            if (e.fieldId().equals(id) || (id.equals("applications") && e.fieldId().startsWith("select-"))) return e.message();
        }
        return null;
    }

    static String date(LocalDate d) {
        return DATE.format(d);
    }

    static String dateTime(Instant t) {
        return DATE_TIME.format(t.atZone(ZONE));
    }

    static Row row(Application a, DecisionQueue q, Optional<Service> service, String scope) {
        return new Row(a.ref(), "/clerk/applications/" + a.ref() + scope, a.applicantName(), service.map(Service::name).orElse(a.service()),
                date(a.submitted().atZone(ZONE).toLocalDate()), date(a.due()), a.status(), q.overdue(a), a.version(), false);
    }

    /** Each answer the applicant gave, in the form's order; answers to fields the service no longer asks last. */
    static List<Line> answers(Application a, Optional<Service> service) {
        List<Line> out = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        for (Field f : service.map(Service::fields).orElse(List.of())) {
            List<String> v = a.answers().get(f.id());
            if (v == null || v.isEmpty()) continue;
            out.add(new Line(f.label(), Answers.display(f, v)));
            shown.add(f.id());
        }
        a.answers().forEach((id, v) -> {
            if (!shown.contains(id) && !v.isEmpty()) out.add(new Line(id, String.join(", ", v)));
        });
        return out;
    }

    /** The history as sentences; the n-th approval names the n-th approval step of the service. */
    static List<Entry> history(Application a, List<ApprovalStep> steps, String viewer) {
        List<Entry> out = new ArrayList<>();
        int approvals = 0;
        for (Application.Event e : a.history()) {
            String what = switch (e.action()) {
                case "submitted" -> "Application sent";
                case "approved" -> approvals < steps.size() ? "Approved: " + steps.get(approvals++).name() : "Approved";
                case "rejected" -> "Rejected";
                case "information_requested" -> "More information requested";
                case "information_provided" -> "Applicant answered";
                case "issued" -> "Document issued";
                default -> e.action().replace('_', ' ');
            };
            String who = e.actor().equals(viewer) ? "You" : e.actor().startsWith("citizen:") ? "The applicant"
                    : e.actor().startsWith("clerk:") ? "Clerk " + e.actor().substring(6) : e.actor();
            out.add(new Entry(dateTime(e.at()), who, what, e.note()));
        }
        return out;
    }

    /** "Step 2 of 2: Mayor's approval", or "" when the service needs one approval or none is left. */
    static String step(Application a, List<ApprovalStep> steps) {
        if (steps.size() < 2 || a.stepsDone() >= steps.size() || a.status().finished()) return "";
        return "Step " + (a.stepsDone() + 1) + " of " + steps.size() + ": " + steps.get(a.stepsDone()).name();
    }

    static Outcome outcome(DecisionResult r, String scope) {
        return switch (r.outcome()) {
            case DONE -> new Outcome(r.ref(), "/clerk/applications/" + r.ref() + scope, "Done", "govuk-tag--green", r.message());
            case CONFLICT -> new Outcome(r.ref(), "/clerk/applications/" + r.ref() + scope, "Changed by someone else", "govuk-tag--orange",
                    r.message());
            case NOT_ALLOWED -> new Outcome(r.ref(), "/clerk/applications/" + r.ref() + scope, "Not allowed", "govuk-tag--grey", r.message());
            case NOT_FOUND -> new Outcome(r.ref(), "", "Not found", "govuk-tag--red", r.message());
            case NOT_DONE -> new Outcome(r.ref(), "/clerk/applications/" + r.ref() + scope, "Not done", "govuk-tag--red", r.message());
        };
    }
}
