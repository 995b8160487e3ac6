package org.kalaja.server.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * The attacker of the drill: requests with stolen administrator tokens (ATT&CK T1078) from an address
 * of its own on loopback, phase by phase as the 2022 campaign went, each request timed on the client;
 * and an edit of the primary's database behind Kalaja's back.
 */
final class Attack {
    /** The attacker's address: another loopback address, so the node sees a client it never saw. */
    static final String ADDRESS = "127.0.0.66";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** One request as the attacker saw it: when it was sent and answered (nanoTime), and the answer. */
    record Shot(String key, long sent, long received, int status) {
        boolean served() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * A phase's outcome.
     *
     * @param detectionMs from sending the first request the node refused to receiving its refusal; -1 if none was refused
     * @param damaged     the records a served write or delete changed
     */
    record Phase(String name, List<String> techniques, int sent, int served, double detectionMs, List<String> damaged, long startedNanos,
            long endedNanos, long detectedNanos) {
        boolean contained() {
            return detectionMs >= 0;
        }
    }

    private final String base;
    private final HttpClient http;
    /** The administrators' own client, for reading the incident list. */
    private final HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService pool = Executors.newFixedThreadPool(16, r -> Thread.ofPlatform().daemon(true).unstarted(r));

    Attack(String base) throws IOException {
        this.base = base;
        this.http = HttpClient.newBuilder().localAddress(InetAddress.getByName(ADDRESS)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** T1213, T1567: reading citizens' records one after the other, to copy them out. */
    Phase exfiltrate(String stolen, List<String> keys) {
        long start = System.nanoTime();
        List<Shot> shots = new ArrayList<>();
        for (String k : keys) {
            Shot s = send(stolen, "GET", "citizens", k, null);
            shots.add(s);
            if (!s.served() && shots.size() > 40) break; // contained: the attacker stops after a few more refusals
        }
        return phase("exfiltration", List.of("T1078", "T1213", "T1567"), shots, List.of(), start);
    }

    /** T1486: ransomware overwriting documents with ciphertext, 16 requests at a time. */
    Phase encrypt(String stolen, List<String> keys) {
        long start = System.nanoTime();
        SecureRandom random = new SecureRandom();
        List<Shot> shots = parallel(keys, k -> {
            byte[] c = new byte[384];
            random.nextBytes(c);
            return send(stolen, "PUT", "documents", k, "{\"ciphertext\":\"" + Base64.getEncoder().encodeToString(c) + "\"}");
        });
        return phase("ransomware", List.of("T1078", "T1486"), shots, damaged(shots, "documents"), start);
    }

    /** T1485: a wiper deleting the inbox through the API, 16 requests at a time. */
    Phase wipeRecords(String stolen, List<String> keys) {
        long start = System.nanoTime();
        List<Shot> shots = parallel(keys, k -> send(stolen, "DELETE", "inbox", k, null));
        return phase("deletion", List.of("T1078", "T1485"), shots, damaged(shots, "inbox"), start);
    }

    /**
     * T1565.001: someone with the database's credentials (or root) points a citizen's current-state row
     * at another citizen's entry, behind Kalaja's back. Detected when the node lists an incident for it;
     * {@code detectionMs} runs from the edit's commit to that.
     */
    Phase editDatabase(Path db, String admin, String victim, String other) throws Exception {
        long start = System.nanoTime();
        java.util.Set<String> before = new java.util.HashSet<>();
        incidents(plain, base, admin).forEach(i -> before.add(i.path("id").asText()));
        int edited;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            edited = s.executeUpdate("UPDATE state SET idx = (SELECT idx FROM state WHERE collection = 'citizens' AND key = '" + other
                    + "') WHERE collection = 'citizens' AND key = '" + victim + "'");
        }
        long committed = System.nanoTime();
        double detection = -1;
        while (edited == 1 && System.nanoTime() - committed < TimeUnit.SECONDS.toNanos(10)) {
            boolean seen = incidents(plain, base, admin).stream()
                    .anyMatch(i -> !before.contains(i.path("id").asText()) && i.path("techniques").toString().contains("T1565.001"));
            if (seen) {
                detection = (System.nanoTime() - committed) / 1e6;
                break;
            }
            Thread.sleep(20);
        }
        List<String> damaged = edited == 1 ? List.of("citizens/" + victim) : List.of();
        long detectedAt = detection < 0 ? -1 : committed + (long) (detection * 1e6);
        return new Phase("database edit", List.of("T1565.001"), edited, edited, detection, damaged, start, System.nanoTime(), detectedAt);
    }

    private static List<String> damaged(List<Shot> shots, String collection) {
        return shots.stream().filter(Shot::served).map(s -> collection + "/" + s.key()).toList();
    }

    private static Phase phase(String name, List<String> techniques, List<Shot> shots, List<String> damaged, long start) {
        java.util.Optional<Shot> first = shots.stream().filter(s -> !s.served()).min(Comparator.comparingLong(Shot::sent));
        double detection = first.map(s -> (s.received() - s.sent()) / 1e6).orElse(-1.0);
        int served = (int) shots.stream().filter(Shot::served).count();
        return new Phase(name, techniques, shots.size(), served, detection, damaged, start, System.nanoTime(), first.map(Shot::received).orElse(-1L));
    }

    private List<Shot> parallel(List<String> keys, java.util.function.Function<String, Shot> one) {
        List<CompletableFuture<Shot>> all = keys.stream().map(k -> CompletableFuture.supplyAsync(() -> one.apply(k), pool)).toList();
        return all.stream().map(CompletableFuture::join).toList();
    }

    private Shot send(String token, String method, String collection, String key, @Nullable String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1/records/" + collection + "/" + key))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).header("User-Agent", "python-requests/2.31");
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        long sent = System.nanoTime();
        try {
            int status = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            return new Shot(key, sent, System.nanoTime(), status);
        } catch (IOException e) {
            return new Shot(key, sent, System.nanoTime(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Shot(key, sent, System.nanoTime(), 0);
        }
    }

    /** The incidents the node lists, as an administrator reads them. */
    static List<JsonNode> incidents(HttpClient http, String base, String admin) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/incidents")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("GET /api/v1/incidents answered " + r.statusCode() + " " + r.body());
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(r.body()).path("incidents").forEach(out::add);
        return out;
    }

    void close() {
        pool.shutdownNow();
    }
}
