package org.kalaja.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.witness.Witness;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.VerifierKey;

/** The witness's HTTP routes: the statuses, content types and bodies c2sp.org/tlog-witness requires, on the wire. */
class WitnessApiTest {
    @TempDir
    Path dir;

    final SigningKey logKey = SigningKey.generate("example.org/registry", SignatureType.ED25519);
    final HttpClient http = HttpClient.newHttpClient();
    Witness witness;
    WitnessRoutes routes;

    @BeforeEach
    void start() throws IOException {
        witness = Witness.open(dir, "witness.example.org/w1", List.of(logKey.verifierKey()));
        routes = WitnessRoutes.start(witness, "127.0.0.1", 0);
    }

    @AfterEach
    void stop() throws IOException {
        routes.close();
        witness.close();
    }

    /** {@code key}'s signed checkpoint of a tree of {@code size} with {@code root}; the witness cannot tell it is made up. */
    private Note checkpoint(SigningKey key, long size, Hash root) {
        return new Checkpoint(key.name(), size, root).sign(key);
    }

    private HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + routes.port() + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> add(long old, Note note) throws Exception {
        return send("POST", "/add-checkpoint", ("old " + old + "\n\n" + note.format()).getBytes(UTF_8));
    }

    @Test
    void cosignsOverHttpAndServesTheRecordForMonitorsAtTheOriginHash() throws Exception {
        Hash root = Merkle.leafHash("only entry".getBytes(UTF_8));
        String monitor = "/" + Hash.sha256(logKey.name().getBytes(UTF_8)).hex() + "/checkpoint";
        assertThat(send("GET", monitor, new byte[0]).statusCode()).isEqualTo(404);

        HttpResponse<String> r = add(0, checkpoint(logKey, 1, root));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("\u2014 witness.example.org/w1 ");
        VerifierKey witnessKey = VerifierKey.parse(send("GET", "/vkey", new byte[0]).body().strip());
        assertThat(witnessKey).isEqualTo(witness.verifierKey());
        Note cosigned = Note.parse(checkpoint(logKey, 1, root).text() + "\n" + r.body());
        assertThat(cosigned.verify(List.of(witnessKey))).containsExactly(witnessKey);

        HttpResponse<String> latest = send("GET", monitor, new byte[0]);
        assertThat(latest.statusCode()).isEqualTo(200);
        assertThat(Note.parse(latest.body()).verify(List.of(logKey.verifierKey(), witnessKey))).hasSize(2);
    }

    @Test
    void conflictIs409WithTheRecordedSizeAsTextXTlogSize() throws Exception {
        Hash root = Merkle.leafHash("e".getBytes(UTF_8));
        assertThat(add(0, checkpoint(logKey, 1, root)).statusCode()).isEqualTo(200);

        HttpResponse<String> r = add(0, checkpoint(logKey, 1, root));

        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/x.tlog.size");
        assertThat(r.body()).isEqualTo("1\n");
    }

    @Test
    void everyRefusalHasTheSpecsStatusAndAPlainTextReason() throws Exception {
        Hash root = Merkle.leafHash("e".getBytes(UTF_8));
        SigningKey stranger = SigningKey.generate("example.org/unknown", SignatureType.ED25519);
        SigningKey impostor = SigningKey.generate(logKey.name(), SignatureType.ED25519);

        assertThat(send("POST", "/add-checkpoint", "old x\n".getBytes(UTF_8)).statusCode()).isEqualTo(400);
        assertThat(add(0, checkpoint(stranger, 1, root)).statusCode()).isEqualTo(404);
        assertThat(add(0, checkpoint(impostor, 1, root)).statusCode()).isEqualTo(403);
        assertThat(add(2, checkpoint(logKey, 1, root)).statusCode()).isEqualTo(400);
        HttpResponse<String> empty = add(0, checkpoint(logKey, 0, root));
        assertThat(empty.statusCode()).isEqualTo(422);
        assertThat(empty.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(empty.body()).contains("empty tree");
    }

    @Test
    void onlyPostReachesAddCheckpointAndOversizedBodiesAre413() throws Exception {
        HttpResponse<String> get = send("GET", "/add-checkpoint", new byte[0]);
        HttpResponse<String> huge = send("POST", "/add-checkpoint", new byte[(int) WitnessRoutes.MAX_BODY + 1]);

        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(send("GET", "/nothing", new byte[0]).statusCode()).isEqualTo(404);
    }
}
