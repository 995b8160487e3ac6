package org.kalaja.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.witness.QuorumResult;
import org.kalaja.engine.witness.Witness;
import org.kalaja.engine.witness.WitnessClient;
import org.kalaja.engine.witness.WitnessPolicy;
import org.kalaja.ledger.Note;
import org.kalaja.testkit.PeerVerifier;
import org.kalaja.testkit.RequiresPeerVerifier;

/**
 * Go's golang.org/x/mod/sumdb/note, with the peer verifier's own cosignature/v1 verifier (none of
 * Kalaja's code), checks the cosignatures two Kalaja witnesses put on a live node's checkpoint, and
 * checks the node's log against that cosigned checkpoint.
 */
@RequiresPeerVerifier
class WitnessPeerCrossCheckTest {
    @TempDir
    Path dir;

    @Test
    void goVerifiesTheCosignaturesOfKalajaWitnessesAndTheLogAgainstThem(PeerVerifier go) throws Exception {
        try (RunningNode n = RunningNode.start(dir.resolve("node"));
             Witness w1 = Witness.open(dir.resolve("w1"), "witness1.example.org", List.of(n.node.log().identity().verifierKey()));
             Witness w2 = Witness.open(dir.resolve("w2"), "witness2.example.org", List.of(n.node.log().identity().verifierKey()));
             WitnessRoutes r1 = WitnessRoutes.start(w1, "127.0.0.1", 0);
             WitnessRoutes r2 = WitnessRoutes.start(w2, "127.0.0.1", 0);
             WitnessPolicy policy = new WitnessPolicy(List.of(
                     new WitnessClient(URI.create("http://127.0.0.1:" + r1.port()), w1.verifierKey(), Duration.ofSeconds(10)),
                     new WitnessClient(URI.create("http://127.0.0.1:" + r2.port()), w2.verifierKey(), Duration.ofSeconds(10))), 2)) {
            TransparencyLog log = n.node.log();
            String vkey = log.vkey();
            List<String> witnesses = List.of(w1.verifierKey().format(), w2.verifierKey().format());

            Path first = cosigned(policy, n, 0, 300, "first");
            JsonNode alone = run(go, "-checkpoint", first.toString(), "-vkey", vkey,
                    "-witness-vkey", witnesses.get(0), "-witness-vkey", witnesses.get(1));
            assertThat(alone.path("ok").asBoolean()).as(alone.toString()).isTrue();
            assertThat(alone.path("cosignatures_verified").asInt()).isEqualTo(2);

            Path second = cosigned(policy, n, 300, 700, "second");
            JsonNode withLog = run(go, "-log", n.url("/log/"), "-checkpoint", second.toString(), "-vkey", vkey,
                    "-witness-vkey", witnesses.get(0), "-witness-vkey", witnesses.get(1),
                    "-old-checkpoint", first.toString(), "-inclusion", "0,299,300");
            assertThat(withLog.path("ok").asBoolean()).as(withLog.toString()).isTrue();
            assertThat(withLog.path("cosignatures_verified").asInt()).isEqualTo(2);
            assertThat(withLog.path("consistency_checked").asBoolean()).isTrue();
            assertThat(withLog.path("size").asLong()).isEqualTo(org.kalaja.ledger.Checkpoint.of(Note.parse(
                    Files.readString(second))).size());

            // One flipped character in witness 2's cosignature, and Go refuses it by name.
            String text = Files.readString(second);
            int at = text.lastIndexOf(' ') + 40;
            Path tampered = dir.resolve("tampered");
            Files.writeString(tampered, text.substring(0, at) + (text.charAt(at) == 'A' ? 'B' : 'A') + text.substring(at + 1));
            JsonNode refused = run(go, "-checkpoint", tampered.toString(), "-vkey", vkey,
                    "-witness-vkey", witnesses.get(0), "-witness-vkey", witnesses.get(1));
            assertThat(refused.path("ok").asBoolean()).isFalse();
            assertThat(refused.path("error").asText()).contains("witness2.example.org");
        }
    }

    /** Writes records, integrates, collects the quorum and keeps the cosigned checkpoint in a file. */
    private Path cosigned(WitnessPolicy policy, RunningNode n, int from, int to, String name) throws Exception {
        Caller clerk = Caller.of("token:test", "127.0.0.1", "witness-cross-check");
        List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pending.add(n.node.engine().put(clerk, "registry", "r-" + i, ("{\"i\":" + i + "}").getBytes(UTF_8), -1, ""));
        }
        for (var f : pending) f.get();
        n.node.log().integrate();
        Note checkpoint = Note.parse(n.node.log().checkpoint().orElseThrow());
        QuorumResult r = policy.cosign(checkpoint, n.node.log()::consistencyProof);
        assertThat(r).as(r.summary()).isInstanceOf(QuorumResult.Reached.class);
        Path file = dir.resolve(name + ".checkpoint");
        Files.write(file, r.checkpoint().toBytes());
        return file;
    }

    /** Runs the Go tool with {@code args}; returns its one-line JSON verdict. */
    private static JsonNode run(PeerVerifier go, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(go.binary().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8).strip();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        JsonNode verdict = HttpApi.JSON.readTree(out.substring(out.lastIndexOf('\n') + 1));
        assertThat(p.exitValue() == 0).as("exit %d agrees with %s", p.exitValue(), out).isEqualTo(verdict.path("ok").asBoolean());
        return verdict;
    }
}
