package org.kalaja.portal.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.cases.Applicant;
import org.kalaja.portal.cases.Application;
import org.kalaja.portal.cases.Applications;
import org.kalaja.portal.cases.Draft;
import org.kalaja.portal.cases.Drafts;
import org.kalaja.portal.cases.Inbox;
import org.kalaja.portal.cases.Message;
import org.kalaja.portal.cases.Status;
import org.kalaja.portal.catalogue.Catalogue;
import org.kalaja.portal.catalogue.Institution;
import org.kalaja.portal.catalogue.Service;
import org.kalaja.portal.identity.Accounts;
import org.kalaja.portal.identity.Session;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.Who;

/**
 * The citizen's pages: the home page and services' start pages (public), the journey of applying
 * ({@link CitizenJourney}), and, signed in, the dashboard ({@code /account}), one's applications
 * ({@code /account/applications/{ref}}) and the inbox ({@code /inbox}, {@code /inbox/{id}}).
 *
 * <p>Reads work in safe mode (the layout shows the banner); answering a clerk's question is a write and
 * shows the "service unavailable" page then. Another person's application or letter is the 404 page.
 */
public final class CitizenRoutes implements Routes {
    private final PortalWeb web;
    private final Catalogue catalogue;
    private final Drafts drafts;
    private final Applications applications;
    private final Inbox inbox;
    private final CitizenJourney journey;

    /** @param accounts where the applicant's name and personal number come from when they send */
    public CitizenRoutes(PortalWeb web, Catalogue catalogue, Drafts drafts, Applications applications, Inbox inbox,
            Accounts accounts) {
        this.web = web;
        this.catalogue = catalogue;
        this.drafts = drafts;
        this.applications = applications;
        this.inbox = inbox;
        this.journey = new CitizenJourney(web, catalogue, drafts, applications, s -> applicant(accounts, s));
    }

    /** The applicant as their account holds them; a session whose account is gone keeps its own name. */
    static Applicant applicant(Accounts accounts, Session s) {
        return accounts.byId(s.accountId())
                .map(a -> new Applicant(a.id(), a.name(), a.personalNumber() == null ? "" : a.personalNumber()))
                .orElseGet(() -> new Applicant(s.accountId(), s.name(), ""));
    }

    /** A group of services on the home page. */
    public record ServiceGroup(Institution institution, List<Service> services) {}

    @Override
    public void register(Javalin app) {
        app.get("/", this::home);
        app.get("/services/{service}", this::startPage);
        journey.register(app);
        app.get("/account", journey.guarded("Reading your applications", this::account));
        app.get("/account/applications/{ref}", journey.guarded("Reading your application", this::application));
        app.post("/account/applications/{ref}/information", journey.guarded("Answering questions about applications", this::answer));
        app.get("/inbox", journey.guarded("Reading your inbox", this::inbox));
        app.get("/inbox/{id}", journey.guarded("Reading your inbox", this::message));
    }

    private void home(Context ctx) {
        List<ServiceGroup> groups = new ArrayList<>();
        for (Institution i : catalogue.institutions()) {
            List<Service> services = catalogue.servicesOf(i.id());
            if (!services.isEmpty()) groups.add(new ServiceGroup(i, services));
        }
        web.render(ctx, "citizen/home.jte", Map.of("page", web.page(ctx, "Public services online"), "groups", groups));
    }

    private void startPage(Context ctx) {
        Optional<Service> found = catalogue.service(ctx.pathParam("service"));
        if (found.isEmpty()) {
            web.notFound(ctx);
            return;
        }
        Service service = found.get();
        Optional<Session> s = PortalWeb.session(ctx);
        List<Draft> unfinished = s.filter(x -> x.role().equals("citizen"))
                .map(x -> drafts.of(PortalWeb.who(ctx), x.accountId()).stream().filter(d -> d.service().equals(service.id())).toList())
                .orElse(List.of());
        Map<String, @Nullable Object> model = new LinkedHashMap<>();
        model.put("page", web.page(ctx, service.name()).withBack("/"));
        model.put("service", service);
        model.put("institutionName", CitizenViews.institutionName(catalogue, service.institution()));
        model.put("unfinished", unfinished);
        web.render(ctx, "citizen/service.jte", model);
    }

