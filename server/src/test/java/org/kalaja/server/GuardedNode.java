package org.kalaja.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Caller;
import org.kalaja.engine.Role;

/**
 * A real node with its sentinel, for the sentinel's API tests: SQLite in a temporary directory, HTTP on
 * 127.0.0.1, optional Sigma rule files of the test's own, and a client speaking JSON over the network.
 */
final class GuardedNode implements AutoCloseable {
    /** Deleting {@code canary/trip} puts the node in safe mode: a honeytoken record, as an operator might set one. */
    static final String CANARY_RULE = """
            title: Deletion of the canary record
            id: 6a0c2f4e-58b1-4d7e-9b3a-2f1e0d9c8b7a
            name: canary_deleted
            status: experimental
            taxonomy: ecs
            logsource:
                product: kalaja
                service: audit
            detection:
                selection:
                    event.action: record.delete
                    kalaja.record: canary/trip
                condition: selection
            level: critical
            tags:
                - attack.impact
                - attack.t1485
            kalaja:
                attack_version: '19.0'
                contain: [safe_mode]
            """;

    /** The CLI's own User-Agent: an admin using this client and `kalaja …` is one client, not a first-seen one. */
    private static final Map<String, String> AS_THE_CLI = Map.of("User-Agent", "kalaja-cli/" + Version.current());

    final RunningNode running;
    final Node node;
    final String adminToken;

    private GuardedNode(RunningNode running) {
        this.running = running;
        this.node = running.node;
        this.adminToken = running.adminToken;
    }

    /** A node on {@code dir} with the default rules plus {@code rules} (file name → YAML) in {@code dir/rules}. */
    static GuardedNode start(Path dir, Map<String, String> rules) throws IOException {
        if (!rules.isEmpty()) {
            Files.createDirectories(dir.resolve("rules"));
            for (var r : rules.entrySet()) Files.writeString(dir.resolve("rules").resolve(r.getKey()), r.getValue());
        }
        return new GuardedNode(RunningNode.start(dir));
    }

    String url() {
        return running.url("/");
    }

    /** A token made by the node itself (as `kalaja token create` on the first admin's behalf would). */
    String tokenFor(Role role, String name) {
        return node.tokens().create(Caller.SYSTEM, role, name).token();
    }

    static String actor(String token) {
        return "token:" + org.kalaja.engine.Tokens.idOf(token);
    }

    HttpResponse<String> send(String method, String path, @Nullable String token, @Nullable String json) {
        return running.send(method, path, token, json, AS_THE_CLI);
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return HttpApi.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.body(), e);
        }
    }

    /** Writes {@code n} records {@code collection/k0…} as the first admin. */
    void seed(String collection, int n) {
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = send("PUT", "/api/v1/records/" + collection + "/k" + i, adminToken, body(i));
            if (r.statusCode() != 201) throw new AssertionError("seeding failed: " + r.statusCode() + " " + r.body());
        }
    }

    /**
     * Seeds {@code civil/k0…k11}, then a stolen token of {@code role} deletes {@code k0…k10}: the default
     * mass-deletion rule lets 10 through and refuses the 11th. The containment entries are durable when
     * it returns.
     */
    Attack massDeletion(Role role) {
        seed("civil", 12);
        String stolen = tokenFor(role, "stolen");
        HttpResponse<String> last = null;
        for (int i = 0; i < 11; i++) last = send("DELETE", "/api/v1/records/civil/k" + i, stolen, null);
        node.sentinel().sentinel().flush();
        return new Attack(stolen, last);
    }

    /** The stolen token and the answer to its 11th deletion. */
    record Attack(String token, HttpResponse<String> eleventh) {
    }

    static String body(int i) {
        return "{\"name\": \"citizen " + i + "\", \"born\": \"19" + (50 + i % 50) + "-01-01\"}";
    }

    List<JsonNode> incidents() {
        List<JsonNode> out = new java.util.ArrayList<>();
        json(send("GET", "/api/v1/incidents", adminToken, null)).path("incidents").forEach(out::add);
        return out;
    }

    @Override
    public void close() {
        running.close();
    }
}
