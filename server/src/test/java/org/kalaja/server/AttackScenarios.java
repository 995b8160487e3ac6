package org.kalaja.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Role;

/**
 * What the sentinel's end-to-end tests do to a node over HTTP: realistic personal records, an attacker's
 * requests fired at once and timed on the client, ciphertext as ransomware writes it, and the incidents
 * an administrator reads back. Works against an in-process {@link RunningNode} and a {@link ServeProcess}.
 */
final class AttackScenarios {
    /** Record writes and reads over HTTP, as one caller sees them. */
    @FunctionalInterface
    interface Api {
        HttpResponse<String> send(String method, String path, @Nullable String token, @Nullable String body);

        default HttpResponse<String> get(String path, String token) {
            return send("GET", path, token, null);
        }
    }

    /**
     * One request of an attack as the client saw it.
     *
     * @param sent     {@link System#nanoTime()} just before the request was handed to the HTTP client
     * @param received {@link System#nanoTime()} when its response was complete
     * @param index    the log index of the write's entry, -1 for a refusal or a read
     */
    record Shot(String key, long sent, long received, int status, String error, long index) {
        Shot(String key, long sent, long received, HttpResponse<String> r) {
            this(key, sent, received, r.statusCode(), AttackScenarios.error(r), r.statusCode() < 300 ? RemoteNode.parse(r.body()).path("index").asLong(-1) : -1);
        }

        boolean served() {
            return status == 200 || status == 201;
        }

        double millis() {
            return (received - sent) / 1e6;
        }
    }

    /**
     * How an attack ended: how many requests the node served, and the first refusal the client received
     * (its round trip is the detection latency: the refusal is decided in memory before any write).
     */
    record Detection(String scenario, List<Shot> shots, int served, List<Shot> refused, Shot first) {
        static Detection of(String scenario, List<Shot> shots) {
            List<Shot> refused = shots.stream().filter(s -> !s.served()).toList();
            assertThat(refused).as("%s: the node refused none of %d requests", scenario, shots.size()).isNotEmpty();
            Shot first = refused.stream().min(Comparator.comparingLong(Shot::received)).orElseThrow();
            Detection d = new Detection(scenario, List.copyOf(shots), shots.size() - refused.size(), refused, first);
            System.out.printf(Locale.ROOT, "[sentinel e2e] %s: %d served, %d refused; first refusal %d %s after %.1f ms "
                    + "(sent to received), slowest refusal %.1f ms%n", scenario, d.served, refused.size(), first.status, first.error,
                    first.millis(), refused.stream().mapToDouble(Shot::millis).max().orElse(0));
            return d;
        }

        /** The requests the node carried out. */
        List<Shot> damage() {
            return shots.stream().filter(Shot::served).toList();
        }

        Duration latency() {
            return Duration.ofNanos(first.received - first.sent);
        }
    }

    static final String ATTACKER_ADDRESS = "127.0.0.2";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A node on its default rules where a clerk wrote {@code citizens/c0…} before the attack, and the admin
     * token the attacker stole (minted by the system, so the bootstrap admin stays independent of it).
     */
    record Scene(RunningNode node, Api staff, Api attacker, String clerk, String stolen, Map<String, String> records)
            implements AutoCloseable {
        static Scene open(Path dir, int records) {
            RunningNode n = RunningNode.start(dir);
            Api staff = api(n);
            String clerk = n.tokenFor(Role.CLERK);
            String stolen = n.tokenFor(Role.ADMIN);
            return new Scene(n, staff, AttackScenarios.attacker(n), clerk, stolen, writeCitizens(staff, clerk, "citizens", "c", records));
        }

        List<String> keys() {
            return List.copyOf(records.keySet());
        }

        @Override
        public void close() {
            node.close();
        }
    }

    private AttackScenarios() {
    }

    static Api api(RunningNode n) {
        return (method, path, token, body) -> n.send(method, path, token, body, Map.of());
    }

