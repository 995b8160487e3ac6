package org.kalaja.portal.web;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.identity.Session;
import org.kalaja.portal.identity.Sessions;

/**
 * A signed-in person's browser for the back office's page tests: the session cookie the real session
 * code issues, the form's CSRF token, repeated form fields (checkboxes), redirects not followed.
 */
final class ClerkBrowser {
    private final String base;
    private final @Nullable String cookie;
    private final String csrf;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    ClerkBrowser(String base, Sessions sessions, @Nullable Session session) {
        this.base = base;
        this.cookie = session == null ? null : Sessions.COOKIE + "=" + sessions.encode(session);
        this.csrf = session == null ? "" : session.csrf();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts {@code fields} (name, value pairs; a name may repeat) with the session's CSRF token. */
    HttpResponse<String> post(String path, List<Map.Entry<String, String>> fields) throws IOException, InterruptedException {
        List<Map.Entry<String, String>> all = new ArrayList<>(fields);
        all.add(Map.entry("_csrf", csrf));
        String body = all.stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return http.send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, Map<String, String> fields) throws IOException, InterruptedException {
        return post(path, List.copyOf(fields.entrySet()));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path));
        if (cookie != null) b.header("Cookie", cookie);
        return b;
    }
}
