package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.seal.Pkcs11Kms;
import org.kalaja.engine.seal.SoftHsm;

/**
 * Sealed data with its KEKs in a PKCS#11 token (SoftHSM2 through SunPKCS11), end to end: {@code --kms
 * pkcs11:LIB?token=LABEL} with the PIN in {@code KALAJA_PKCS11_PIN}. Each restart uses a fresh copy of
 * the library, so what a restarted node reads was on the token, not in this JVM's memory.
 */
@Timeout(300)
class SealingPkcs11Test {
    @TempDir
    Path dir;

    @BeforeAll
    static void softHsm() {
        SoftHsm.assumeAvailable();
    }

    static String spec(Pkcs11Kms.Config token) {
        return "pkcs11:" + token.library() + "?token=" + URLEncoder.encode(token.tokenLabel(), StandardCharsets.UTF_8);
    }

    private static KmsOptions onToken(Pkcs11Kms.Config token, String... sealed) {
        return KeyOptions.of(spec(token), Map.of(KmsOptions.PIN_ENV, new String(token.pin())), sealed);
    }

    @Test
    void sealedRecordsSurviveARestartAndAnErasureDestroysTheTokensOldKek() {
        Pkcs11Kms.Config token = SoftHsm.newToken("kalaja-srv");
        try (RunningNode n = RunningNode.start(dir, NodeSentinel.Options.defaults(), onToken(token, "citizens=/personal_number"))) {
            SealingApiTest.write(n, "c1", SealingApiTest.citizen("P-100", "Arta Krasniqi"));
            SealingApiTest.write(n, "c2", SealingApiTest.citizen("P-200", "Besa Hoxha"));
            JsonNode keys = SealingApiTest.json(n.get("/api/v1/keys", n.adminToken));
            assertThat(keys.path("kms").asText()).isEqualTo("PKCS#11 token '" + token.tokenLabel() + "' (" + token.library() + ")");
            assertThat(keys.path("current_kek").asText()).isEqualTo("kek-1");
        }

        Pkcs11Kms.Config restarted = SoftHsm.restarted(token);
        try (RunningNode n = RunningNode.start(dir, NodeSentinel.Options.defaults(), onToken(restarted, "citizens=/personal_number"))) {
            assertThat(n.get("/api/v1/records/citizens/c1", n.adminToken).body()).contains("Arta Krasniqi");

            JsonNode erased = SealingApiTest.approve(n, SealingApiTest.requestErasure(n, "P-100", "ER-7"));

            assertThat(erased.path("result").asText()).contains("keys rotated to kek-2").contains("KEKs destroyed: [kek-1]");
            assertThat(n.get("/api/v1/records/citizens/c1", n.adminToken).statusCode()).isEqualTo(410);
            assertThat(n.get("/api/v1/records/citizens/c2", n.adminToken).body()).contains("Besa Hoxha");
        }

        try (Pkcs11Kms hsm = Pkcs11Kms.open(SoftHsm.restarted(token))) {
            assertThat(hsm.keks()).as("KEKs left on the token").containsExactly("kek-2");
        }
        try (RunningNode n = RunningNode.start(dir, NodeSentinel.Options.defaults(), onToken(SoftHsm.restarted(token)))) {
            assertThat(n.get("/api/v1/records/citizens/c2", n.adminToken).body()).contains("Besa Hoxha");
            assertThat(n.get("/api/v1/records/citizens/c1", n.adminToken).statusCode()).isEqualTo(410);
        }
    }

    @Test
    void aWrongPinOrAnUnknownTokenIsRefusedNamingWhatToCheck() {
        Pkcs11Kms.Config token = SoftHsm.newToken("kalaja-pin");
        KmsOptions wrongPin = KeyOptions.of(spec(token), Map.of(KmsOptions.PIN_ENV, "000000"));
        KmsOptions noPin = KeyOptions.of(spec(token), Map.of());
        KmsOptions noToken = KeyOptions.of("pkcs11:" + token.library() + "?token=no-such-token", Map.of(KmsOptions.PIN_ENV, "000000"));

        assertThatThrownBy(() -> open(wrongPin)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--kms pkcs11:").hasMessageContaining("the PIN does not open").hasMessageContaining(KmsOptions.PIN_ENV);
        assertThatThrownBy(() -> open(noPin)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(KmsOptions.PIN_ENV);
        assertThatThrownBy(() -> open(noToken)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-token");
        assertThat(dir.resolve("kalaja.db")).doesNotExist();
    }

    private Node open(KmsOptions keys) {
        return Node.open(dir, StoreLocation.of(dir, null), EngineConfig.defaults(), null, Node.Shipping.none(), NodeSentinel.Options.defaults(),
                keys);
    }

    @Test
    void serveOnATokenSealsWhatItWritesAndReadsItBackAfterARestart() throws Exception {
        Pkcs11Kms.Config token = SoftHsm.newToken("kalaja-serve");
        Path data = dir.resolve("data");
        Map<String, String> pin = Map.of(KmsOptions.PIN_ENV, new String(token.pin()));
        ServeProcess node = ServeProcess.start(data, pin, "--kms", spec(token), "--sealed", "citizens=/personal_number").awaitReady();
        try {
            assertThat(node.put("citizens", "c1", SealingApiTest.citizen("P-100", "Arta Krasniqi"))).isEqualTo(201);
            assertThat(node.read("citizens", "c1")).contains("Arta Krasniqi");
            String banner = "Sealing personal data with keys wrapped by PKCS#11 token '" + token.tokenLabel() + "'";
            assertThat(node.awaitOutput(banner)).contains(banner).contains("sealed collections: citizens");
        } finally {
            node.stop();
        }
        try (var files = Files.walk(data)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain("Arta Krasniqi");
            }
        }

        ServeProcess again = ServeProcess.start(data, pin, "--kms", spec(token), "--sealed", "citizens=/personal_number").awaitReady();
        try {
            assertThat(again.read("citizens", "c1")).contains("Arta Krasniqi");
        } finally {
            again.stop();
        }
    }
}
