package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Role;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;

/** Sealed collections and their keys through the real HTTP API: declarations, the key census, erasure and rotation. */
@Timeout(120)
class SealingApiTest {
    static final String CITIZENS = "/api/v1/collections/citizens";
    static final String BY_PERSONAL_NUMBER = "{\"sealed\": true, \"subject\": \"/personal_number\"}";

    @TempDir
    Path dir;

    static JsonNode json(HttpResponse<String> r) {
        return RemoteNode.parse(r.body());
    }

    static String citizen(String personalNumber, String name) {
        return "{\"personal_number\": \"" + personalNumber + "\", \"name\": \"" + name + "\"}";
    }

    static RunningNode sealedNode(Path dir) {
        RunningNode n = RunningNode.start(dir, KeyOptions.keystore("api-test-passphrase"));
        HttpResponse<String> declared = n.put(CITIZENS, n.adminToken, BY_PERSONAL_NUMBER);
        assertThat(declared.statusCode()).as(declared.body()).isEqualTo(200);
        return n;
    }

    static void write(RunningNode n, String key, String body) {
        HttpResponse<String> r = n.put("/api/v1/records/citizens/" + key, n.adminToken, body);
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
    }

    /** c1 and c3 of citizen P-100, c2 of P-200. */
    private static void writeTwoCitizens(RunningNode n) {
        write(n, "c1", citizen("P-100", "Arta"));
        write(n, "c2", citizen("P-200", "Besa"));
        write(n, "c3", citizen("P-100", "Arta, again"));
    }

    private static Entry entry(RunningNode n, long index) {
        return EntryCodec.decode(n.node.store().entry(index).orElseThrow().data());
    }

    private static void assertRefused(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(json(r).path("error").asText()).as(r.body()).isEqualTo(error);
        assertThat(json(r).path("detail").asText()).isNotBlank();
    }

    @Test
    void declaringACollectionSealedEchoesThePolicyAndIsALogEntry() {
        try (RunningNode n = RunningNode.start(dir, KeyOptions.keystore("api-test-passphrase"))) {
            HttpResponse<String> declared = n.put(CITIZENS, n.adminToken, BY_PERSONAL_NUMBER);
            HttpResponse<String> policy = n.get(CITIZENS, n.adminToken);
            HttpResponse<String> undeclared = n.get("/api/v1/collections/towns", n.adminToken);

            assertThat(declared.statusCode()).as(declared.body()).isEqualTo(200);
            assertThat(json(declared).path("collection").asText()).isEqualTo("citizens");
            assertThat(json(declared).path("sealed").asBoolean()).isTrue();
            assertThat(json(declared).path("subject").asText()).isEqualTo("/personal_number");
            Entry declaration = entry(n, json(declared).path("index").asLong());
            assertThat(declaration.collection()).isEqualTo("kalaja.collections");
            assertThat(declaration.key()).isEqualTo("citizens");
            assertThat(json(policy).path("sealed").asBoolean()).isTrue();
            assertThat(json(policy).path("subject").asText()).isEqualTo("/personal_number");
            assertThat(json(undeclared).path("sealed").asBoolean()).isFalse();
            assertThat(json(undeclared).path("subject").isNull()).isTrue();
        }
    }

    @Test
    void sealedRecordsReadBackInClearWhileTheirEntriesHoldCiphertext() {
        try (RunningNode n = sealedNode(dir)) {
            HttpResponse<String> put = n.put("/api/v1/records/citizens/c1", n.adminToken, citizen("P-100", "Arta Krasniqi"));
            HttpResponse<String> got = n.get("/api/v1/records/citizens/c1", n.adminToken);

            assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
            assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
            assertThat(json(got).path("name").asText()).isEqualTo("Arta Krasniqi");
            Entry stored = entry(n, json(put).path("index").asLong());
            assertThat(stored.bodyType()).isEqualTo(BodyType.SEALED);
            assertThat(new String(stored.body(), StandardCharsets.ISO_8859_1)).doesNotContain("Arta").doesNotContain("P-100");
        }
    }

