package org.kalaja.portal.web;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.web.AuthzWorld.Citizen;
import org.kalaja.portal.web.AuthzWorld.Kind;
import org.kalaja.portal.web.AuthzWorld.Persona;

/**
 * Every route of the citizen, document, back-office and admin areas, as read from {@link CitizenRoutes},
 * {@link CitizenJourney}, {@link DocumentRoutes}, {@link ClerkRoutes} and {@link AdminRoutes}, with what
 * each kind of person MUST get. Public pages (home, start pages, verification, status, sign-in) have no
 * owner and are covered by the security-header tests.
 */
final class AuthzRoutes {
    private AuthzRoutes() {
    }

    enum Area { CITIZEN, CLERK, ADMIN }

    /** What a route acts on: nothing (a list or a creation), or one of a citizen's things. */
    enum Thing {
        NONE(""), DRAFT("draft"), COMPLETE_DRAFT("draft"), SENT_DRAFT("sent draft"), SUBMITTED("ref"), ASKED("ref"),
        APPROVED("ref"), LETTER("letter"), DOCUMENT("document");

        final String noun;

        Thing(String noun) {
            this.noun = noun;
        }

        /** Where the thing is stored: its collection, or null for NONE. */
        @Nullable String collection() {
            return switch (this) {
                case NONE -> null;
                case DRAFT, COMPLETE_DRAFT, SENT_DRAFT -> "drafts";
                case SUBMITTED, ASKED, APPROVED -> "applications";
                case LETTER -> "inbox";
                case DOCUMENT -> "documents";
            };
        }

        /** Its key for {@code owner}, given its id. */
        String key(Citizen owner, String id) {
            return switch (this) {
                case SUBMITTED, ASKED, APPROVED -> owner.institution + ":" + id;
                case DOCUMENT -> id;
                default -> owner.account.id() + ":" + id;
            };
        }
    }

    /**
     * One route. {@code template} names the thing as {@code {id}}, its institution as {@code {inst}} and
     * the owner's first form page as {@code {page}}; {@code ok} and {@code okLocation} are what the owner
     * gets ({@code {id}} and {@code {page}} substituted); {@code scoped}: the request names the institution
     * (an admin needs that, a clerk's own institution MUST win over it).
     */
    record Route(String method, String template, Area area, Thing thing, int ok, @Nullable String okLocation, boolean scoped) {
        boolean post() {
            return method.equals("POST");
        }

        boolean bulk() {
            return template.startsWith("/clerk/bulk");
        }

        String display(@Nullable Citizen owner) {
            if (owner == null) return method + " " + template;
            return method + " " + template.replace("{id}", "{" + owner.label + "'s " + thing.noun + "}")
                    .replace("{inst}", owner.institution.equals(AuthzWorld.X) ? "X" : "Y").replace("{page}", "{first page}");
        }

        String path(@Nullable Citizen owner, String id) {
            if (owner == null) return template;
            return template.replace("{id}", id).replace("{inst}", owner.institution).replace("{page}", owner.firstPage);
        }
    }

    private static Route get(String template, Area area, Thing thing, int ok, @Nullable String okLocation) {
        return new Route("GET", template, area, thing, ok, okLocation, template.contains("institution="));
    }

    private static Route post(String template, Area area, Thing thing, int ok, @Nullable String okLocation) {
        return new Route("POST", template, area, thing, ok, okLocation, template.contains("institution="));
    }

    static final String QUEUE = "/clerk?status=all&institution=" + AuthzWorld.X;

