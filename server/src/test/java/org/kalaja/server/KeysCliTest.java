package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code kalaja keys seal|status|erase|rotate} against a real node: what they print, and how they fail. */
@Timeout(120)
class KeysCliTest {
    @TempDir
    Path dir;

    private static CliTest.Run keys(RunningNode n, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "keys";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(new String[] {"--url", n.url("/"), "--token", n.adminToken}, 0, all, args.length + 1, 4);
        return CliTest.kalaja(all);
    }

    @Test
    void sealStatusEraseAndRotateSayWhatTheyDid() {
        try (RunningNode n = RunningNode.start(dir, KeyOptions.keystore("cli-test-passphrase"))) {
            CliTest.Run sealed = keys(n, "seal", "citizens", "--subject", "/personal_number");
            assertThat(sealed.exit()).as(sealed.err()).isZero();
            assertThat(sealed.out()).startsWith("Collection citizens is sealed, one key per subject named by /personal_number (log entry ");
            SealingApiTest.write(n, "c1", SealingApiTest.citizen("P-100", "Arta"));
            SealingApiTest.write(n, "c2", SealingApiTest.citizen("P-200", "Besa"));

            CliTest.Run status = keys(n, "status");

            assertThat(status.exit()).as(status.err()).isZero();
            assertThat(status.out()).contains("KMS: passphrase keystore " + dir.resolve("keys").resolve("kalaja.p12"))
                    .contains("current KEK kek-1").contains("KEKs held: kek-1").contains("data keys: 3 live, 0 destroyed")
                    .contains("sealed collections: citizens").doesNotContain("MISSING");

            CliTest.Run requested = keys(n, "erase", "--subject", "P-100", "--reason", "ER-1");

            assertThat(requested.exit()).as(requested.err()).isZero();
            assertThat(requested.out()).containsPattern("Requested the erasure of subject [0-9a-f]{32} as approval ")
                    .contains("Nothing is destroyed yet").contains("kalaja approval approve").doesNotContain("P-100");
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("as approval (\\S+?)\\. ").matcher(requested.out());
            assertThat(id.find()).isTrue();
            assertThat(n.get("/api/v1/records/citizens/c1", n.adminToken).statusCode()).as("not erased before the approval").isEqualTo(200);

            CliTest.Run approved = CliTest.kalaja("approval", "approve", id.group(1), "--url", n.url("/"), "--token",
                    n.tokenFor(org.kalaja.engine.Role.ADMIN));

            assertThat(approved.exit()).as(approved.err()).isZero();
            assertThat(approved.out()).contains("\"executed\"").contains("1 data keys destroyed").contains("keys rotated to kek-2");
            assertThat(n.get("/api/v1/records/citizens/c1", n.adminToken).statusCode()).isEqualTo(410);

            CliTest.Run rotated = keys(n, "rotate");

            assertThat(rotated.exit()).as(rotated.err()).isZero();
            assertThat(rotated.out()).startsWith("Rotated to kek-3: 2 data keys rewrapped; destroyed KEKs kek-2");
            assertThat(keys(n, "status").out()).contains("current KEK kek-3").contains("data keys: 2 live, 1 destroyed");
            assertThat(n.get("/api/v1/records/citizens/c2", n.adminToken).body()).contains("Besa");
        }
    }

    @Test
    void refusalsPrintTheNodesReason() {
        try (RunningNode n = RunningNode.start(dir, KeyOptions.keystore("cli-test-passphrase"))) {
            CliTest.Run notAPointer = keys(n, "seal", "citizens", "--subject", "personal_number");
            assertThat(notAPointer.exit()).isEqualTo(1);
            assertThat(notAPointer.err()).startsWith("kalaja: 400 invalid_request:").contains("must be a JSON Pointer");

            assertThat(keys(n, "seal", "citizens").exit()).isZero();
            CliTest.Run again = keys(n, "seal", "citizens", "--subject", "/personal_number");
            assertThat(again.exit()).as(again.err()).isZero();

            CliTest.Run noReason = CliTest.kalaja("keys", "erase", "--subject", "P-100", "--url", n.url("/"), "--token", n.adminToken);
            assertThat(noReason.exit()).isEqualTo(2);
            assertThat(noReason.err()).contains("--reason");

            CliTest.Run clerk = CliTest.kalaja("keys", "rotate", "--url", n.url("/"), "--token", n.tokenFor(org.kalaja.engine.Role.CLERK));
            assertThat(clerk.exit()).isEqualTo(1);
            assertThat(clerk.err()).contains("403 forbidden").contains("only an admin token");
        }
        try (RunningNode n = RunningNode.start(dir.resolve("without"), KeyOptions.none())) {
            CliTest.Run status = keys(n, "status");
            assertThat(status.exit()).isEqualTo(1);
            assertThat(status.err()).contains("409 no_kms").contains("--kms");
            CliTest.Run seal = keys(n, "seal", "citizens");
            assertThat(seal.exit()).isEqualTo(1);
            assertThat(seal.err()).contains("503 unavailable").contains("--kms");
        }
    }

    @Test
    void keysAndItsSubcommandsAnswerHelp() {
        CliTest.Run keys = CliTest.kalaja("keys", "--help");
        assertThat(keys.exit()).isZero();
        assertThat(keys.out()).startsWith("Usage: kalaja keys").contains("status").contains("rotate").contains("erase").contains("seal");
        assertThat(CliTest.kalaja("keys", "erase", "--help").out()).contains("--subject").contains("--reason");
        assertThat(CliTest.kalaja("keys").exit()).as("keys without a subcommand").isEqualTo(2);
    }
}
