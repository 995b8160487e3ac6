package org.kalaja.portal.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.cases.Application;
import org.kalaja.portal.cases.DecisionQueue;
import org.kalaja.portal.cases.DecisionResult;
import org.kalaja.portal.cases.Decisions;
import org.kalaja.portal.cases.Status;
import org.kalaja.portal.catalogue.ApprovalStep;
import org.kalaja.portal.catalogue.Catalogue;
import org.kalaja.portal.catalogue.Institution;
import org.kalaja.portal.catalogue.Service;
import org.kalaja.portal.identity.Session;
import org.kalaja.portal.store.PortalException;

/**
 * The back office's pages under {@code /clerk}: the institution's queue with filters, paging and bulk
 * decisions, and one application with its decision forms. No JavaScript: every action is its own form.
 *
 * <p>Authorization: only verified clerk and admin sessions ({@link SessionFilter#requireStaff}); a clerk
 * always acts for the institution of their session, whatever the request says; an admin chooses one with
 * {@code ?institution=}. What a clerk may see and decide is {@link Decisions}' to say: another
 * institution's application is the same 404 page as one that does not exist.
 */
public final class ClerkRoutes implements Routes {
    static final int PAGE_SIZE = 50;
    /** The queue's default: what still waits on the institution. */
    static final Set<Status> TO_DECIDE = EnumSet.of(Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED);
    private static final Map<String, String> FIELD = Map.of("approve", "note", "reject", "reason", "request-information", "question",
            "issue", "version");

    private final PortalWeb web;
    private final Decisions decisions;
    private final Catalogue catalogue;

    public ClerkRoutes(PortalWeb web, Decisions decisions, Catalogue catalogue) {
        this.web = web;
        this.decisions = decisions;
        this.catalogue = catalogue;
    }

    @Override
    public void register(Javalin app) {
        app.get("/clerk", this::queue);
        app.post("/clerk/bulk", this::bulk);
        app.get("/clerk/applications/{ref}", this::application);
        app.post("/clerk/applications/{ref}/{action}", this::decide);
    }

    private void queue(Context ctx) {
        Session s = SessionFilter.requireStaff(ctx);
        String institution = institution(ctx, s);
        if (institution == null) {
            chooser(ctx, s);
            return;
        }
        renderQueue(ctx, s, institution, 200, List.of(), Set.of());
    }

    private void renderQueue(Context ctx, Session s, String institution, int status, List<Page.FieldError> errors, Set<String> selected) {
        String scope = scope(s, institution);
        String filter = param(ctx, "status").orElse("open");
        String serviceId = param(ctx, "service").filter(x -> !x.isBlank()).orElse(null);
        String after = param(ctx, "after").orElse("");
        DecisionQueue q = decisions.queue(PortalWeb.who(ctx), institution, statuses(filter), serviceId, after, PAGE_SIZE);
        List<ClerkViews.Row> rows = new ArrayList<>();
        for (Application a : q.items()) {
            ClerkViews.Row r = ClerkViews.row(a, q, catalogue.service(a.service()), scope);
            rows.add(selected.contains(a.ref()) ? new ClerkViews.Row(r.ref(), r.href(), r.applicant(), r.service(), r.submitted(), r.due(),
                    r.status(), r.overdue(), r.version(), true) : r);
        }
        List<ClerkViews.Choice> filters = new ArrayList<>();
        filters.add(new ClerkViews.Choice("open", "To decide", filter.equals("open")));
        for (Status st : Status.values()) {
            String v = st.name().toLowerCase(Locale.ROOT);
            filters.add(new ClerkViews.Choice(v, st.label(), filter.equals(v)));
        }
        filters.add(new ClerkViews.Choice("all", "All applications", filter.equals("all")));
        List<ClerkViews.Choice> services = new ArrayList<>();
        services.add(new ClerkViews.Choice("", "All services", serviceId == null));
        for (Service sv : catalogue.servicesOf(institution)) services.add(new ClerkViews.Choice(sv.id(), sv.name(), sv.id().equals(serviceId)));
        List<ClerkViews.Count> counts = new ArrayList<>();
        for (Status st : Status.values()) counts.add(new ClerkViews.Count(st, q.count(st)));
        String here = "/clerk?" + query(scope, filter, serviceId);
        String nextHref = q.next() == null ? null : here + "&after=" + enc(q.next());
        String adminInstitution = scope.isEmpty() ? "" : institution;
        ClerkViews.Queue view = new ClerkViews.Queue(institutionName(institution), scope, adminInstitution, filters, services, counts, rows,
                q.matching(), nextHref, after.isEmpty() ? null : here, q.scanned(), filter, serviceId == null ? "" : serviceId, after,
                param(ctx, "action").orElse(""), param(ctx, "note").orElse(""));
        // "Select the applications to decide" leads to the first checkbox, where the clerk can act on it.
        List<Page.FieldError> linked = errors.stream().map(e -> e.fieldId().equals("applications") && !rows.isEmpty()
                ? new Page.FieldError("select-" + rows.get(0).ref(), e.message()) : e).toList();
        Page page = web.page(ctx, "Applications to decide").withErrors(linked);
        web.render(ctx, status, "clerk/queue.jte", Map.of("page", page, "queue", view));
    }

