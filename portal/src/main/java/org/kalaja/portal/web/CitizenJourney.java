package org.kalaja.portal.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.cases.Applicant;
import org.kalaja.portal.cases.Application;
import org.kalaja.portal.cases.Applications;
import org.kalaja.portal.cases.Draft;
import org.kalaja.portal.cases.Drafts;
import org.kalaja.portal.cases.Submission;
import org.kalaja.portal.catalogue.Answers;
import org.kalaja.portal.catalogue.Catalogue;
import org.kalaja.portal.catalogue.Field;
import org.kalaja.portal.catalogue.FormPage;
import org.kalaja.portal.catalogue.Service;
import org.kalaja.portal.identity.Session;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.Who;

/**
 * Applying: start a service, one form page at a time, "Check your answers", send, confirmation.
 *
 * <p>URLs: {@code POST /services/{id}/start}; {@code /apply/{draft}} (resume at the first page not yet
 * answered); {@code /apply/{draft}/{page}} (a form page; {@code ?return=check} after a Change link);
 * {@code /apply/{draft}/check}; {@code /apply/{draft}/done}; {@code POST /apply/{draft}/delete}. Page ids
 * {@code check}, {@code done} and {@code delete} are therefore reserved.
 *
 * <p>Every POST that writes (start, save a page, send, delete) shows the "service unavailable" page (503)
 * in safe mode; a page that fails validation writes nothing and comes back with status 400, its errors
 * and what the citizen typed. Someone else's draft is a 404 page.
 */
final class CitizenJourney {
    private final PortalWeb web;
    private final Catalogue catalogue;
    private final Drafts drafts;
    private final Applications applications;
    private final Function<Session, Applicant> applicants;

    CitizenJourney(PortalWeb web, Catalogue catalogue, Drafts drafts, Applications applications, Function<Session, Applicant> applicants) {
        this.web = web;
        this.catalogue = catalogue;
        this.drafts = drafts;
        this.applications = applications;
        this.applicants = applicants;
    }

    /** A draft being worked on, with its service and the citizen working on it. */
    private record Journey(Session session, Who who, Draft draft, Service service) {}

    void register(Javalin app) {
        app.post("/services/{service}/start", guarded("Starting new applications", this::start));
        app.get("/apply/{draft}", guarded("Applying", this::resume));
        app.get("/apply/{draft}/{page}", guarded("Applying", this::show));
        app.post("/apply/{draft}/{page}", ctx -> {
            switch (ctx.pathParam("page")) {
                case "check" -> guarded("Sending applications", this::send).handle(ctx);
                case "delete" -> guarded("Deleting an application you have not finished", this::delete).handle(ctx);
                default -> guarded("Saving your answers", this::save).handle(ctx);
            }
        });
    }

    /** Turns a write refused in safe mode into the unavailable page and another person's data into 404. */
    Handler guarded(String what, Handler h) {
        return ctx -> {
            try {
                h.handle(ctx);
            } catch (PortalException e) {
                switch (e.kind()) {
                    case SAFE_MODE -> web.unavailable(ctx, what);
                    case NOT_FOUND, FORBIDDEN -> web.notFound(ctx);
                    case INVALID -> web.error(ctx, 400, "There is a problem", e.getMessage());
                    default -> throw e;
                }
            }
        };
    }

    private void start(Context ctx) {
        Session s = SessionFilter.requireCitizen(ctx);
        Service service = catalogue.service(ctx.pathParam("service")).orElseThrow(CitizenJourney::notFound);
        PortalWeb.concerns(ctx, catalogue.institution(service.institution()).orElse(null));
        Draft d = drafts.start(PortalWeb.who(ctx), s.accountId(), service.id());
        ctx.redirect(firstToAnswer(service, d).map(p -> pageUrl(d, p, false)).orElse(checkUrl(d)), HttpStatus.SEE_OTHER);
    }

    private void resume(Context ctx) {
        Journey j = journey(ctx);
        ctx.redirect(firstToAnswer(j.service(), j.draft()).map(p -> pageUrl(j.draft(), p, false)).orElse(checkUrl(j.draft())));
    }

