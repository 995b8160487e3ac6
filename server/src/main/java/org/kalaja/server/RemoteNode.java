package org.kalaja.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * A running node as the CLI reaches it: {@code --url} and {@code --token}, defaulting to
 * {@code KALAJA_URL} and {@code KALAJA_TOKEN}. A picocli mixin.
 */
final class RemoteNode {
    @Option(names = "--url", description = "the node's URL (default: env KALAJA_URL, else ${DEFAULT-VALUE})",
            defaultValue = "${env:KALAJA_URL:-http://127.0.0.1:8080/}")
    String url;

    @Option(names = "--token", description = "API token (default: env KALAJA_TOKEN)", defaultValue = "${env:KALAJA_TOKEN}")
    @Nullable String token;

    /** An answer from the node. */
    record Response(int status, String body, Map<String, java.util.List<String>> headers) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        String header(String name) {
            return headers.getOrDefault(name, java.util.List.of("")).get(0);
        }
    }

    /** The node could not be reached, or answered with an error; the message says what to do. */
    static final class Failure extends RuntimeException {
        final int exitCode;

        Failure(String message, int exitCode) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    Response send(String method, String path, @Nullable String json, Map<String, String> headers) {
        if (token == null || token.isBlank()) {
            throw new Failure("no API token: set KALAJA_TOKEN or pass --token; the first admin token is in "
                    + "kalaja-data/bootstrap-token (or the --data directory the node was started with)", 2);
        }
        URI base = URI.create(url.endsWith("/") ? url : url + "/");
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path.substring(1)))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token.strip())
                .header("User-Agent", "kalaja-cli/" + Version.current());
        headers.forEach(b::header);
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body(), r.headers().map());
        } catch (ConnectException e) {
            throw new Failure("cannot reach " + base + ": is `kalaja serve` running there? Set KALAJA_URL or pass --url", 3);
        } catch (IOException e) {
            throw new Failure("cannot talk to " + base + ": " + e.getMessage(), 3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted", 1);
        }
    }

    /** {@link #send}, failing with the node's own error and detail unless the answer is a success. */
    JsonNode call(String method, String path, @Nullable String json, Map<String, String> headers) {
        return parse(ok(send(method, path, json, headers)).body());
    }

    /** {@code r} if it is a success, else a failure carrying the node's error code and detail. */
    static Response ok(Response r) {
        if (!r.ok()) {
            JsonNode body = parse(r.body());
            throw new Failure(r.status() + " " + body.path("error").asText("error") + ": " + body.path("detail").asText(r.body()), 1);
        }
        return r;
    }

    static JsonNode parse(String s) {
        try {
            return HttpApi.JSON.readTree(s.isEmpty() ? "{}" : s);
        } catch (IOException e) {
            return HttpApi.JSON.createObjectNode().put("detail", s);
        }
    }

    static String pretty(JsonNode node) {
        try {
            return HttpApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
