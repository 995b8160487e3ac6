package org.kalaja.portal.web;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.identity.Session;
import org.kalaja.portal.identity.Sessions;

/**
 * One person's browser for the authorization matrix: its own cookie jar, redirects not followed (the
 * matrix asserts them), and forms posted with the CSRF token this browser legitimately holds (the
 * session's, or the anonymous {@code kalaja_csrf} cookie), so a refusal is about who asks, not the token.
 */
final class AuthzBrowser {
    final String label;
    private final String base;
    private final Sessions sessions;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;

    AuthzBrowser(String label, String base, Sessions sessions) {
        this.label = label;
        this.base = base;
        this.sessions = sessions;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    /** Posts {@code fields} (a name may repeat) with this browser's own CSRF token. */
    HttpResponse<String> post(String path, List<Map.Entry<String, String>> fields) {
        List<Map.Entry<String, String>> all = new ArrayList<>(fields);
        all.add(Map.entry(SessionFilter.CSRF_FIELD, csrf()));
        return postExactly(path, all);
    }

    HttpResponse<String> post(String path, String... nameValues) {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) fields.add(Map.entry(nameValues[i], nameValues[i + 1]));
        return post(path, fields);
    }

    /** Posts exactly {@code fields}: no token added (the CSRF tests choose it). */
    HttpResponse<String> postExactly(String path, List<Map.Entry<String, String>> fields) {
        String body = fields.stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The token a form of this browser carries: the session's, else the anonymous cookie's (fetched once). */
    String csrf() {
        Optional<Session> s = session();
        if (s.isPresent()) return s.get().csrf();
        if (cookie(SessionFilter.CSRF_COOKIE).isEmpty()) get("/");
        return cookie(SessionFilter.CSRF_COOKIE).orElseThrow(() -> new AssertionError("no anonymous CSRF cookie"));
    }

    /** The session this browser's cookie carries, as the portal decodes it (empty: none, or refused). */
    Optional<Session> session() {
        return sessions.decode(cookie(Sessions.COOKIE).orElse(null));
    }

    Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name) && !c.getValue().isEmpty())
                .map(HttpCookie::getValue).findFirst();
    }

    /** Replaces cookie {@code name} (a stolen, replayed or tampered value); null removes it. */
    void setCookie(String name, @Nullable String value) {
        cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).toList()
                .forEach(c -> cookies.getCookieStore().remove(null, c));
        if (value == null) return;
        HttpCookie c = new HttpCookie(name, value);
        c.setPath("/");
        c.setVersion(0);
        cookies.getCookieStore().add(URI.create(base), c);
    }

    private URI uri(String path) {
        return URI.create(path.startsWith("http") ? path : base + path);
    }

    private HttpResponse<String> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String location(HttpResponse<?> r) {
        return r.headers().firstValue("Location").orElse("");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return label;
    }
}