    private void show(Context ctx) {
        switch (ctx.pathParam("page")) {
            case "check" -> showCheck(ctx);
            case "done" -> showDone(ctx);
            default -> {
                Journey j = journey(ctx);
                FormPage p = applicablePage(j, ctx.pathParam("page"));
                if (p == null) {
                    resume(ctx);
                    return;
                }
                renderPage(ctx, j, p, j.draft().answers(), Map.of(), returning(ctx), 200);
            }
        }
    }

    private void save(Context ctx) {
        Journey j = journey(ctx);
        FormPage p = applicablePage(j, ctx.pathParam("page"));
        if (p == null) throw notFound();
        Map<String, List<String>> posted = CitizenField.posted(p, ctx);
        Map<String, String> errors = Answers.checkPage(p, posted, today());
        boolean returning = returning(ctx);
        if (!errors.isEmpty()) {
            renderPage(ctx, j, p, posted, errors, returning, 400);
            return;
        }
        Map<String, List<String>> clean = new HashMap<>();
        // An optional question left blank is saved as an empty answer: the page counts as answered.
        for (Field f : p.fields()) clean.put(f.id(), Answers.normalise(f, posted.get(f.id())));
        Draft d = drafts.save(j.who(), j.session().accountId(), j.draft().id(), clean);
        ctx.redirect(next(j.service(), d, p, returning), HttpStatus.SEE_OTHER);
    }

    /** Where to go after saving {@code saved}: the next page, or back to "Check your answers" after a change. */
    private static String next(Service service, Draft d, FormPage saved, boolean returning) {
        if (returning) return firstToAnswer(service, d).map(p -> pageUrl(d, p, true)).orElse(checkUrl(d));
        List<FormPage> pages = service.pagesFor(d.answers());
        int i = indexOf(pages, saved.id());
        return i >= 0 && i + 1 < pages.size() ? pageUrl(d, pages.get(i + 1), false) : checkUrl(d);
    }

    private void showCheck(Context ctx) {
        Journey j = journey(ctx);
        Optional<FormPage> missing = firstToAnswer(j.service(), j.draft());
        if (missing.isPresent()) {
            ctx.redirect(pageUrl(j.draft(), missing.get(), false));
            return;
        }
        List<FormPage> pages = j.service().pagesFor(j.draft().answers());
        Page page = web.page(ctx, "Check your answers before sending your application")
                .withBack(pageUrl(j.draft(), pages.get(pages.size() - 1), false));
        web.render(ctx, "citizen/check.jte", Map.of("page", page, "service", j.service(), "draft", j.draft(),
                "rows", CitizenViews.answers(j.service(), j.draft().answers(), j.draft().id())));
    }

    private void send(Context ctx) {
        Session s = SessionFilter.requireCitizen(ctx);
        String draftId = ctx.pathParam("draft");
        Submission result = applications.submit(PortalWeb.who(ctx), applicants.apply(s), draftId);
        switch (result) {
            case Submission.Sent sent -> ctx.redirect("/apply/" + draftId + "/done", HttpStatus.SEE_OTHER);
            case Submission.Incomplete inc -> {
                // Show the first page with a problem, with the saved answers and the error, then back to check.
                Service service = catalogue.service(inc.draft().service()).orElseThrow(CitizenJourney::notFound);
                Journey j = new Journey(s, PortalWeb.who(ctx), inc.draft(), service);
                FormPage p = service.pagesFor(inc.draft().answers()).stream()
                        .filter(x -> x.fields().stream().anyMatch(f -> inc.errors().containsKey(f.id()))).findFirst()
                        .orElseThrow(() -> new IllegalStateException("errors name fields of pages that apply"));
                renderPage(ctx, j, p, inc.draft().answers(), inc.errors(), true, 400);
            }
        }
    }

