package org.kalaja.engine.shipping;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.shipping.ShippingStatus.State;
import org.kalaja.engine.vault.DirectoryVault;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.engine.vault.WitnessKeys;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.TileId;

class ShipperTest {
    static final ShipperConfig FAST = new ShipperConfig(Duration.ofMillis(20), Duration.ofMillis(20), Duration.ofMillis(200), 4);

    @TempDir
    Path tmp;
    final MemoryLog log = new MemoryLog("ship.example/log");
    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    DirectoryVault dirVault(String name) throws IOException {
        DirectoryVault v = DirectoryVault.open(Files.createDirectories(tmp.resolve(name)));
        open.add(v);
        return v;
    }

    Shipper start(List<Vault> vaults) {
        Shipper s = Shipper.start(log, vaults, null, FAST);
        open.add(s);
        return s;
    }

    static long publishedSize(Vault v) {
        return v.checkpoint().map(b -> Checkpoint.of(Note.parse(b)).size()).orElse(0L);
    }

    /** The vault holds, byte for byte, every bundle and tile of the log's tree of {@code size} and publishes it. */
    void assertHoldsTree(Vault v, long size) {
        assertThat(publishedSize(v)).isEqualTo(size);
        assertThat(v.get(VaultPaths.history(size))).get().isEqualTo(v.checkpoint().orElseThrow());
        for (BundleId b : BundleId.bundlesOf(size)) {
            assertThat(v.get(b.path())).as(b.path()).get().isEqualTo(log.bundle(b.index(), b.width()));
        }
        for (TileId t : TileId.tilesOf(size)) {
            assertThat(v.get(t.path())).as(t.path()).get().isEqualTo(log.tile(t.level(), t.index(), t.width()));
        }
    }