    @Test
    void keysShowTheKmsItsKekTheLiveKeysAndTheSealedCollections() {
        try (RunningNode n = sealedNode(dir)) {
            writeTwoCitizens(n);

            JsonNode keys = json(n.get("/api/v1/keys", n.adminToken));

            assertThat(keys.path("kms").asText()).startsWith("passphrase keystore").contains(dir.resolve("keys").resolve("kalaja.p12").toString());
            assertThat(keys.path("current_kek").asText()).isEqualTo("kek-1");
            assertThat(keys.path("keks").toString()).isEqualTo("[\"kek-1\"]");
            // One key per subject (two citizens) and the key that makes their pseudonyms.
            assertThat(keys.path("live_data_keys").asInt()).isEqualTo(3);
            assertThat(keys.path("destroyed_data_keys").asInt()).isZero();
            assertThat(keys.path("live_by_kek").toString()).isEqualTo("{\"kek-1\":3}");
            assertThat(keys.path("missing_keks").isEmpty()).isTrue();
            assertThat(keys.path("sealed_collections").toString()).isEqualTo("[\"citizens\"]");
        }
    }

    @Test
    void aSealedCollectionCannotBeUnsealed() {
        try (RunningNode n = sealedNode(dir)) {
            assertRefused(n.put(CITIZENS, n.adminToken, "{\"sealed\": false}"), 409, "version_conflict");
            assertRefused(n.put(CITIZENS, n.adminToken, "{}"), 409, "version_conflict");

            assertThat(json(n.get(CITIZENS, n.adminToken)).path("sealed").asBoolean()).isTrue();
        }
    }

    @Test
    void badDeclarationsAre400WithAReasonAndWriteNothing() throws Exception {
        try (RunningNode n = RunningNode.start(dir, KeyOptions.keystore("api-test-passphrase"))) {
            n.get(CITIZENS, n.adminToken); // the admin's first sign-in is an entry of its own
            long before = n.settledLogSize();
            Map<String, String> refusals = Map.of(
                    "{\"sealed\": \"yes\"}", "\"sealed\" must be true or false",
                    "{\"sealed\": true, \"encrypted\": true}", "unknown field \"encrypted\"",
                    "{\"subject\": \"/personal_number\"}", "needs \"sealed\": true",
                    "{\"sealed\": true, \"subject\": \"personal_number\"}", "must be a JSON Pointer",
                    "{\"sealed\": true, \"subject\": 7}", "JSON Pointer string",
                    "[true]", "JSON object",
                    "\"sealed\"", "JSON object");

            refusals.forEach((body, reason) -> {
                HttpResponse<String> r = n.put(CITIZENS, n.adminToken, body);
                assertRefused(r, 400, "invalid_request");
                assertThat(json(r).path("detail").asText()).as(body).contains(reason);
            });

            assertThat(n.settledLogSize()).as("log size after refused declarations").isEqualTo(before);
            assertThat(json(n.get(CITIZENS, n.adminToken)).path("sealed").asBoolean()).isFalse();
        }
    }

    @Test
    void onlyAdministratorsDeclareSealingSeeKeysRotateOrErase() {
        try (RunningNode n = sealedNode(dir)) {
            for (Role role : List.of(Role.CLERK, Role.READER)) {
                String token = n.tokenFor(role);
                assertRefused(n.put("/api/v1/collections/towns", token, "{\"sealed\": true}"), 403, "forbidden");
                assertRefused(n.get("/api/v1/keys", token), 403, "forbidden");
                assertRefused(n.send("POST", "/api/v1/keys/rotate", token, "{}", Map.of()), 403, "forbidden");
                assertRefused(n.send("POST", "/api/v1/erasures", token, "{\"subject\": \"P-100\", \"reason\": \"ER-1\"}", Map.of()),
                        403, "forbidden");
                assertThat(n.get(CITIZENS, token).statusCode()).as("anyone signed in may see a declaration").isEqualTo(200);
            }
            assertThat(json(n.get("/api/v1/collections/towns", n.adminToken)).path("sealed").asBoolean()).isFalse();
        }
    }