    private void showDone(Context ctx) {
        Session s = SessionFilter.requireCitizen(ctx);
        Who who = PortalWeb.who(ctx);
        String draftId = ctx.pathParam("draft");
        Optional<Application> sent = applications.sentFrom(who, s.accountId(), draftId);
        if (sent.isEmpty()) {
            if (drafts.find(who, s.accountId(), draftId).isPresent()) ctx.redirect("/apply/" + draftId + "/check");
            else web.notFound(ctx);
            return;
        }
        Application a = sent.get();
        web.render(ctx, "citizen/done.jte", Map.of("page", web.page(ctx, "Application sent"), "application", a,
                "serviceName", CitizenViews.serviceName(catalogue, a.service()),
                "institutionName", CitizenViews.institutionName(catalogue, a.institution())));
    }

    private void delete(Context ctx) {
        Session s = SessionFilter.requireCitizen(ctx);
        String draftId = ctx.pathParam("draft");
        Who who = PortalWeb.who(ctx);
        if (drafts.find(who, s.accountId(), draftId).isEmpty()) throw notFound();
        drafts.delete(who, s.accountId(), draftId);
        ctx.redirect("/account?deleted=1", HttpStatus.SEE_OTHER);
    }

    private void renderPage(Context ctx, Journey j, FormPage p, Map<String, List<String>> values, Map<String, String> errors,
            boolean returning, int status) {
        List<CitizenField> fields = CitizenField.of(p, values, errors);
        String title = p.fields().size() == 1 ? p.fields().get(0).label() : p.title();
        Page page = web.page(ctx, title).withBack(back(j, p, returning))
                .withErrors(errors.entrySet().stream().map(e -> new Page.FieldError(e.getKey(), e.getValue())).toList());
        Map<String, @Nullable Object> model = new LinkedHashMap<>();
        model.put("page", page);
        model.put("service", j.service());
        model.put("formPage", p);
        model.put("fields", fields);
        model.put("action", pageUrl(j.draft(), p, returning));
        web.render(ctx, status, "citizen/question.jte", model);
    }

    private static String back(Journey j, FormPage p, boolean returning) {
        if (returning) return checkUrl(j.draft());
        List<FormPage> pages = j.service().pagesFor(j.draft().answers());
        int i = indexOf(pages, p.id());
        return i > 0 ? pageUrl(j.draft(), pages.get(i - 1), false) : "/services/" + j.service().id();
    }

    private Journey journey(Context ctx) {
        Session s = SessionFilter.requireCitizen(ctx);
        Who who = PortalWeb.who(ctx);
        Draft d = drafts.find(who, s.accountId(), ctx.pathParam("draft")).orElseThrow(CitizenJourney::notFound);
        Service service = catalogue.service(d.service()).orElseThrow(() -> new PortalException(PortalException.Kind.INVALID,
                "This service is no longer offered online. Ask the institution's counter."));
        PortalWeb.concerns(ctx, catalogue.institution(service.institution()).orElse(null));
        return new Journey(s, who, d, service);
    }

    /** The page {@code pageId} if it is asked given the answers so far, else null. */
    private static @Nullable FormPage applicablePage(Journey j, String pageId) {
        return j.service().pagesFor(j.draft().answers()).stream().filter(p -> p.id().equals(pageId)).findFirst().orElse(null);
    }

    /** The first page asked whose questions are not all saved yet. */
    static Optional<FormPage> firstToAnswer(Service service, Draft d) {
        return service.pagesFor(d.answers()).stream().filter(p -> p.fields().stream().anyMatch(f -> !d.answered(f.id()))).findFirst();
    }

    private static int indexOf(List<FormPage> pages, String id) {
        for (int i = 0; i < pages.size(); i++) if (pages.get(i).id().equals(id)) return i;
        return -1;
    }

    private static boolean returning(Context ctx) {
        return "check".equals(ctx.queryParam("return"));
    }

    private LocalDate today() {
        return web.records().clock().instant().atZone(Applications.ZONE).toLocalDate();
    }

    static String pageUrl(Draft d, FormPage p, boolean returning) {
        return "/apply/" + d.id() + "/" + p.id() + (returning ? "?return=check" : "");
    }

    static String checkUrl(Draft d) {
        return "/apply/" + d.id() + "/check";
    }

    private static PortalException notFound() {
        return new PortalException(PortalException.Kind.NOT_FOUND, "not found");
    }
}
