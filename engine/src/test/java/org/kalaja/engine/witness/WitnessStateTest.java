package org.kalaja.engine.witness;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;

/** The witness's record: durable before it answers, surviving restarts, torn writes and concurrent requests. */
class WitnessStateTest {
    @TempDir
    Path dir;

    final TestLog log = new TestLog("example.org/registry", "real").grow(300);
    final SigningKey witnessKey = SigningKey.generate("witness.example.org/w1", SignatureType.COSIGNATURE_V1);

    private Witness open() throws IOException {
        return Witness.open(dir, witnessKey, List.of(log.key.verifierKey()));
    }

    private Witness open(FaultyDisk disk) throws IOException {
        return Witness.open(dir, witnessKey, List.of(log.key.verifierKey()), disk);
    }

    private static long recorded(Witness w, TestLog log) {
        return w.latest(log.origin()).map(Checkpoint::of).map(Checkpoint::size).orElse(0L);
    }

    private Path recordFile() {
        return dir.resolve("logs").resolve(StateFiles.originHash(log.origin()) + ".checkpoint");
    }

    /** What a restarted witness would find. */
    private long onDisk() throws IOException {
        return Checkpoint.of(Note.parse(Files.readAllBytes(recordFile()))).size();
    }

    /** Closes {@code w} and opens the witness again, as a restart does. */
    private Witness restart(Witness w) throws IOException {
        w.close();
        return open();
    }

    @Test
    void theRecordSurvivesARestart() throws IOException {
        Witness w = open();
        assertThat(w.addCheckpoint(log.request(0, 120)).status()).isEqualTo(200);

        Witness again = restart(w);

        assertThat(recorded(again, log)).isEqualTo(120);
        WitnessAnswer a = again.addCheckpoint(log.request(0, 200));
        assertThat(a.status()).isEqualTo(409);
        assertThat(a.body()).isEqualTo("120\n");
        assertThat(again.addCheckpoint(log.request(120, 200)).status()).isEqualTo(200);
        assertThat(recorded(restart(again), log)).isEqualTo(200);
    }

    @Test
    void aSecondWitnessOnTheSameDirectoryIsRefused() throws IOException {
        try (Witness w = open()) {
            assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another witness is running on");
            assertThat(w.addCheckpoint(log.request(0, 5)).status()).isEqualTo(200);
        }
        open().close();
    }