    private void bulk(Context ctx) {
        Session s = SessionFilter.requireStaff(ctx);
        String institution = actingFor(ctx, s);
        if (institution == null) return;
        List<String> refs = ctx.formParams("ref");
        String action = Optional.ofNullable(ctx.formParam("action")).orElse("");
        String note = Optional.ofNullable(ctx.formParam("note")).orElse("").strip();
        List<Page.FieldError> errors = new ArrayList<>();
        if (refs.isEmpty()) errors.add(new Page.FieldError("applications", "Select the applications to decide"));
        Decisions.Action a = switch (action) {
            case "approve" -> Decisions.Action.APPROVE;
            case "reject" -> Decisions.Action.REJECT;
            case "issue" -> Decisions.Action.ISSUE;
            default -> null;
        };
        if (a == null) errors.add(new Page.FieldError("action", "Select what to do with the selected applications"));
        if (a == Decisions.Action.REJECT && note.isEmpty()) errors.add(new Page.FieldError("note", "Enter the reason for rejecting the applications"));
        if (note.length() > Decisions.MAX_NOTE) errors.add(new Page.FieldError("note", "The note must be " + Decisions.MAX_NOTE + " characters or less"));
        if (!errors.isEmpty() || a == null) {
            renderQueue(ctx, s, institution, 400, errors, Set.copyOf(refs));
            return;
        }
        if (web.records().safeMode().isPresent()) {
            web.unavailable(ctx, "Deciding applications");
            return;
        }
        // The version each row showed: a decision on something that changed since is a conflict, not a surprise.
        Map<String, Long> shown = new HashMap<>();
        for (String v : ctx.formParams("seen")) {
            int at = v.lastIndexOf('@');
            if (at > 0) shown.put(v.substring(0, at), parseVersion(v.substring(at + 1)));
        }
        Map<String, Long> seen = new LinkedHashMap<>();
        for (String ref : refs) seen.putIfAbsent(ref, shown.getOrDefault(ref, -1L));
        List<DecisionResult> results;
        try {
            results = decisions.bulk(PortalWeb.who(ctx), institution, seen, a, note);
        } catch (PortalException e) {
            fail(ctx, e);
            return;
        }
        String scope = scope(s, institution);
        String back = "/clerk?" + query(scope, param(ctx, "status").orElse("open"), param(ctx, "service").filter(x -> !x.isBlank()).orElse(null));
        long done = results.stream().filter(DecisionResult::done).count();
        String title = done + " of " + results.size() + (results.size() == 1 ? " application " : " applications ") + a.past();
        web.render(ctx, "clerk/bulk.jte", Map.of("page", web.page(ctx, title).withBack(back), "title", title,
                "outcomes", results.stream().map(r -> ClerkViews.outcome(r, scope)).toList(), "queueHref", back));
    }

