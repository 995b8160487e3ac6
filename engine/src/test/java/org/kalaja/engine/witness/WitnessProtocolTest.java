package org.kalaja.engine.witness;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.witness.WitnessAnswer.Reason;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Cosignature;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;

/** add-checkpoint exactly as c2sp.org/tlog-witness says: every status code with the body it requires. */
class WitnessProtocolTest {
    @TempDir
    Path dir;

    final TestLog log = new TestLog("example.org/registry", "real").grow(100);
    final SigningKey witnessKey = SigningKey.generate("witness.example.org/w1", SignatureType.COSIGNATURE_V1);
    Witness witness;

    @BeforeEach
    void open() throws IOException {
        witness = Witness.open(dir, witnessKey, List.of(log.key.verifierKey()));
    }

    @AfterEach
    void close() throws IOException {
        witness.close();
    }

    private WitnessAnswer add(byte[] body) {
        return witness.addCheckpoint(body);
    }

    private WitnessAnswer add(String body) {
        return add(body.getBytes(UTF_8));
    }

    private static Reason reason(WitnessAnswer a) {
        assertThat(a).isInstanceOf(WitnessAnswer.Refused.class);
        return ((WitnessAnswer.Refused) a).reason();
    }

    @Test
    void firstCheckpointFromOldSizeZeroIsCosignedWithLinesThatVerifyAgainstTheWitnessKey() throws Exception {
        Note cp = log.checkpoint(40);
        long before = System.currentTimeMillis() / 1000;

        WitnessAnswer a = add(AddCheckpointRequest.of(0, List.of(), cp).format());

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).startsWith("\u2014 witness.example.org/w1 ").endsWith("\n");
        Note answered = Note.parse(cp.text() + "\n" + a.body());
        assertThat(answered.verify(List.of(witnessKey.verifierKey()))).containsExactly(witnessKey.verifierKey());
        long timestamp = Cosignature.timestamp(answered.signatures().get(0));
        assertThat(timestamp).isBetween(before, System.currentTimeMillis() / 1000 + 1);
        assertThat(witness.latest(log.origin()).map(Checkpoint::of).orElseThrow().size()).isEqualTo(40);
    }

    @Test
    void checkpointsThatGrowWithValidProofsAreEachCosigned() {
        long old = 0;
        for (long size : new long[] {1, 2, 7, 8, 9, 64, 65, 100}) {
            assertThat(add(log.request(old, size)).status()).as("%d -> %d", old, size).isEqualTo(200);
            old = size;
        }
        assertThat(witness.latest(log.origin()).orElseThrow().text()).isEqualTo(log.checkpoint(100).text());
    }

    @Test
    void theSameCheckpointAgainIsCosignedAgain() {
        assertThat(add(log.request(0, 30)).status()).isEqualTo(200);
        assertThat(add(log.request(30, 30)).status()).isEqualTo(200);
    }

    @Test
    void unknownOriginIs404() {
        TestLog stranger = new TestLog("example.org/unknown", "x").grow(3);

        WitnessAnswer a = add(stranger.request(0, 3));

        assertThat(a.status()).isEqualTo(404);
        assertThat(reason(a)).isEqualTo(Reason.UNKNOWN_ORIGIN);
        assertThat(a.body()).contains("example.org/unknown");
    }

    @Test
    void checkpointSignedOnlyByAnUntrustedKeyIs403() {
        TestLog impostor = new TestLog(log.origin(), "real").grow(100); // same origin, another key

        WitnessAnswer a = add(impostor.request(0, 10));

        assertThat(a.status()).isEqualTo(403);
        assertThat(reason(a)).isEqualTo(Reason.BAD_SIGNATURE);
        assertThat(a.body()).contains("no signature by a known key");
    }

    @Test
    void aTrustedKeysSignatureThatFailsIs403EvenBesideAValidOne() {
        Note cp = log.checkpoint(10);
        byte[] sig = cp.signatures().get(0).signature();
        sig[5] ^= 1;
        Note bad = cp.withSignature(new Note.Signature(log.origin(), log.key.keyId(), sig));
        Note both = new Note(cp.text(), List.of(cp.signatures().get(0), bad.signatures().get(0)));

        assertThat(add(AddCheckpointRequest.of(0, List.of(), bad).format()).status()).isEqualTo(403);
        assertThat(add(AddCheckpointRequest.of(0, List.of(), both).format()).status()).isEqualTo(403);
    }

    @Test
    void signaturesByUnknownKeysAreIgnored() {
        Note cp = log.checkpoint(10).withSignatures(SigningKey.generate("other.example/w9", SignatureType.COSIGNATURE_V1));

        assertThat(add(AddCheckpointRequest.of(0, List.of(), cp).format()).status()).isEqualTo(200);
        assertThat(witness.latest(log.origin()).orElseThrow().signatures()).extracting(Note.Signature::name)
                .containsExactly(log.origin(), "witness.example.org/w1");
    }

    @Test
    void malformedBodiesAre400() {
        String note = log.checkpoint(10).format();
        String hash = Merkle.emptyRoot().base64();
        List<String> bodies = new ArrayList<>(List.of(
                "",
                "old 0",
                "old 0\n" + note,                          // no empty line
                "new 0\n\n" + note,
                "old 00\n\n" + note,
                "old -1\n\n" + note,
                "old 1 \n\n" + note,
                "old 99999999999999999999\n\n" + note,
                "old 0\nnot base64\n\n" + note,
                "old 0\n" + hash.substring(0, 43) + "\n\n" + note,  // unpadded
                "old 0\n" + Base64.getEncoder().encodeToString(new byte[31]) + "\n\n" + note,
                "old 0\n\n" + log.checkpoint(10).text(),   // no signatures
                "old 0\n\nnot a checkpoint\n\n" + note.substring(note.indexOf('\u2014'))));
        bodies.add("old 0\n" + (hash + "\n").repeat(64) + "\n" + note);

        for (String body : bodies) {
            WitnessAnswer a = add(body);
            assertThat(a.status()).as(body).isEqualTo(400);
            assertThat(reason(a)).as(body).isEqualTo(Reason.MALFORMED);
        }
        assertThat(add("old 0\n" + (hash + "\n").repeat(63) + "\n" + note).status()).as("63 lines parse").isEqualTo(422);
    }

    @Test
    void oldSizeAboveTheCheckpointSizeIs400() {
        WitnessAnswer a = add(AddCheckpointRequest.of(11, List.of(), log.checkpoint(10)).format());

        assertThat(a.status()).isEqualTo(400);
        assertThat(reason(a)).isEqualTo(Reason.OLD_SIZE_ABOVE_SIZE);
    }

    @Test
    void oldSizeOtherThanTheRecordedOneIs409WithTheRecordedSizeAsTextXTlogSize() {
        assertThat(add(log.request(0, 20)).status()).isEqualTo(200);

        for (long old : new long[] {0, 10, 21}) {
            WitnessAnswer a = add(log.request(old, 30));
            assertThat(a.status()).isEqualTo(409);
            assertThat(a.contentType()).isEqualTo("text/x.tlog.size");
            assertThat(a.body()).isEqualTo("20\n");
        }
    }

    @Test
    void aRequestCheckedAgainstAStaleSizeLosesTheRaceWithA409() {
        assertThat(add(log.request(0, 10)).status()).isEqualTo(200);
        byte[] a = log.request(10, 50);
        byte[] b = log.request(10, 80);

        assertThat(add(b).status()).isEqualTo(200);
        WitnessAnswer late = add(a);

        assertThat(late.status()).isEqualTo(409);
        assertThat(late.body()).isEqualTo("80\n");
        assertThat(witness.latest(log.origin()).map(Checkpoint::of).orElseThrow().size()).isEqualTo(80);
    }

    @Test
    void aConsistencyProofThatDoesNotVerifyIs422() {
        assertThat(add(log.request(0, 13)).status()).isEqualTo(200);
        List<Hash> proof = new ArrayList<>(log.consistencyProof(13, 77));
        byte[] first = proof.get(0).bytes();
        first[0] ^= 1;
        proof.set(0, Hash.of(first));

        WitnessAnswer bad = add(AddCheckpointRequest.of(13, proof, log.checkpoint(77)).format());
        WitnessAnswer shortProof = add(AddCheckpointRequest.of(13, proof.subList(1, proof.size()), log.checkpoint(77)).format());

        assertThat(bad.status()).isEqualTo(422);
        assertThat(reason(bad)).isEqualTo(Reason.INCONSISTENT);
        assertThat(shortProof.status()).isEqualTo(422);
        assertThat(witness.latest(log.origin()).map(Checkpoint::of).orElseThrow().size()).isEqualTo(13);
    }

    @Test
    void aProofFromOldSizeZeroIs422() {
        WitnessAnswer a = add(AddCheckpointRequest.of(0, List.of(Merkle.emptyRoot()), log.checkpoint(10)).format());

        assertThat(a.status()).isEqualTo(422);
        assertThat(a.body()).contains("from old size 0 the consistency proof must be empty");
    }

    @Test
    void anEmptyTreeWithAnotherRootIs422() {
        Note empty = new Checkpoint(log.origin(), 0, Hash.sha256(new byte[] {1})).sign(log.key);

        WitnessAnswer a = add(AddCheckpointRequest.of(0, List.of(), empty).format());

        assertThat(a.status()).isEqualTo(422);
        assertThat(a.body()).contains("size 0 must have the empty tree's root");
        assertThat(add(AddCheckpointRequest.of(0, List.of(), log.checkpoint(0)).format()).status()).isEqualTo(200);
    }

    @Test
    void aForkAtTheSameSizeSignedByTheRealLogKeyIs422AndKeptAsEvidence() throws IOException {
        assertThat(add(log.request(0, 50)).status()).isEqualTo(200);
        TestLog fork = new TestLog(log.key, "forged").grow(50);

        WitnessAnswer a = add(fork.request(50, 50));

        assertThat(a.status()).isEqualTo(422);
        assertThat(a.body()).contains("the log forked").contains(log.root(50).base64()).contains(fork.root(50).base64());
        assertThat(witness.latest(log.origin()).map(Checkpoint::of).orElseThrow().rootHash()).isEqualTo(log.root(50));
        try (var files = Files.list(dir.resolve("evidence"))) {
            List<Path> evidence = files.toList();
            assertThat(evidence).hasSize(1);
            assertThat(Files.readString(evidence.get(0))).contains(fork.checkpoint(50).text()).contains(log.checkpoint(50).text());
        }
    }

    @Test
    void aForkThatGrowsFromTheRecordedSizeIs422() {
        assertThat(add(log.request(0, 50)).status()).isEqualTo(200);
        TestLog fork = new TestLog(log.key, "forged").grow(90);

        assertThat(add(fork.request(50, 90)).status()).isEqualTo(422);
        assertThat(witness.latest(log.origin()).map(Checkpoint::of).orElseThrow().size()).isEqualTo(50);
    }

    @Test
    void aRollbackToASmallerTreeIsNeverCosigned() {
        assertThat(add(log.request(0, 60)).status()).isEqualTo(200);

        WitnessAnswer honestOld = add(AddCheckpointRequest.of(60, List.of(), log.checkpoint(40)).format());
        WitnessAnswer lyingOld = add(log.request(0, 40));
        WitnessAnswer lyingOld2 = add(log.request(40, 40));

        assertThat(honestOld.status()).isEqualTo(400);
        assertThat(lyingOld.status()).isEqualTo(409);
        assertThat(lyingOld.body()).isEqualTo("60\n");
        assertThat(lyingOld2.status()).isEqualTo(409);
        assertThat(witness.latest(log.origin()).map(Checkpoint::of).orElseThrow().size()).isEqualTo(60);
    }
}
