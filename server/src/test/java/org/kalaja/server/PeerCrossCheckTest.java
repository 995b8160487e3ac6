package org.kalaja.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.WriteResult;
import org.kalaja.testkit.PeerVerifier;
import org.kalaja.testkit.RequiresPeerVerifier;

/**
 * An independent implementation, Go's golang.org/x/mod/sumdb/tlog and sumdb/note, reads a live
 * Kalaja node's log over HTTP exactly as an outside auditor would, and must agree with it: the
 * checkpoint signature, every hash tile, every entry of every bundle, inclusion proofs at tile
 * boundaries and consistency with an earlier checkpoint.
 */
@RequiresPeerVerifier
class PeerCrossCheckTest {
    @TempDir
    Path dir;

    @Test
    void goVerifiesTheCheckpointTilesBundlesAndProofsOfALiveNode(PeerVerifier go) throws Exception {
        try (RunningNode running = RunningNode.start(dir.resolve("node"))) {
            Caller clerk = Caller.of("token:test", "127.0.0.1", "peer-check");
            write(running, clerk, 0, 300);
            long oldSize = running.node.log().integrate();
            Path oldCheckpoint = dir.resolve("checkpoint.old");
            Files.writeString(oldCheckpoint, running.node.log().checkpoint().orElseThrow(), UTF_8);

            // Past 65,536 entries the tree has a full level-1 tile; the last tiles stay partial.
            write(running, clerk, 300, 66_000);
            long size = running.node.log().integrate();
            assertThat(size).isGreaterThan(65_536);

            String vkey = running.get("/log/vkey", null).body().strip();
            PeerVerifier.Result result = go.verify(running.url("/log/"), vkey, List.of(), oldCheckpoint,
                    0, 1, 255, 256, 65_535, 65_536, size - 1).requireOk();

            assertThat(result.size()).isEqualTo(size);
            assertThat(result.entriesChecked()).isEqualTo(size);
            assertThat(result.inclusionChecked()).isEqualTo(7);
            assertThat(result.consistencyChecked()).isTrue();
            assertThat(oldSize).isLessThan(size);
            assertThat(result.root()).isEqualTo(running.node.log().latest().orElseThrow().rootHash().base64());
        }
    }

    private static void write(RunningNode running, Caller caller, int from, int to) throws Exception {
        List<CompletableFuture<WriteResult>> pending = new ArrayList<>();
        for (int i = from; i < to; i++) {
            pending.add(running.node.engine().put(caller, "registry", "r-" + i,
                    ("{\"i\":" + i + ",\"name\":\"Çelë Hoxha " + i + "\"}").getBytes(UTF_8), -1, ""));
            if (pending.size() == 5_000) { // stay under the node's queue limit
                for (CompletableFuture<WriteResult> f : pending) f.get();
                pending.clear();
            }
        }
        for (CompletableFuture<WriteResult> f : pending) f.get();
    }
}