    @Test
    void theRecordIsTheLogsSignedCheckpointWithTheWitnessCosignatureInAFileOnlyTheOwnerReads() throws Exception {
        try (Witness w = open()) {
            w.addCheckpoint(log.request(0, 7));
        }
        Path file = recordFile();

        String text = Files.readString(file, UTF_8);

        assertThat(text).startsWith(log.checkpoint(7).format().strip());
        assertThat(Note.parse(text).verify(List.of(log.key.verifierKey(), witnessKey.verifierKey())))
                .hasSize(2);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("logs")))).isEqualTo("rwx------");
    }

    @Test
    void aTemporaryFileACrashLeftHalfWrittenIsIgnoredAndRemoved() throws IOException {
        Witness w = open();
        w.addCheckpoint(log.request(0, 90));
        byte[] next = log.checkpoint(150).toBytes();
        Path torn = recordFile().resolveSibling("." + recordFile().getFileName() + ".0123456789abcdef.tmp");
        Files.write(torn, java.util.Arrays.copyOf(next, next.length / 2));

        Witness again = restart(w);

        assertThat(recorded(again, log)).isEqualTo(90);
        assertThat(torn).doesNotExist();
    }

    @Test
    void aWriteThatFailsAtAnyStepCosignsNothingAndTheRecordStaysWhole() throws IOException {
        FaultyDisk disk = new FaultyDisk();
        Witness w = open(disk);
        assertThat(w.addCheckpoint(log.request(0, 50)).status()).isEqualTo(200);

        for (FaultyDisk.Step step : List.of(FaultyDisk.Step.WRITE, FaultyDisk.Step.TORN_WRITE, FaultyDisk.Step.RENAME)) {
            disk.failNext(step);
            WitnessAnswer a = w.addCheckpoint(log.request(50, 80));

            assertThat(a.status()).as(step.name()).isEqualTo(503);
            assertThat(a.body()).as(step.name()).contains("did not cosign");
            assertThat(onDisk()).as(step.name() + ": what a restart finds").isEqualTo(50);
            try (var files = Files.list(dir.resolve("logs"))) {
                assertThat(files.map(p -> p.getFileName().toString())).as(step.name()).noneMatch(n -> n.endsWith(".tmp"));
            }
        }
        assertThat(w.addCheckpoint(log.request(50, 80)).status()).isEqualTo(200);
        assertThat(recorded(restart(w), log)).isEqualTo(80);
    }

    @Test
    void afterAFailedDirectorySyncTheWitnessTrustsTheDiskNotItsMemory() throws IOException {
        FaultyDisk disk = new FaultyDisk();
        Witness w = open(disk);
        assertThat(w.addCheckpoint(log.request(0, 50)).status()).isEqualTo(200);

        disk.failNext(FaultyDisk.Step.SYNC_DIRECTORY);
        assertThat(w.addCheckpoint(log.request(50, 80)).status()).isEqualTo(503);

        // The rename happened, so the disk may hold 80: the witness rereads it rather than assume 50.
        WitnessAnswer a = w.addCheckpoint(log.request(50, 90));
        assertThat(a.status()).isEqualTo(409);
        assertThat(a.body()).isEqualTo("80\n");
        assertThat(w.addCheckpoint(log.request(80, 90)).status()).isEqualTo(200);
    }

    @Test
    void aDamagedRecordStopsTheWitnessInsteadOfBeingForgotten() throws IOException {
        try (Witness w = open()) {
            w.addCheckpoint(log.request(0, 90));
        }
        Path file = recordFile();
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 20));

        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("would let the log roll back");
    }

    @Test
    void aRecordWithoutThisWitnesssCosignatureStopsTheWitness() throws IOException {
        try (Witness w = open()) {
            w.addCheckpoint(log.request(0, 90));
        }
        Path file = recordFile();
        Files.write(file, log.checkpoint(10).toBytes()); // a smaller tree, planted without the witness key

        assertThatThrownBy(this::open).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not cosigned by this witness's key");
    }

    @Test
    void theKeyIsCreatedOnceWithMode0600AndReadBackOnEveryStart() throws IOException {
        List<org.kalaja.ledger.VerifierKey> logs = List.of(log.key.verifierKey());
        Witness first = Witness.open(dir, "witness.example.org/w7", logs);
        first.addCheckpoint(log.request(0, 10));
        first.close();
        Witness again = Witness.open(dir, "", logs);

        assertThat(again.verifierKey()).isEqualTo(first.verifierKey());
        assertThat(again.verifierKey().name()).isEqualTo("witness.example.org/w7");
        assertThat(first.verifierKey().type()).isEqualTo(SignatureType.COSIGNATURE_V1);
        assertThat(recorded(again, log)).isEqualTo(10);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("witness.key"))))
                .isEqualTo("rw-------");
        again.close();
        assertThatThrownBy(() -> Witness.open(dir, "witness.example.org/other", logs)).hasMessageContaining("never changes");
        try (Witness fresh = Witness.open(dir.resolve("fresh"), "", logs)) {
            assertThat(fresh.verifierKey().name()).startsWith("kalaja.localhost/witness/");
        }
    }

    @Test
    void concurrentSubmissionsFormOneChainAndNeverRollBack() throws Exception {
        Witness w = open();
        record Cosigned(long old, long size) {}
        List<Cosigned> cosigned = Collections.synchronizedList(new ArrayList<>());
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 40; i++) {
                        long old = recorded(w, log); // may be stale by the time the witness checks it
                        long size = Math.min(log.size(), old + random.nextInt(0, 12));
                        WitnessAnswer a = w.addCheckpoint(log.request(old, size));
                        if (a.status() == 200) {
                            cosigned.add(new Cosigned(old, size));
                        } else if (a.status() != 409) {
                            throw new AssertionError(old + " -> " + size + ": " + a.status() + " " + a.body());
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
        // Each cosigned request started where the previous one ended: sorted, the growing steps chain up.
        List<Cosigned> steps = cosigned.stream().filter(c -> c.size > c.old)
                .sorted(java.util.Comparator.comparingLong(Cosigned::old)).toList();
        long at = 0;
        for (Cosigned c : steps) {
            assertThat(c.old).as("step %s after reaching %d", c, at).isEqualTo(at);
            at = c.size;
        }
        assertThat(recorded(w, log)).isEqualTo(at);
        assertThat(recorded(restart(w), log)).isEqualTo(at);
        assertThat(steps).hasSizeGreaterThan(3);
    }
}
