package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Role;

/** The CLI against a real node, run in-process with captured output. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Run kalaja(String... args) {
        return capture(() -> Main.commandLine().execute(args));
    }

    /** What {@code work} printed on stderr. */
    static String capturingStderr(Runnable work) {
        return capture(() -> {
            work.run();
            return 0;
        }).err();
    }

    private static synchronized Run capture(java.util.function.IntSupplier work) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = work.getAsInt();
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void tokenCreatePrintsAWorkingTokenAsItsLastLineAndRevokeStopsIt() {
        try (RunningNode n = RunningNode.start(dir)) {
            String url = n.url("/");
            Run created = kalaja("token", "create", "--role", "clerk", "--name", "front desk", "--url", url, "--token", n.adminToken);

            assertThat(created.exit()).as(created.err()).isZero();
            String token = created.lines().get(created.lines().size() - 1);
            assertThat(n.node.tokens().authenticate(token)).hasValueSatisfying(p -> assertThat(p.role()).isEqualTo(Role.CLERK));

            Run revoked = kalaja("token", "revoke", org.kalaja.engine.Tokens.idOf(token), "--url", url, "--token", n.adminToken);
            assertThat(revoked.exit()).as(revoked.err()).isZero();
            assertThat(n.node.tokens().authenticate(token)).isEmpty();
        }
    }

    @Test
    void recordCommandsRoundTrip() {
        try (RunningNode n = RunningNode.start(dir)) {
            String url = n.url("/");
            assertThat(kalaja("put", "towns", "tirana", "{\"pop\": 1}", "--url", url, "--token", n.adminToken).exit()).isZero();
            Run got = kalaja("get", "towns", "tirana", "--url", url, "--token", n.adminToken);
            Run history = kalaja("history", "towns", "tirana", "--url", url, "--token", n.adminToken);
            Run missing = kalaja("get", "towns", "durres", "--url", url, "--token", n.adminToken);

            assertThat(got.exit()).isZero();
            assertThat(RemoteNode.parse(got.out()).path("pop").asInt()).isEqualTo(1);
            assertThat(RemoteNode.parse(history.out()).path("versions").size()).isEqualTo(1);
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("404 not_found");
        }
    }

    @Test
    void withoutATokenTheCliSaysWhereToFindOne() {
        Run r = kalaja("token", "create", "--role", "reader", "--name", "x", "--url", "http://127.0.0.1:9/", "--token", "");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("set KALAJA_TOKEN or pass --token").contains("bootstrap-token");
    }

    @Test
    void unreachableNodeIsExitThreeWithAHint() {
        Run r = kalaja("get", "towns", "x", "--url", "http://127.0.0.1:9/", "--token", "t");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("is `kalaja serve` running");
    }

    @Test
    void verifyPassesOnACleanlyStoppedNode() {
        try (RunningNode n = RunningNode.start(dir)) {
            for (int i = 0; i < 20; i++) n.put("/api/v1/records/towns/t" + i, n.adminToken, "{\"i\": " + i + "}");
        }

        Run r = kalaja("verify", "--data", dir.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        // 20 records, the log's identity, its configuration, the first token, and one ACCESS entry holding the admin's sign-in.
        assertThat(r.out()).startsWith("OK: 24 entries");
    }

    @Test
    void verifyShowsTheRootAsTheCheckpointDoesAndCountsOnlyTheUsersRecordsAsRecords() {
        try (RunningNode n = RunningNode.start(dir)) {
            n.put("/api/v1/records/citizens/J1", n.adminToken, "{}");
        }
        String note;
        try (var store = StoreLocation.of(dir, null).openForReading()) {
            note = store.latestCheckpoint().orElseThrow();
        }
        String root = org.kalaja.ledger.Checkpoint.of(org.kalaja.ledger.Note.parse(note)).rootHash().base64();

        Run r = kalaja("verify", "--data", dir.toString());

        assertThat(r.out()).contains("with root " + root + " holds").contains(" 1 record (and 3 of Kalaja's own in kalaja.* collections");
        assertThat(note).contains(root);
    }

    @Test
    void everyCommandAndSubcommandAnswersHelp() {
        for (String[] args : List.of(new String[] {"token", "create", "--help"}, new String[] {"token", "--help"},
                new String[] {"verify", "--help"}, new String[] {"serve", "--help"}, new String[] {"get", "-h"},
                new String[] {"bench", "--help"})) {
            Run r = kalaja(args);
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("Usage: kalaja " + args[0]);
        }
        assertThat(kalaja("token", "--help").out()).contains("create").contains("revoke");
        assertThat(kalaja("token", "create", "--help").out()).contains("--role").contains("--url");
    }

    @Test
    void helpNamesASubcommandsOptionsAndTheTopLevelUsageNamesTestAndBench() {
        Run sub = kalaja("help", "token", "create");
        Run top = kalaja("--help");

        assertThat(sub.exit()).as(sub.err()).isZero();
        assertThat(sub.out()).startsWith("Usage: kalaja token create").contains("--role");
        assertThat(top.out()).contains("bench").contains("./kalaja test");
        assertThat(kalaja("verify", "--help").out()).doesNotContain("./kalaja test");
        assertThat(kalaja("help", "token", "mint").exit()).isEqualTo(2);
    }

    @Test
    void verifyOfAnEmptyDirectorySaysThereIsNothingThere() {
        Run r = kalaja("verify", "--data", dir.resolve("nothing").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no Kalaja data");
    }

    @Test
    void serveTakesTheCheckpointIntervalAndRefusesAnAbsurdOneBeforeCreatingAnything() {
        ServeCommand serve = new ServeCommand();
        new picocli.CommandLine(serve).parseArgs("--checkpoint-interval-ms", "250");
        assertThat(serve.engineConfig().checkpointInterval()).isEqualTo(java.time.Duration.ofMillis(250));

        Path data = dir.resolve("never-created");
        Run r = kalaja("serve", "--data", data.toString(), "--port", "0", "--checkpoint-interval-ms", "5");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--checkpoint-interval-ms must be between 10 and 3600000, got 5");
        assertThat(data).doesNotExist();
    }

    @Test
    void benchRecoverPrintsItsFiguresAsJsonAndSaysWhatItRestored() throws Exception {
        Run r = kalaja("bench", "recover", "--records", "3000", "--json");

        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode figures = new ObjectMapper().readTree(r.out());
        assertThat(figures.get("records").asLong()).isEqualTo(3000);
        for (String rate : List.of("recover_s", "pg_dump_restore_s", "verify_mb_s", "sha256_mb_s", "read_and_hash_mb_s")) {
            assertThat(figures.get(rate).asDouble()).as(rate).isPositive();
        }
        assertThat(figures.get("ratio").asDouble())
                .isCloseTo(figures.get("recover_s").asDouble() / figures.get("pg_dump_restore_s").asDouble(), within(0.01));
        // the 3,000 records and the log's identity record (kalaja.log/identity), its first entry
        assertThat(r.err()).contains("recover: 3,001 entries in").contains("verify --vault: 3,001 entries in")
                .contains("reading the bundle files and computing their leaf and node hashes alone");
    }
}
