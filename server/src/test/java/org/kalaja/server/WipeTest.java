package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The July 2022 wiper, re-enacted: while clients write continuously to a node that acknowledges only
 * what its vault holds, the node is killed and its whole data directory deleted. The node is rebuilt
 * from the vault with {@code kalaja recover} into a new directory and started again; every write it
 * acknowledged must be there with its exact content, and the log must verify.
 *
 * <p>The log's signing key and the keystore of sealed data are not in the vault (a vault holds nothing
 * secret): the operator keeps copies away from the primary, as this test does before the attack.
 */
class WipeTest {
    @TempDir
    Path root;

    @Test
    void everyWriteAcknowledgedInVaultDurabilitySurvivesAWipedPrimary() throws Exception {
        Path data = root.resolve("primary");
        Path vault = Files.createDirectory(root.resolve("vault"));
        Path safe = Files.createDirectory(root.resolve("key-safe"));
        Map<String, String> acknowledged = new ConcurrentHashMap<>();

        ServeProcess primary = ServeProcess.start(data, "--vault", "dir:" + vault, "--durability", "vault").awaitReady();
        Files.copy(data.resolve("log.key"), safe.resolve("log.key"));
        // Nor is the keystore of sealed data (the portal's accounts are sealed): kept away with its passphrase, made on this first start.
        Files.copy(data.resolve("keys").resolve("kalaja.p12"), safe.resolve("kalaja.p12"));
        Map<String, String> passphrase = Map.of(KmsOptions.PASSPHRASE_ENV, Files.readString(data.resolve("keys").resolve("passphrase")).strip());
        AtomicBoolean stop = new AtomicBoolean();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            String prefix = "w" + w + "-";
            writers.add(CompletableFuture.runAsync(() -> primary.write("applications", prefix, stop, acknowledged)));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (acknowledged.size() < 200 && System.nanoTime() < deadline) Thread.sleep(50);

        primary.kill();
        stop.set(true);
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        deleteTree(data);
        assertThat(acknowledged).as("writes acknowledged before the wipe").hasSizeGreaterThanOrEqualTo(50);
        assertThat(data).doesNotExist();

        Path rebuilt = root.resolve("rebuilt");
        Map.Entry<Integer, String> recover = ServeProcess.run(root.resolve("recover.out"), passphrase, "recover", "--from", "dir:" + vault,
                "--into", rebuilt.toString(), "--key", safe.resolve("log.key").toString(), "--keystore", safe.resolve("kalaja.p12").toString());
        assertThat(recover.getKey()).as("recover's exit code; it printed:%n%s", recover.getValue()).isZero();
        assertThat(recover.getValue()).contains("live data keys of sealed data open under").contains("keystore installed");

        // With the primary's defences: a node that came back without its vault would be in safe mode (T1490).
        ServeProcess restored = ServeProcess.start(rebuilt, passphrase, "--vault", "dir:" + vault, "--durability", "vault").awaitReady();
        try {
            // Reading back every write is a bulk read: an admin token doing it is frozen by the sentinel's bulk_read
            // rule (25 in 3 min); a clerk's bar is human capacity (900 in 15 min), as for the clerk checking a batch.
            String clerk = restored.createToken("clerk");
            for (Map.Entry<String, String> write : acknowledged.entrySet()) {
                assertThat(restored.read("applications", write.getKey(), clerk)).as("acknowledged write %s", write.getKey())
                        .isEqualTo(write.getValue());
            }
            assertThat(restored.put("applications", "after-the-wipe", "{\"ok\":true}")).as("the rebuilt node takes writes").isEqualTo(201);
            assertThat(restored.read("applications", "after-the-wipe")).isEqualTo("{\"ok\":true}");
        } finally {
            restored.stop();
        }
        System.out.println("wipe test: " + acknowledged.size() + " writes acknowledged in vault durability before the wipe, all"
                + " present after recovery; the rebuilt node writes and verifies");
        Map.Entry<Integer, String> verify = ServeProcess.run(root.resolve("verify.out"), "verify", "--data", rebuilt.toString());
        assertThat(verify.getKey()).as("verify's exit code; it printed:%n%s", verify.getValue()).isZero();
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