    /** A client of a node in another process. */
    static Api api(String baseUrl) {
        return over(baseUrl, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /**
     * The attacker's client: from {@value #ATTACKER_ADDRESS}, not the staff's 127.0.0.1, as a stolen token is
     * used from somewhere else (Linux routes all of 127.0.0.0/8 to the loopback interface). Containment may
     * then block the attacker's address without locking the staff out.
     */
    static Api attacker(RunningNode n) {
        try {
            return over(n.url(""), HttpClient.newBuilder().localAddress(InetAddress.getByName(ATTACKER_ADDRESS))
                    .connectTimeout(Duration.ofSeconds(5)).build());
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static Api over(String baseUrl, HttpClient client) {
        return (method, path, token, body) -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(20))
                    .header("User-Agent", "kalaja-test/1");
            if (token != null) b.header("Authorization", "Bearer " + token);
            if (body != null) b.header("Content-Type", "application/json");
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            try {
                return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        };
    }

    /** A civil-status record of about 900 bytes: what a wiper deletes and ransomware encrypts. */
    static String citizen(int i) {
        return String.format(Locale.ROOT, "{\"id\":\"J%08dA\",\"given_name\":\"Arta\",\"family_name\":\"Hoxha-%d\",\"born\":\"19%02d-%02d-%02d\","
                + "\"birthplace\":\"Tirana\",\"address\":{\"street\":\"Rruga e Durresit %d\",\"city\":\"Tirana\",\"postcode\":\"100%02d\"},"
                + "\"status\":\"submitted\",\"service\":\"birth-certificate\",\"notes\":[\"Applied at the front desk of the civil status office"
                + " on a weekday morning, with the identity card and the old certificate.\",\"Father's name checked against the register of"
                + " 1987; the spelling of the family name differs in one letter and was corrected on request.\",\"Copy to be sent to the"
                + " municipality of Durres where the applicant now lives; the applicant will collect the original in person.\"]}",
                i * 7919, i, 50 + i % 50, 1 + i % 12, 1 + i % 28, i, i % 100);
    }

    /** PUTs {@code count} citizens as {@code key-0…}, 8 at a time; returns each key's body. */
    static Map<String, String> writeCitizens(Api api, String token, String collection, String prefix, int count) {
        Map<String, String> bodies = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) bodies.put(prefix + i, citizen(i));
        List<Shot> shots = burst(8, List.copyOf(bodies.keySet()), k -> api.send("PUT", record(collection, k), token, bodies.get(k)));
        assertThat(shots).as("the records written before the attack").allSatisfy(s -> assertThat(s.served()).as(s.toString()).isTrue());
        return bodies;
    }

    static String record(String collection, String key) {
        return "/api/v1/records/" + collection + "/" + key;
    }

    /** Every key's request from {@code threads} threads released together; the shots in key order. */
    static List<Shot> burst(int threads, List<String> keys, Function<String, HttpResponse<String>> request) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Shot>> futures = new ArrayList<>();
            for (String key : keys) {
                futures.add(pool.submit(() -> {
                    go.await();
                    long sent = System.nanoTime();
                    HttpResponse<String> r = request.apply(key);
                    return new Shot(key, sent, System.nanoTime(), r);
                }));
            }
            go.countDown();
            List<Shot> shots = new ArrayList<>();
            for (Future<Shot> f : futures) shots.add(f.get(60, TimeUnit.SECONDS));
            return shots;
        } catch (Exception e) {
            throw new AssertionError("a request of the burst failed: " + e, e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The {@code error} code of an error response, {@code ""} for a success. */
    static String error(HttpResponse<String> r) {
        return r.statusCode() < 400 ? "" : RemoteNode.parse(r.body()).path("error").asText("");
    }

    /** Ransomware's replacement of a record: the whole body under AES-256-GCM, base64 inside JSON. */
    static String encrypted(String body, SecretKey key) {
        byte[] iv = new byte[12];
        RANDOM.nextBytes(iv);
        byte[] sealed = aesGcm(key, iv, body.getBytes(UTF_8));
        return "{\"alg\":\"A256GCM\",\"iv\":\"" + b64(iv) + "\",\"ciphertext\":\"" + b64(sealed) + "\"}";
    }

    static SecretKey aesKey() {
        try {
            KeyGenerator g = KeyGenerator.getInstance("AES");
            g.init(256, RANDOM);
            return g.generateKey();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** An encrypted file (AES-GCM of {@code size} bytes of a scanned document) as base64. */
    static String encryptedFile(int size) {
        byte[] plain = new byte[size];
        RANDOM.nextBytes(plain);
        byte[] iv = new byte[12];
        RANDOM.nextBytes(iv);
        return b64(aesGcm(aesKey(), iv, plain));
    }

    /** A gzip-compressed text file as base64. */
    static String compressedFile(int lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            for (int i = 0; i < lines; i++) {
                gz.write(String.format(Locale.ROOT, "%d;%08x;salary slip line %d;%d.%02d EUR%n", i, RANDOM.nextInt(), i,
                        RANDOM.nextInt(5000), RANDOM.nextInt(100)).getBytes(UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b64(out.toByteArray());
    }

    private static byte[] aesGcm(SecretKey key, byte[] iv, byte[] plain) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
            return c.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The incidents an administrator lists. */
    static List<JsonNode> incidents(Api api, String adminToken) {
        HttpResponse<String> r = api.get("/api/v1/incidents", adminToken);
        assertThat(r.statusCode()).as("GET /api/v1/incidents: %s", r.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        RemoteNode.parse(r.body()).path("incidents").forEach(out::add);
        return out;
    }

    /** Polls the incident list (its entries follow the refusal within milliseconds) until one matches. */
    static JsonNode awaitIncident(Api api, String adminToken, Predicate<JsonNode> which, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        List<JsonNode> seen = List.of();
        while (System.nanoTime() < deadline) {
            seen = incidents(api, adminToken);
            Optional<JsonNode> found = seen.stream().filter(which).findFirst();
            if (found.isPresent()) return found.get();
            Thread.sleep(50);
        }
        throw new AssertionError("no such incident within " + atMost + "; the node lists " + seen);
    }

    /** An incident raised by the rule of this name or id (the list gives the rule as an object or as its name). */
    static Predicate<JsonNode> ruleNamed(String name) {
        return i -> {
            JsonNode rule = i.path("rule");
            return rule.isTextual() ? name.equals(rule.asText()) : name.equals(rule.path("name").asText()) || name.equals(rule.path("id").asText());
        };
    }

    static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(field.isEmpty() ? x.asText() : x.path(field).asText()));
        return out;
    }
}
