package org.kalaja.server.drill;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kalaja.server.PortalForms;

/**
 * A citizen using the portal's pages as a browser does (cookies, the forms' CSRF tokens, redirects
 * followed): signs in with email and password, applies for a birth certificate for themself, and looks
 * at their applications. A demo citizen of {@code serve --demo}.
 */
final class Citizen {
    static final String PASSWORD = "demo-citizen-2026";
    private static final Pattern REFERENCE = Pattern.compile("<strong id=\"reference\">([^<]+)</strong>");
    private static final Pattern PAGE = Pattern.compile("/apply/[^/]+/([a-z-]+)$");
    /** The answers of the birth certificate's pages for oneself (services/birth-certificate.yaml). */
    private static final Map<String, String> ANSWERS = Map.of("for-whom", "self", "reason", "school", "language", "sq");

    private final String base;
    private final String email;
    private final HttpClient http;
    private String csrf = "";

    /** @param base the node's address without the trailing slash */
    Citizen(String base, String email) {
        this.base = base;
        this.email = email;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    String email() {
        return email;
    }

    /** Signs in; false if the portal did not take the password (or answered otherwise than with the account page). */
    boolean signIn() throws IOException, InterruptedException {
        csrf = csrfOf(get("/sign-in").body());
        HttpResponse<String> r = post(base + "/sign-in", Map.of("email", email, "password", PASSWORD));
        if (r.statusCode() != 200 || !r.uri().getPath().equals("/account")) return false;
        csrf = csrfOf(r.body()); // a new session's token
        return true;
    }

    /**
     * Applies for a birth certificate, page by page; returns the reference the portal showed on its
     * "application sent" page (so the application was committed), or null if it did not get there.
     */
    String applyForBirthCertificate() throws IOException, InterruptedException {
        HttpResponse<String> r = post(base + "/services/birth-certificate/start", Map.of());
        for (int step = 0; step < 12 && r.statusCode() == 200; step++) {
            Matcher page = PAGE.matcher(r.uri().getPath());
            if (!page.find()) return null;
            if (page.group(1).equals("done")) {
                Matcher reference = REFERENCE.matcher(r.body());
                return reference.find() ? reference.group(1) : null;
            }
            String answer = ANSWERS.get(page.group(1));
            r = post(r.uri().toString(), answer == null ? Map.of() : Map.of(page.group(1), answer)); // "check" sends it
        }
        return null;
    }

    /** This citizen's applications page ({@code /account}). */
    HttpResponse<String> applications() throws IOException, InterruptedException {
        return get("/account");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, Map<String, String> fields) throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>(fields);
        form.put("_csrf", csrf);
        return PortalForms.post(http, url, form);
    }

    private static String csrfOf(String html) {
        return PortalForms.csrf(html).orElse("");
    }
}