    static final List<Route> ALL = List.of(
            get("/account", Area.CITIZEN, Thing.NONE, 200, null),
            get("/inbox", Area.CITIZEN, Thing.NONE, 200, null),
            get("/documents", Area.CITIZEN, Thing.NONE, 200, null),
            post("/services/birth-certificate/start", Area.CITIZEN, Thing.NONE, 303, "/apply/"),
            get("/apply/{id}", Area.CITIZEN, Thing.DRAFT, 302, "/apply/{id}/{page}"),
            get("/apply/{id}/{page}", Area.CITIZEN, Thing.DRAFT, 200, null),
            get("/apply/{id}/check", Area.CITIZEN, Thing.DRAFT, 302, "/apply/{id}/{page}"),
            get("/apply/{id}/done", Area.CITIZEN, Thing.SENT_DRAFT, 200, null),
            post("/apply/{id}/{page}", Area.CITIZEN, Thing.DRAFT, 303, "/apply/{id}/"),
            post("/apply/{id}/check", Area.CITIZEN, Thing.COMPLETE_DRAFT, 303, "/apply/{id}/done"),
            post("/apply/{id}/delete", Area.CITIZEN, Thing.DRAFT, 303, "/account?deleted=1"),
            get("/account/applications/{id}", Area.CITIZEN, Thing.SUBMITTED, 200, null),
            post("/account/applications/{id}/information", Area.CITIZEN, Thing.ASKED, 303, "/account/applications/{id}?answered=1"),
            get("/inbox/{id}", Area.CITIZEN, Thing.LETTER, 200, null),
            get("/documents/{id}", Area.CITIZEN, Thing.DOCUMENT, 200, null),
            get("/documents/{id}/sealed.txt", Area.CITIZEN, Thing.DOCUMENT, 200, null),
            get(QUEUE, Area.CLERK, Thing.NONE, 200, null),
            get("/clerk/applications/{id}", Area.CLERK, Thing.SUBMITTED, 200, null),
            get("/clerk/applications/{id}?institution={inst}", Area.CLERK, Thing.SUBMITTED, 200, null),
            post("/clerk/applications/{id}/approve?institution={inst}", Area.CLERK, Thing.SUBMITTED, 303, "/clerk/applications/{id}"),
            post("/clerk/applications/{id}/reject?institution={inst}", Area.CLERK, Thing.SUBMITTED, 303, "/clerk/applications/{id}"),
            post("/clerk/applications/{id}/request-information?institution={inst}", Area.CLERK, Thing.SUBMITTED, 303,
                    "/clerk/applications/{id}"),
            post("/clerk/applications/{id}/issue?institution={inst}", Area.CLERK, Thing.APPROVED, 303, "/clerk/applications/{id}"),
            post("/clerk/bulk?institution={inst}", Area.CLERK, Thing.SUBMITTED, 200, null),
            get("/admin/staff", Area.ADMIN, Thing.NONE, 200, null),
            post("/admin/staff", Area.ADMIN, Thing.NONE, 200, null));

    /** What a person gets: a status, a Location that must start with {@code location}, and whether it is access. */
    record Expect(int status, @Nullable String location, boolean allowed) {
        @Override
        public String toString() {
            return status == 302 || status == 303 ? status + " " + location : Integer.toString(status);
        }
    }

    /** What {@code p} MUST get on {@code r} over {@code owner}'s thing (null for routes over none). */
    static Expect expect(Persona p, Route r, @Nullable Citizen owner, String path, String id) {
        if (p.kind() == Kind.ANONYMOUS) {
            return new Expect(302, r.post() ? "/sign-in" : "/sign-in?next=" + AuthzBrowser.enc(path), false);
        }
        if (p.kind() == Kind.HALF_SIGNED_IN) {
            return new Expect(302, r.post() ? "/sign-in/two-factor" : "/sign-in/two-factor?next=" + AuthzBrowser.enc(path), false);
        }
        Expect allowed = new Expect(r.ok(), r.okLocation() == null ? null
                : r.okLocation().replace("{id}", id).replace("{page}", owner == null ? "" : owner.firstPage), true);
        Expect forbidden = new Expect(403, null, false);
        return switch (r.area()) {
            case CITIZEN -> p.kind() != Kind.CITIZEN ? forbidden : owner == null || p.citizen() == owner ? allowed : new Expect(404, null, false);
            case CLERK -> switch (p.kind()) {
                case CITIZEN -> forbidden;
                case ADMIN -> owner == null || r.scoped() ? allowed : new Expect(404, null, false);
                default -> owner == null || owner.institution.equals(p.institution()) ? allowed
                        : new Expect(r.bulk() ? 200 : 404, null, false);
            };
            case ADMIN -> p.kind() == Kind.ADMIN ? allowed : forbidden;
        };
    }

    /** The form a route posts: what its owner's page would send, naming the thing's institution too. */
    static List<Map.Entry<String, String>> form(Route r, @Nullable Citizen owner, String id, long version, String unique) {
        String v = Long.toString(version);
        String inst = owner == null ? AuthzWorld.X : owner.institution;
        if (r.template().equals("/admin/staff")) {
            return List.of(Map.entry("name", "Arben Shehu"), Map.entry("email", unique + "@gjendjecivile.gov.al"), Map.entry("role", "clerk"),
                    Map.entry("institution", AuthzWorld.X));
        }
        if (r.template().startsWith("/apply/{id}/{page}") && owner != null) return owner.answers;
        if (r.template().endsWith("/information")) return List.of(Map.entry("answer", "Spitali Koço Gliozheni"), Map.entry("version", v));
        if (r.bulk()) {
            return List.of(Map.entry("ref", id), Map.entry("seen", id + "@" + v), Map.entry("action", "approve"), Map.entry("note", ""),
                    Map.entry("institution", inst));
        }
        if (r.template().startsWith("/clerk/applications/")) {
            String action = r.template().substring(r.template().lastIndexOf('/') + 1, r.template().indexOf('?'));
            String field = switch (action) {
                case "approve" -> "note";
                case "reject" -> "reason";
                case "request-information" -> "question";
                default -> "comment";
            };
            return List.of(Map.entry("version", v), Map.entry(field, "Checked against the register"), Map.entry("institution", inst));
        }
        return List.of();
    }
}