    private void application(Context ctx) {
        Session s = SessionFilter.requireStaff(ctx);
        String institution = actingFor(ctx, s);
        if (institution == null) return;
        try {
            Application a = decisions.get(PortalWeb.who(ctx), institution, ctx.pathParam("ref"));
            renderCase(ctx, s, a, 200, banner(ctx.queryParam("done"), a), List.of(), Map.of());
        } catch (PortalException e) {
            fail(ctx, e);
        }
    }

    private void decide(Context ctx) {
        Session s = SessionFilter.requireStaff(ctx);
        String institution = institution(ctx, s);
        String action = ctx.pathParam("action");
        if (institution == null || !FIELD.containsKey(action)) {
            web.notFound(ctx);
            return;
        }
        String ref = ctx.pathParam("ref");
        long version = parseVersion(ctx.formParam("version"));
        String field = FIELD.get(action);
        String text = Optional.ofNullable(ctx.formParam(field)).orElse("").strip();
        try {
            // Read first: another institution's application is a 404 even when the form is also invalid.
            Application current = decisions.get(PortalWeb.who(ctx), institution, ref);
            Optional<String> problem = problem(action, text);
            if (problem.isPresent()) {
                renderCase(ctx, s, current, 400, null, List.of(new Page.FieldError(field, problem.get())), Map.of(field, text));
                return;
            }
            if (web.records().safeMode().isPresent()) {
                web.unavailable(ctx, "Deciding applications");
                return;
            }
            Application decided = switch (action) {
                case "approve" -> decisions.approve(PortalWeb.who(ctx), institution, ref, version, text);
                case "reject" -> decisions.reject(PortalWeb.who(ctx), institution, ref, version, text);
                case "request-information" -> decisions.requestInformation(PortalWeb.who(ctx), institution, ref, version, text);
                default -> decisions.issue(PortalWeb.who(ctx), institution, ref, version);
            };
            String scope = scope(s, institution);
            ctx.redirect("/clerk/applications/" + decided.ref() + (scope.isEmpty() ? "?" : scope + "&") + "done=" + action, io.javalin.http.HttpStatus.SEE_OTHER);
        } catch (PortalException e) {
            if (e.kind() == PortalException.Kind.CONFLICT || e.kind() == PortalException.Kind.INVALID) {
                Application fresh = decisions.get(PortalWeb.who(ctx), institution, ref);
                String message = e.kind() == PortalException.Kind.CONFLICT ? Decisions.CONFLICT_MESSAGE : e.getMessage();
                renderCase(ctx, s, fresh, e.kind() == PortalException.Kind.CONFLICT ? 409 : 400, null,
                        List.of(new Page.FieldError("status", message)), Map.of(field, text));
                return;
            }
            fail(ctx, e);
        }
    }

    private void renderCase(Context ctx, Session s, Application a, int status, @Nullable String banner, List<Page.FieldError> errors,
            Map<String, String> typed) {
        Optional<Service> service = catalogue.service(a.service());
        List<ApprovalStep> steps = service.map(Service::approvals).orElse(List.of());
        String scope = scope(s, a.institution());
        ClerkViews.Case view = new ClerkViews.Case(a, service.map(Service::name).orElse(a.service()), institutionName(a.institution()),
                service.map(Service::documentTitle).orElse("document"), "/clerk/applications/" + a.ref(), "/clerk" + scope,
                ClerkViews.dateTime(a.submitted()), ClerkViews.date(a.due()),
                a.status().open() && a.due().isBefore(java.time.LocalDate.now(web.records().clock())),
                ClerkViews.step(a, steps), ClerkViews.answers(a, service), ClerkViews.history(a, steps, s.actor()), banner, typed);
        Page page = web.page(ctx, "Application " + a.ref()).withErrors(errors).withBack("/clerk" + scope);
        web.render(ctx, status, "clerk/application.jte", Map.of("page", page, "c", view, "scope", scope));
    }

    private void chooser(Context ctx, Session s) {
        List<ClerkViews.Line> links = new ArrayList<>();
        for (Institution i : catalogue.institutions()) links.add(new ClerkViews.Line("/clerk?institution=" + enc(i.id()), i.name()));
        web.render(ctx, "clerk/institutions.jte", Map.of("page", web.page(ctx, "Choose an institution"), "institutions", links));
    }