    private void account(Context ctx) {
        Session s = SessionFilter.requireCitizen(ctx);
        Who who = PortalWeb.who(ctx);
        List<CitizenViews.ApplicationRow> apps = applications.ofApplicant(who, s.accountId()).stream()
                .map(a -> new CitizenViews.ApplicationRow(a, CitizenViews.serviceName(catalogue, a.service()))).toList();
        List<CitizenViews.DraftRow> unfinished = drafts.of(who, s.accountId()).stream()
                .map(d -> new CitizenViews.DraftRow(d, CitizenViews.serviceName(catalogue, d.service()))).toList();
        Map<String, @Nullable Object> model = new LinkedHashMap<>();
        model.put("page", web.page(ctx, "Your applications"));
        model.put("applications", apps);
        model.put("drafts", unfinished);
        model.put("unread", inbox.unread(who, s.accountId()));
        model.put("deleted", ctx.queryParam("deleted") != null);
        web.render(ctx, "citizen/account.jte", model);
    }

    private void application(Context ctx) {
        Session s = SessionFilter.requireCitizen(ctx);
        Application a = applications.mine(PortalWeb.who(ctx), s.accountId(), ctx.pathParam("ref"));
        renderApplication(ctx, a, null, "", ctx.queryParam("answered") != null, 200);
    }

    private void answer(Context ctx) {
        Session s = SessionFilter.requireCitizen(ctx);
        Who who = PortalWeb.who(ctx);
        Application a = applications.mine(who, s.accountId(), ctx.pathParam("ref"));
        String text = Optional.ofNullable(ctx.formParam("answer")).orElse("");
        long version = parseVersion(ctx.formParam("version"));
        String problem = text.isBlank() ? "Enter your answer to the question"
                : text.strip().length() > Applications.MAX_ANSWER ? "Your answer must be " + Applications.MAX_ANSWER + " characters or less" : null;
        if (problem != null && a.status() == Status.INFORMATION_REQUESTED) {
            renderApplication(ctx, a, problem, text, false, 400);
            return;
        }
        try {
            applications.provideInformation(who, s.accountId(), a.ref(), version, text);
        } catch (PortalException e) {
            if (e.kind() != PortalException.Kind.CONFLICT) throw e;
            renderApplication(ctx, a, "The institution changed this application while you were writing. Check the question and send your answer again.",
                    text, false, 409);
            return;
        }
        ctx.redirect("/account/applications/" + a.ref() + "?answered=1", HttpStatus.SEE_OTHER);
    }

    private void renderApplication(Context ctx, Application a, @Nullable String error, String typed, boolean answered, int status) {
        Optional<Service> service = catalogue.service(a.service());
        String institution = CitizenViews.institutionName(catalogue, a.institution());
        Page page = web.page(ctx, "Application " + a.ref()).withBack("/account");
        if (error != null) page = page.withErrors(List.of(new Page.FieldError("answer", error)));
        Map<String, @Nullable Object> model = new LinkedHashMap<>();
        model.put("page", page);
        model.put("application", a);
        model.put("serviceName", service.map(Service::name).orElse(a.service()));
        model.put("institutionName", institution);
        model.put("rows", service.map(sv -> CitizenViews.answers(sv, a.answers(), null)).orElse(List.of()));
        model.put("timeline", CitizenViews.timeline(a, institution));
        model.put("error", error);
        model.put("typed", typed);
        model.put("answered", answered);
        web.render(ctx, status, "citizen/application.jte", model);
    }

    private void inbox(Context ctx) {
        Session s = SessionFilter.requireCitizen(ctx);
        List<Message> messages = inbox.list(PortalWeb.who(ctx), s.accountId());
        web.render(ctx, "citizen/inbox.jte", Map.of("page", web.page(ctx, "Inbox"), "messages", messages));
    }

    private void message(Context ctx) {
        Session s = SessionFilter.requireCitizen(ctx);
        Message m = inbox.open(PortalWeb.who(ctx), s.accountId(), ctx.pathParam("id"));
        web.render(ctx, "citizen/message.jte", Map.of("page", web.page(ctx, m.subject()).withBack("/inbox"), "message", m));
    }

    private static long parseVersion(@Nullable String v) {
        try {
            return v == null ? -2 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -2;
        }
    }
}
