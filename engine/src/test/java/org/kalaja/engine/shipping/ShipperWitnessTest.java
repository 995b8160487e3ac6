package org.kalaja.engine.shipping;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.vault.DirectoryVault;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.engine.vault.WitnessKeys;
import org.kalaja.engine.witness.TestWitnessServer;
import org.kalaja.engine.witness.WitnessClient;
import org.kalaja.engine.witness.WitnessPolicy;
import org.kalaja.engine.witness.WitnessResult;
import org.kalaja.ledger.Note;

class ShipperWitnessTest {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;
    final MemoryLog log = new MemoryLog("witnessed.example/log");

    TestWitnessServer witness(String name) throws Exception {
        return new TestWitnessServer(tmp.resolve(name), "w.example/" + name, log.key.verifierKey());
    }

    private FlakyVault flakyVault() throws Exception {
        return new FlakyVault(DirectoryVault.open(Files.createDirectories(tmp.resolve("v"))));
    }

    /** A shipper of {@link #log} to {@code vault} through the one witness {@code w}. */
    private Shipper shipThrough(TestWitnessServer w, Vault vault) throws Exception {
        return Shipper.start(log, List.of(vault), new WitnessPolicy(List.of(w.client(TIMEOUT)), 1), ShipperTest.FAST);
    }

    @Test
    void aCheckpointPublishedToTheVaultCarriesTheQuorumsCosignatures() throws Exception {
        log.grow(300);
        try (TestWitnessServer a = witness("a"); TestWitnessServer b = witness("b");
                DirectoryVault vault = DirectoryVault.open(Files.createDirectories(tmp.resolve("v")));
                Shipper shipper = Shipper.start(log, List.of(vault),
                        new WitnessPolicy(List.of(a.client(TIMEOUT), b.client(TIMEOUT)), 2), ShipperTest.FAST)) {
            shipper.published(299).get(10, TimeUnit.SECONDS);

            Note published = Note.parse(vault.checkpoint().orElseThrow());
            assertThat(published.verify(List.of(log.key.verifierKey(), a.key(), b.key()))).hasSize(3);
            assertThat(WitnessKeys.parse(vault.get(VaultPaths.WITNESSES).orElseThrow()))
                    .isEqualTo(new WitnessKeys(2, List.of(a.key(), b.key())));
            assertThat(shipper.status().witnesses()).allSatisfy(w -> {
                assertThat(w.lastResult()).isEqualTo("cosigned");
                assertThat(w.cosignedSize()).isEqualTo(300);
            });
        }
    }

    @Test
    void aMissedQuorumPublishesNothing() throws Exception {
        log.grow(20);
        TestWitnessServer up = witness("up");
        TestWitnessServer down = witness("down");
        down.close();
        try (up; DirectoryVault vault = DirectoryVault.open(Files.createDirectories(tmp.resolve("v")));
                Shipper shipper = Shipper.start(log, List.of(vault),
                        new WitnessPolicy(List.of(up.client(TIMEOUT), down.client(TIMEOUT)), 2), ShipperTest.FAST)) {
            Eventually.until(Duration.ofSeconds(10), () -> up.requests.get() >= 2);

            assertThat(vault.checkpoint()).isEmpty();
            assertThat(vault.list(VaultPaths.HISTORY)).isEmpty();
            assertThat(shipper.status().publishedSize()).isZero();
            assertThat(shipper.status().witnesses().get(1).lastResult()).isEqualTo("unreachable");
            assertThat(shipper.status().vaults().getFirst().lagEntries()).isEqualTo(20);
            assertThat(shipper.published(0)).isNotDone();
        }
    }

    @Test
    void aWitnessIsAskedToCosignOnlyOnceAVaultHoldsTheTreesData() throws Exception {
        log.grow(30);
        try (TestWitnessServer w = witness("w");
                FlakyVault vault = flakyVault()) {
            vault.down = true;
            try (Shipper shipper = shipThrough(w, vault)) {
                Eventually.until(Duration.ofSeconds(10), () -> vault.failures.get() >= 3);
                // A witness holding a checkpoint no vault can rebuild would see the log rebuilt after a wipe as a fork.
                assertThat(w.requests.get()).as("checkpoints submitted while no vault holds their data").isZero();

                vault.down = false;
                shipper.published(29).get(10, TimeUnit.SECONDS);
                assertThat(w.requests.get()).isPositive();
                List<String> order = List.copyOf(vault.puts);
                assertThat(order.indexOf("tile/entries/000.p/30")).as("the data before the cosigned checkpoint's history entry")
                        .isLessThan(order.indexOf(VaultPaths.history(30)));
                assertThat(order.stream().filter(p -> !p.startsWith(VaultPaths.KEYS)).findFirst()).get().asString()
                        .as("a round's announcement comes before its data").startsWith(VaultPaths.ROUNDS);
            }
        }
    }

    @Test
    void aWitnessRefusingAForkIsAnAlarmOnTheStatus() throws Exception {
        MemoryLog fork = new MemoryLog(log.key, "forked");
        fork.grow(10);
        log.grow(20);
        try (TestWitnessServer w = witness("w");
                DirectoryVault vault = DirectoryVault.open(Files.createDirectories(tmp.resolve("v")))) {
            // Someone with the log's key showed the witness another history first.
            try (WitnessClient c = w.client(TIMEOUT)) {
                assertThat(c.submit(Note.parse(fork.checkpoint().orElseThrow()), fork))
                        .isInstanceOf(WitnessResult.Cosigned.class);
            }
            try (Shipper shipper = shipThrough(w, vault)) {
                Eventually.until(Duration.ofSeconds(10), () -> shipper.status().witnessAlarmsTotal() >= 1);

                ShippingStatus st = shipper.status();
                assertThat(st.alarms()).first().satisfies(a -> {
                    assertThat(a.source()).contains(w.url().toString());
                    assertThat(a.message()).startsWith("FORK");
                });
                assertThat(st.witnesses().getFirst().lastResult()).isEqualTo("alarm");
                assertThat(vault.checkpoint()).isEmpty();
            }
        }
    }

    @Test
    void aRestartAfterACrashBeforePublishingAdoptsTheCosignedHistoryTheVaultHolds() throws Exception {
        log.grow(40);
        try (TestWitnessServer w = witness("w");
                FlakyVault vault = flakyVault()) {
            vault.checkpointDown = true;
            try (Shipper first = shipThrough(w, vault)) {
                Eventually.until(Duration.ofSeconds(10), () -> vault.failures.get() >= 1);
            }
            byte[] held = vault.inner.get(VaultPaths.history(40)).orElseThrow();
            vault.checkpointDown = false;

            Thread.sleep(1_100); // cosignature timestamps are in seconds
            // A new process: the witness cosigns the same checkpoint again, with a new timestamp.
            try (Shipper second = shipThrough(w, vault)) {
                second.published(39).get(10, TimeUnit.SECONDS);

                assertThat(w.witness.latest(log.origin()).orElseThrow().toBytes()).isNotEqualTo(held);
                assertThat(vault.inner.checkpoint()).get().isEqualTo(held);
                assertThat(second.status().alarms()).isEmpty();
                assertThat(w.requests.get()).isGreaterThanOrEqualTo(2);
            }
        }
    }
}
