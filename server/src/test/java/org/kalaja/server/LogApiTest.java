package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.EntryBundle;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.ProofVerifier;
import org.kalaja.ledger.VerifierKey;

class LogApiTest {
    @TempDir
    Path dir;
    RunningNode n;
    Checkpoint checkpoint;

    @BeforeEach
    void start() {
        n = RunningNode.start(dir);
        for (int i = 0; i < 10; i++) n.put("/api/v1/records/citizens/A" + i, n.adminToken, "{\"i\": " + i + "}");
        n.node.log().integrate();
        String note = n.get("/log/checkpoint", null).body();
        checkpoint = Checkpoint.of(Note.parse(note));
    }

    @AfterEach
    void stop() {
        n.close();
    }

    @Test
    void checkpointIsSignedByTheServedVkey() throws Exception {
        HttpResponse<String> cp = n.get("/log/checkpoint", null);
        VerifierKey key = VerifierKey.parse(n.get("/log/vkey", null).body().strip());

        assertThat(cp.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(checkpoint.size()).isEqualTo(n.logSize());
        assertThat(Note.parse(cp.body()).verify(List.of(key))).containsExactly(key);
    }

    @Test
    void tilesAndBundlesFollowTheC2spLayoutAndMatchTheCheckpoint() {
        int size = (int) checkpoint.size();
        HttpResponse<byte[]> tile = n.getBytes("/log/tile/0/000.p/" + size);
        HttpResponse<byte[]> bundle = n.getBytes("/log/tile/entries/000.p/" + size);

        assertThat(tile.statusCode()).isEqualTo(200);
        assertThat(tile.headers().firstValue("Content-Type")).contains("application/octet-stream");
        assertThat(tile.body()).hasSize(size * Hash.SIZE);
        List<byte[]> entries = EntryBundle.decode(bundle.body());
        assertThat(entries).hasSize(size);
        for (int i = 0; i < size; i++) {
            assertThat(Merkle.leafHash(entries.get(i))).isEqualTo(Hash.of(tile.body(), i * Hash.SIZE));
        }
        assertThat(n.getBytes("/log/tile/0/000.p/" + (size + 1)).statusCode()).isEqualTo(404);
        assertThat(n.getBytes("/log/tile/0/000").statusCode()).isEqualTo(404);
        assertThat(n.getBytes("/log/tile/0/0").statusCode()).isEqualTo(404);
    }

    @Test
    void inclusionAndConsistencyProofsVerifyAgainstTheCheckpoint() throws Exception {
        long size = checkpoint.size();
        JsonNode inc = RemoteNode.parse(n.get("/api/v1/proofs/inclusion?index=3&size=" + size, null).body());
        ProofVerifier.verifyInclusion(Hash.fromBase64(inc.path("leaf_hash").asText()), 3, size, hashes(inc), checkpoint.rootHash());

        JsonNode con = RemoteNode.parse(n.get("/api/v1/proofs/consistency?old=4&new=" + size, null).body());
        ProofVerifier.verifyConsistency(4, size, Hash.fromBase64(con.path("old_root").asText()), checkpoint.rootHash(), hashes(con));

        assertThat(n.get("/api/v1/proofs/inclusion?index=3&size=" + (size + 5), null).statusCode()).isEqualTo(400);
        assertThat(n.get("/api/v1/proofs/consistency?old=4", null).statusCode()).isEqualTo(400);
    }

    @Test
    void statusReportsLogAndCheckpointSizes() {
        JsonNode s = RemoteNode.parse(n.get("/api/v1/status", null).body());

        assertThat(s.path("log_size").asLong()).isEqualTo(n.logSize());
        assertThat(s.path("checkpoint_size").asLong()).isEqualTo(checkpoint.size());
        assertThat(s.path("store").asText()).startsWith("sqlite:");
        assertThat(s.path("version").asText()).isNotBlank();
        assertThat(s.path("backlog").isNumber()).isTrue();
    }

    private static List<Hash> hashes(JsonNode proof) {
        return StreamSupport.stream(proof.path("proof").spliterator(), false).map(h -> Hash.fromBase64(h.asText())).toList();
    }
}