    @Test
    void anErasureNeedsASubjectAndAReason() {
        try (RunningNode n = sealedNode(dir)) {
            write(n, "c1", citizen("P-100", "Arta"));
            for (String body : List.of("{}", "{\"subject\": \"P-100\"}", "{\"reason\": \"ER-1\"}", "{\"subject\": \" \", \"reason\": \"ER-1\"}",
                    "{\"subject\": 100, \"reason\": \"ER-1\"}")) {
                HttpResponse<String> r = n.send("POST", "/api/v1/erasures", n.adminToken, body, Map.of());
                assertRefused(r, 400, "invalid_request");
                assertThat(json(r).path("detail").asText()).as(body).contains("subject").contains("reason");
            }
            assertThat(n.get("/api/v1/records/citizens/c1", n.adminToken).statusCode()).isEqualTo(200);
        }
    }

    /** Requests the erasure of {@code subject}, as the first admin; answers the request (202, pending). */
    static JsonNode requestErasure(RunningNode n, String subject, String reason) {
        HttpResponse<String> requested = n.send("POST", "/api/v1/erasures", n.adminToken,
                "{\"subject\": \"" + subject + "\", \"reason\": \"" + reason + "\"}", Map.of());
        assertThat(requested.statusCode()).as(requested.body()).isEqualTo(202);
        return json(requested);
    }

    /** A second, independent administrator approves {@code approval}; answers the executed approval. */
    static JsonNode approve(RunningNode n, JsonNode approval) {
        HttpResponse<String> approved = n.send("POST", "/api/v1/approvals/" + approval.path("id").asText() + "/approve",
                n.tokenFor(Role.ADMIN), null, Map.of());
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        return json(approved);
    }