    @Test
    void shipsEveryBundleTileAndBlobBeforePublishingTheCheckpointAndTheLogKeyOnce() throws Exception {
        byte[] pdf = "%PDF-1.7 a large scanned deed".repeat(3000).getBytes(StandardCharsets.UTF_8);
        log.append(300);
        Hash blob = log.appendBlob(pdf);
        log.grow(70_000 - 301);
        DirectoryVault vault = dirVault("v");
        Shipper shipper = start(List.of(vault));

        shipper.published(69_999).get(30, TimeUnit.SECONDS);

        assertHoldsTree(vault, 70_000);
        assertThat(vault.get(VaultPaths.blob(blob))).get().isEqualTo(pdf);
        assertThat(vault.get(VaultPaths.LOG_VKEY)).get().isEqualTo((log.vkey() + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(vault.get(VaultPaths.WITNESSES)).isEmpty();
        ShippingStatus.VaultStatus s = shipper.status().vaults().getFirst();
        assertThat(s.state()).isEqualTo(State.CAUGHT_UP);
        assertThat(s.shippedSize()).isEqualTo(70_000);
        assertThat(s.lagEntries()).isZero();
        assertThat(s.lagSeconds()).isZero();
    }

    @Test
    void aVaultThatIsDownHoldsBackNoOtherAndDrainsWhenItReturns() throws Exception {
        log.grow(1000);
        FlakyVault flaky = new FlakyVault(dirVault("flaky"));
        flaky.down = true;
        DirectoryVault healthy = dirVault("healthy");
        Shipper shipper = start(List.of(flaky, healthy));

        Eventually.until(Duration.ofSeconds(10), () -> publishedSize(healthy) == 1000);
        log.grow(600);
        Eventually.until(Duration.ofSeconds(10), () -> publishedSize(healthy) == 1600);
        Eventually.until(Duration.ofSeconds(5), () -> flaky.failures.get() >= 3);
        ShippingStatus.VaultStatus down = shipper.status().vaults().getFirst();
        assertThat(down.state()).isEqualTo(State.RETRYING);
        assertThat(down.lagEntries()).isEqualTo(1600);
        assertThat(down.lagSeconds()).isPositive();
        assertThat(down.lastError()).contains("connection refused");
        assertThat(shipper.published(0)).isNotDone();

        flaky.down = false;
        shipper.published(1599).get(10, TimeUnit.SECONDS);
        assertHoldsTree(flaky.inner, 1600);
        assertHoldsTree(healthy, 1600);
        assertThat(shipper.status().vaults()).allSatisfy(v -> assertThat(v.lagEntries()).isZero());
        assertThat(shipper.status().vaults().getFirst().maxLagSeconds()).isPositive();
    }

    @Test
    void aDirectoryVaultMadeImmutableIsRetriedAndDrainsWhenWritableAgain() throws Exception {
        log.grow(300);
        Path dir = Files.createDirectories(tmp.resolve("ro"));
        DirectoryVault vault = dirVault("ro");
        Shipper shipper = start(List.of(vault));
        shipper.published(299).get(10, TimeUnit.SECONDS);
        ReadOnly.set(dir, true);
        try {
            log.grow(500);
            Eventually.until(Duration.ofSeconds(10), () -> shipper.status().vaults().getFirst().state() == State.RETRYING);
            assertThat(publishedSize(vault)).isEqualTo(300);
            assertThat(shipper.status().vaults().getFirst().lagEntries()).isEqualTo(500);
        } finally {
            ReadOnly.set(dir, false);
        }
        shipper.published(799).get(10, TimeUnit.SECONDS);
        assertHoldsTree(vault, 800);
    }

    @Test
    void aRestartResumesFromWhatTheVaultPublished() throws Exception {
        log.grow(5 * 256 + 10);
        FlakyVault vault = new FlakyVault(dirVault("v"));
        Shipper first = Shipper.start(log, List.of(vault), null, FAST);
        first.published(5 * 256 + 9).get(10, TimeUnit.SECONDS);
        first.close();
        log.grow(256);
        vault.puts.clear();

        start(List.of(vault)).published(6 * 256 + 9).get(10, TimeUnit.SECONDS);

        assertHoldsTree(vault.inner, 6 * 256 + 10);
        // Only what the larger tree added: bundle 5 made full, the new partial 6, their tiles, and the upper levels.
        assertThat(vault.puts).doesNotContain("tile/entries/000", "tile/entries/004", "tile/0/004", VaultPaths.LOG_VKEY)
                .contains("tile/entries/005", "tile/entries/006.p/10", "tile/0/005", "tile/0/006.p/10",
                        "tile/1/000.p/6", VaultPaths.history(6 * 256 + 10));
    }

    @Test
    void aWriterWaitingForTheVaultsMakesTheLogIntegrateAtOnce() throws Exception {
        log.grow(10);
        DirectoryVault vault = dirVault("v");
        Shipper shipper = Shipper.start(log, List.of(vault), null,
                new ShipperConfig(Duration.ofHours(1), Duration.ofMillis(20), Duration.ofMillis(200), 2));
        open.add(shipper);
        shipper.published(9).get(10, TimeUnit.SECONDS);
        log.append(5);

        shipper.published(14).get(10, TimeUnit.SECONDS);

        assertHoldsTree(vault, 15);
        assertThat(shipper.published(15)).isNotDone();
    }

    @Test
    void aVaultHoldingOtherBytesIsAnAlarmAndThatVaultStops() throws Exception {
        DirectoryVault vault = dirVault("v");
        vault.put("tile/0/000.p/3", new byte[3 * Hash.SIZE]);
        log.grow(3);
        Shipper shipper = start(List.of(vault));

        Eventually.until(Duration.ofSeconds(10), () -> shipper.status().vaultAlarmsTotal() == 1);
        ShippingStatus st = shipper.status();
        assertThat(st.vaults().getFirst().state()).isEqualTo(State.STOPPED);
        assertThat(st.alarms()).singleElement().satisfies(a -> assertThat(a.message()).contains("tile/0/000.p/3", "tampered"));
        assertThat(vault.checkpoint()).isEmpty();
        assertThat(shipper.published(0)).isNotDone();
    }

    @Test
    void aVaultOfAnotherLogIsRefusedBeforeAnythingIsShipped() throws Exception {
        DirectoryVault vault = dirVault("v");
        MemoryLog other = new MemoryLog("other.example/log").grow(4);
        try (Shipper theirs = Shipper.start(other, List.of(vault), null, FAST)) {
            theirs.published(3).get(10, TimeUnit.SECONDS);
        }
        log.grow(10);
        Shipper shipper = start(List.of(vault));

        Eventually.until(Duration.ofSeconds(10), () -> shipper.status().vaultAlarmsTotal() == 1);
        assertThat(shipper.status().alarms().getFirst().message()).contains("not a checkpoint signed by this log's key");
        assertThat(publishedSize(vault)).isEqualTo(4);
        assertThat(vault.list("tile/entries/")).containsExactly("tile/entries/000.p/4");
    }

    @Test
    void theWitnessSetIsWrittenOnceWithTheQuorum() {
        WitnessKeys keys = new WitnessKeys(1, List.of(
                org.kalaja.ledger.SigningKey.generate("w.example/a", org.kalaja.ledger.SignatureType.COSIGNATURE_V1).verifierKey(),
                org.kalaja.ledger.SigningKey.generate("w.example/b", org.kalaja.ledger.SignatureType.COSIGNATURE_V1).verifierKey()));
        assertThat(WitnessKeys.parse(keys.format())).isEqualTo(keys);
        assertThat(new String(keys.format(), StandardCharsets.UTF_8)).startsWith("quorum 1\nw.example/a+");
    }
}