    /** The error pages of the back office; SAFE_MODE says decisions are paused and nothing changed. */
    private void fail(Context ctx, PortalException e) {
        switch (e.kind()) {
            case SAFE_MODE -> web.unavailable(ctx, "Deciding applications");
            case NOT_FOUND, FORBIDDEN -> web.notFound(ctx);
            case ERASED -> web.erased(ctx);
            case CONTAINED -> web.error(ctx, 403, "Your access is paused",
                    "Your account was paused while unusual activity is investigated. Nothing was changed. Contact your administrator.");
            case UNAVAILABLE -> {
                ctx.header("Retry-After", "30");
                web.error(ctx, 503, "Sorry, the service is busy", "Nothing was changed. Try again in a minute.");
            }
            case CONFLICT, INVALID -> web.error(ctx, e.kind() == PortalException.Kind.CONFLICT ? 409 : 400, "There is a problem", e.getMessage());
        }
    }

    /** The institution this request acts for: a clerk's own; an admin's own or the one chosen; null if none. */
    private @Nullable String institution(Context ctx, Session s) {
        String chosen = s.role().equals("clerk") || s.institution() != null ? s.institution() : ctx.queryParam("institution");
        return chosen != null && catalogue.institution(chosen).isPresent() ? chosen : null;
    }

    /** The institution this request acts for, or null after answering 404 (an admin who chose none). */
    private @Nullable String actingFor(Context ctx, Session s) {
        String institution = institution(ctx, s);
        if (institution == null) web.notFound(ctx);
        return institution;
    }

    /** What an admin's links carry to stay in the chosen institution; clerks need nothing. */
    private static String scope(Session s, String institution) {
        return s.role().equals("admin") && s.institution() == null ? "?institution=" + enc(institution) : "";
    }

    private String institutionName(String id) {
        return catalogue.institution(id).map(Institution::name).orElse(id);
    }

    /** A filter from the query (the GET form) or from the bulk form's hidden fields. */
    private static Optional<String> param(Context ctx, String name) {
        String q = ctx.queryParam(name);
        return Optional.ofNullable(q != null ? q : ctx.method() == io.javalin.http.HandlerType.POST ? ctx.formParam(name) : null);
    }

    private static Set<Status> statuses(String filter) {
        if (filter.equals("all")) return Set.of();
        for (Status s : Status.values()) if (s.name().toLowerCase(Locale.ROOT).equals(filter)) return EnumSet.of(s);
        return TO_DECIDE;
    }

    private static Optional<String> problem(String action, String text) {
        if (text.isEmpty() && action.equals("reject")) return Optional.of("Enter the reason for rejecting the application");
        if (text.isEmpty() && action.equals("request-information")) return Optional.of("Enter the question for the applicant");
        if (text.length() > Decisions.MAX_NOTE) return Optional.of("This must be " + Decisions.MAX_NOTE + " characters or less");
        return Optional.empty();
    }

    private static @Nullable String banner(@Nullable String done, Application a) {
        if (done == null) return null;
        return switch (done) {
            case "approve" -> a.status() == Status.APPROVED ? "Application approved. The applicant was sent a letter; the document can now be issued."
                    : "Approval step recorded. The application waits for its next step.";
            case "reject" -> "Application rejected. The applicant was sent the reason.";
            case "request-information" -> "Question sent to the applicant. The application waits for their answer.";
            case "issue" -> "Document issued. The applicant was sent a letter with a link to it.";
            default -> null;
        };
    }

    private static String query(String scope, String filter, @Nullable String serviceId) {
        String base = scope.isEmpty() ? "" : scope.substring(1) + "&";
        return base + "status=" + enc(filter) + (serviceId == null ? "" : "&service=" + enc(serviceId));
    }

    private static long parseVersion(@Nullable String v) {
        try {
            return v == null ? -2 : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            // An edited version matches nothing, so the decision is refused as a conflict.
            return -2;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