    @Test
    void anErasureIsRequestedByOneAdministratorAndDestroysNothingUntilAnotherApproves() {
        try (RunningNode n = sealedNode(dir)) {
            write(n, "c1", citizen("P-100", "Arta"));

            JsonNode request = requestErasure(n, "P-100", "ER-1");

            assertThat(request.path("action").asText()).isEqualTo("data.erase");
            assertThat(request.path("status").asText()).isEqualTo("pending");
            assertThat(request.path("pseudonym").asText()).matches("[0-9a-f]{32}");
            assertThat(request.path("params").path("pseudonym").asText()).isEqualTo(request.path("pseudonym").asText());
            assertThat(request.toString()).as("the approval names the pseudonym, never the subject").doesNotContain("P-100");
            assertThat(n.get("/api/v1/records/citizens/c1", n.adminToken).statusCode()).isEqualTo(200);
            HttpResponse<String> self = n.send("POST", "/api/v1/approvals/" + request.path("id").asText() + "/approve", n.adminToken, null,
                    Map.of());
            assertRefused(self, 403, "approver_not_independent");
            assertThat(json(n.get("/api/v1/keys", n.adminToken)).path("destroyed_data_keys").asInt()).isZero();
            assertThat(n.get("/api/v1/records/citizens/c1", n.adminToken).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anApprovedErasureMakesTheSubjectsRecordsGoneForGoodAndLeavesOthersReadable() {
        try (RunningNode n = sealedNode(dir)) {
            writeTwoCitizens(n);
            JsonNode request = requestErasure(n, "P-100", "ER-1");
            String pseudonym = request.path("pseudonym").asText();

            JsonNode executed = approve(n, request);

            assertThat(executed.path("status").asText()).isEqualTo("executed");
            assertThat(executed.path("result").asText()).startsWith("1 data keys destroyed (s:" + pseudonym + ":citizens:")
                    .contains("keys rotated to kek-2").contains("KEKs destroyed: [kek-1]").doesNotContain("P-100");
            for (String key : List.of("c1", "c3")) {
                HttpResponse<String> gone = n.get("/api/v1/records/citizens/" + key, n.adminToken);
                assertRefused(gone, 410, "erased");
                assertThat(gone.body()).doesNotContain("Arta");
            }
            assertThat(json(n.get("/api/v1/records/citizens/c2", n.adminToken)).path("name").asText()).isEqualTo("Besa");

            HttpResponse<String> rotated = n.send("POST", "/api/v1/keys/rotate", n.adminToken, "{}", Map.of());

            assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
            assertThat(json(rotated).path("kek").asText()).isEqualTo("kek-3");
            assertThat(json(rotated).path("destroyed_keks").toString()).isEqualTo("[\"kek-2\"]");
            // The other citizen's key and the pseudonym key are rewrapped; the erased one is not.
            assertThat(json(rotated).path("rewrapped").asInt()).isEqualTo(2);
            JsonNode keys = json(n.get("/api/v1/keys", n.adminToken));
            assertThat(keys.path("keks").toString()).isEqualTo("[\"kek-3\"]");
            assertThat(keys.path("live_data_keys").asInt()).isEqualTo(2);
            assertThat(keys.path("destroyed_data_keys").asInt()).isEqualTo(1);
            assertThat(json(n.get("/api/v1/records/citizens/c2", n.adminToken)).path("name").asText()).isEqualTo("Besa");
            assertRefused(n.get("/api/v1/records/citizens/c1", n.adminToken), 410, "erased");
        }
        CliTest.Run verified = CliTest.kalaja("verify", "--data", dir.toString());
        assertThat(verified.exit()).as("the log verifies after an erasure: " + verified.out() + verified.err()).isZero();
    }

    @Test
    void aNodeWithoutKmsRefusesToSealAndHasNoKeys() {
        try (RunningNode n = RunningNode.start(dir, KeyOptions.none())) {
            HttpResponse<String> seal = n.put(CITIZENS, n.adminToken, BY_PERSONAL_NUMBER);

            assertRefused(seal, 503, "unavailable");
            assertThat(json(seal).path("detail").asText()).contains("--kms");
            assertThat(json(n.get(CITIZENS, n.adminToken)).path("sealed").asBoolean()).isFalse();
            assertRefused(n.get("/api/v1/keys", n.adminToken), 409, "no_kms");
            assertRefused(n.send("POST", "/api/v1/keys/rotate", n.adminToken, "{}", Map.of()), 409, "no_kms");
            assertRefused(n.send("POST", "/api/v1/erasures", n.adminToken, "{\"subject\": \"P-100\", \"reason\": \"ER-1\"}", Map.of()),
                    409, "no_kms");
        }
    }

    @Test
    void aNodeRestartedWithoutItsKmsIsInSafeModeAndItsSealedReadsNameKms() {
        try (RunningNode n = sealedNode(dir)) {
            write(n, "c1", citizen("P-100", "Arta"));
        }
        try (RunningNode n = RunningNode.start(dir, KeyOptions.none())) {
            // Dropping the KMS is a start with fewer defences: writes wait for two administrators.
            HttpResponse<String> write = n.put("/api/v1/records/citizens/c2", n.adminToken, citizen("P-200", "Besa"));
            assertRefused(write, 503, "safe_mode");
            HttpResponse<String> read = n.get("/api/v1/records/citizens/c1", n.adminToken);
            assertRefused(read, 503, "unavailable");
            assertThat(read.body()).contains("--kms").doesNotContain("Arta");
            assertThat(n.node.engine().everExisted("citizens", "c2")).isFalse();
        }
        try (RunningNode n = RunningNode.start(dir, KeyOptions.keystore("api-test-passphrase"))) {
            assertThat(json(n.get("/api/v1/records/citizens/c1", n.adminToken)).path("name").asText()).isEqualTo("Arta");
        }
    }
}
