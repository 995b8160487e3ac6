package org.kalaja.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.witness.WitnessClient;
import org.kalaja.engine.witness.WitnessResult;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.VerifierKey;

/**
 * {@code kalaja witness} as its own process, as another institution would run it, witnessing a live
 * node's log over real HTTP: it cosigns, it remembers what it cosigned across a SIGKILL, and it
 * refuses a fork and a rollback signed with the node's own log key.
 */
class WitnessCommandTest {
    @TempDir
    Path dir;

    @Test
    void aWitnessProcessCosignsALiveLogRemembersItAcrossASigkillAndRefusesForkAndRollback() throws Exception {
        try (RunningNode n = RunningNode.start(dir.resolve("node"))) {
            TransparencyLog log = n.node.log();
            Note first = checkpointAfterWriting(n, 0, 40);
            Path witnessDir = dir.resolve("witness");
            Process witness = startWitness(witnessDir, log.vkey());
            Note second;
            VerifierKey key;
            try {
                String url = awaitUrl(witnessDir, witness, 1);
                key = VerifierKey.parse(get(url + "vkey").strip());
                assertThat(key.name()).isEqualTo("witness.example.org/e2e");
                assertThat(output(witnessDir)).contains("Witness key (give it to the logs' operators): " + key)
                        .contains("Witnessing " + log.identity().origin());

                try (WitnessClient client = new WitnessClient(URI.create(url), key, Duration.ofSeconds(10))) {
                    assertCosigned(client.submit(first, log::consistencyProof), first, key, log);
                    second = checkpointAfterWriting(n, 40, 100);
                    assertCosigned(client.submit(second, log::consistencyProof), second, key, log);
                }
            } finally {
                witness.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no clean shutdown
            }

            Process again = startWitness(witnessDir, log.vkey());
            try {
                String url = awaitUrl(witnessDir, again, 2);
                assertThat(get(url + "vkey").strip()).as("the same key after a restart").isEqualTo(key.format());
                try (WitnessClient fresh = new WitnessClient(URI.create(url), key, Duration.ofSeconds(10))) {
                    Note third = checkpointAfterWriting(n, 100, 130);
                    assertCosigned(fresh.submit(third, log::consistencyProof), third, key, log);
                    assertThat(fresh.knownSize()).hasValue(Checkpoint.of(third).size());

                    // Whoever holds the node's log key signs another tree of the same size, then an older one.
                    Checkpoint real = Checkpoint.of(third);
                    Note fork = new Checkpoint(real.origin(), real.size(), Hash.sha256("forged".getBytes(UTF_8)))
                            .sign(log.identity().key());
                    WitnessResult forked = fresh.submit(fork, log::consistencyProof);
                    assertThat(forked).isInstanceOf(WitnessResult.Alarm.class);
                    assertThat(((WitnessResult.Alarm) forked).kind()).isEqualTo(WitnessResult.Kind.FORK);

                    WitnessResult rolledBack = fresh.submit(second, log::consistencyProof);
                    assertThat(rolledBack).isInstanceOf(WitnessResult.Alarm.class);
                    assertThat(((WitnessResult.Alarm) rolledBack).kind()).isEqualTo(WitnessResult.Kind.ROLLBACK);
                    assertThat(((WitnessResult.Alarm) rolledBack).witnessSize()).isEqualTo(real.size());
                }
                try (var evidence = Files.list(witnessDir.resolve("evidence"))) {
                    assertThat(evidence.toList()).hasSize(1);
                }
            } finally {
                again.destroy();
                assertThat(again.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
            }
            assertThat(output(witnessDir)).contains("Kalaja witness stopped.");
        }
    }

    @Test
    void withoutALogToWitnessTheCommandIsAUsageError() {
        CliTest.Run r = CliTest.kalaja("witness", "--data", dir.resolve("w").toString(), "--port", "0");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--log VKEY");
        assertThat(dir.resolve("w")).doesNotExist();
    }

    @Test
    void aLogKeyThatDoesNotParseIsAUsageErrorNamingIt() {
        CliTest.Run r = CliTest.kalaja("witness", "--data", dir.resolve("w").toString(), "--log", "example.org+1234+AAAA");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("not a log verifier key: example.org+1234+AAAA");
    }

    /** Writes records {@code from}..{@code to}, folds them into the tree and returns the signed checkpoint. */
    private static Note checkpointAfterWriting(RunningNode n, int from, int to) throws Exception {
        Caller clerk = Caller.of("token:test", "127.0.0.1", "witness-test");
        for (int i = from; i < to; i++) {
            n.node.engine().put(clerk, "registry", "r-" + i, ("{\"i\":" + i + "}").getBytes(UTF_8), -1, "").get();
        }
        n.node.log().integrate();
        return Note.parse(n.node.log().checkpoint().orElseThrow());
    }

    private static void assertCosigned(WitnessResult r, Note checkpoint, VerifierKey witnessKey, TransparencyLog log)
            throws Exception {
        assertThat(r).as(r.detail()).isInstanceOf(WitnessResult.Cosigned.class);
        Note cosigned = checkpoint;
        for (Note.Signature s : ((WitnessResult.Cosigned) r).cosignatures()) {
            cosigned = cosigned.withSignature(s);
        }
        assertThat(cosigned.verify(List.of(log.identity().verifierKey(), witnessKey))).hasSize(2);
    }

    private static Process startWitness(Path data, String logVkey) throws IOException {
        Files.createDirectories(data.getParent());
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                "org.kalaja.server.Main", "witness", "--data", data.toString(), "--port", "0",
                "--name", "witness.example.org/e2e", "--log", logVkey);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out(data).toFile()));
        return pb.start();
    }

    /** Waits for the {@code start}th ready line the command prints (one per start), and returns its URL. */
    private static String awaitUrl(Path data, Process p, int start) throws Exception {
        String prefix = "Kalaja witness is serving at ";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            List<String> ready = output(data).lines().filter(l -> l.startsWith(prefix)).toList();
            if (ready.size() == start) {
                return ready.get(start - 1).substring(prefix.length());
            }
            if (!p.isAlive()) {
                throw new AssertionError("witness exited with " + p.exitValue() + ":\n" + output(data));
            }
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new AssertionError("witness not ready after 60 s:\n" + output(data));
    }

    private static String get(String url) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET " + url).isEqualTo(200);
            return r.body();
        }
    }

    private static Path out(Path data) {
        return data.resolveSibling(data.getFileName() + ".out");
    }

    private static String output(Path data) throws IOException {
        return Files.exists(out(data)) ? Files.readString(out(data)) : "";
    }
}
