package org.kalaja.server.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The node's HTTP API, as a client of the e-services gateway uses it. */
record DrillApi(String base, HttpClient http) {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    DrillApi(String base) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    String token(String admin, String role, String name) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/tokens")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"" + role + "\",\"name\":\"" + name + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) throw new IllegalStateException("creating a " + role + " token answered " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body()).path("token").asText();
    }

    /** The write, or null if it was not acknowledged. */
    String put(String token, String collection, String key, String body) {
        try {
            return send(token, collection, key, body) == 200 ? body : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    int get(String token, String collection, String key) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/records/" + collection + "/" + key)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private JsonNode post(String token, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }

    /** Undoes every incident tagged {@code technique}; returns the records restored. */
    int undo(String admin, String technique) throws IOException, InterruptedException {
        int restored = 0;
        for (JsonNode i : Attack.incidents(http, base, admin)) {
            if (!i.path("techniques").toString().contains("\"" + technique + "\"")) continue;
            restored += post(admin, "/api/v1/incidents/" + i.path("id").asText() + "/undo", "{}").path("restored").size();
        }
        return restored;
    }

    /** Two administrators: one asks to leave safe mode, the other approves. A node not in safe mode is left as it is. */
    void leaveSafeMode(String first, String second) throws IOException, InterruptedException {
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/sentinel")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + first).build(), HttpResponse.BodyHandlers.ofString());
        if (!status.body().contains("\"safe_mode\":true")) return;
        String id = post(first, "/api/v1/approvals", "{\"action\":\"safe_mode.exit\",\"reason\":\"drill: the node is rebuilt and the incidents undone\"}")
                .path("id").asText();
        post(second, "/api/v1/approvals/" + id + "/approve", "{}");
    }

    /** 200 when the node acknowledged the write (created or replaced), else its status. */
    int send(String token, String collection, String key, String body) throws IOException, InterruptedException {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/records/" + collection + "/" + key))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Idempotency-Key", collection + "-" + key).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding());
        return r.statusCode() == 201 ? 200 : r.statusCode();
    }
}
