package org.kalaja.portal.web;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.identity.Account;
import org.kalaja.portal.identity.Session;
import org.kalaja.portal.store.Who;

/**
 * A citizen's browser for page tests: real HTTP to the fixture's server, the real session cookie made by
 * the portal's own session code for an account registered through the real accounts service, and no
 * redirects followed, so each test sees the status and Location a browser would.
 */
final class CitizenBrowser {
    static final Who REQUEST = new Who("anonymous", "", "", "127.0.0.1", "test");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]*)\"");

    final String base;
    final Account account;
    final Who who;
    private final HttpClient http;
    private final String csrf;

    private CitizenBrowser(String base, Account account, HttpClient http, String csrf) {
        this.base = base;
        this.account = account;
        this.who = new Who("citizen:" + account.id(), account.name(), "citizen", "127.0.0.1", "test");
        this.http = http;
        this.csrf = csrf;
    }

    /** Registers a citizen and signs them in. */
    static CitizenBrowser signIn(PortalFixture fx, String base, String name, String personalNumber, String email) {
        Account a = fx.portal.identity().accounts().registerCitizen(REQUEST, name, personalNumber, email, "correct horse battery 42");
        Session s = fx.portal.sessions().start(a.id(), Account.CITIZEN, null, a.name(), true);
        CookieManager cookies = new CookieManager();
        HttpCookie c = new HttpCookie("kalaja_session", fx.portal.sessions().encode(s));
        c.setPath("/");
        c.setVersion(0);
        cookies.getCookieStore().add(URI.create(base), c);
        return new CitizenBrowser(base, a, HttpClient.newBuilder().cookieHandler(cookies).build(), s.csrf());
    }

    /** A visitor who is not signed in (their CSRF token comes from the first page they load). */
    static HttpClient anonymous() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    /** Posts {@code fields} as a form with this session's CSRF token; values may repeat (checkboxes). */
    HttpResponse<String> post(String path, Map<String, List<String>> fields) {
        List<String> pairs = new ArrayList<>();
        pairs.add("_csrf=" + enc(csrf));
        fields.forEach((k, vs) -> vs.forEach(v -> pairs.add(enc(k) + "=" + enc(v))));
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("&", pairs))).build());
    }

    HttpResponse<String> post(String path, String... nameValues) {
        Map<String, List<String>> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) m.computeIfAbsent(nameValues[i], k -> new ArrayList<>()).add(nameValues[i + 1]);
        return post(path, m);
    }

    private HttpResponse<String> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String location(HttpResponse<String> r) {
        return r.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no redirect: " + r.statusCode() + "\n" + r.body()));
    }

    /** Every form of the page carries the token (the identity filter refuses a POST without it). */
    static List<String> csrfTokens(String html) {
        Matcher m = CSRF.matcher(html);
        List<String> out = new ArrayList<>();
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /** The page's text without tags, whitespace collapsed, for assertions on what a person reads. */
    static String text(String html) {
        return html.replaceAll("(?s)<head>.*</head>", "").replaceAll("<[^>]+>", " ").replace("&#39;", "'").replace("&amp;", "&")
                .replaceAll("\\s+", " ");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
