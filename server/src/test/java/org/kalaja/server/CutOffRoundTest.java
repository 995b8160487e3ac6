package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.witness.Witness;
import org.kalaja.engine.witness.WitnessPolicy;
import picocli.CommandLine;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.shipping.ShippingStatus;
import org.kalaja.engine.vault.DirectoryVault;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultException;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.ledger.BundleId;

/**
 * A primary that dies in the middle of a shipping round, at every point of the round: the vault keeps
 * whatever the round had put, write-once. The node rebuilt from that vault must take over the entries
 * the round got into it, and then ship on to the same vault without one object colliding with what
 * the dead primary left (which a write-once vault would report, rightly, as tampering, and stop).
 */
class CutOffRoundTest {
    @TempDir
    Path tmp;
    private boolean witnessed;

    /** Puts reach the vault until the allowance is spent; after that the primary is "dead" to it. */
    static final class DyingVault implements Vault {
        final Vault inner;
        final AtomicInteger allowance = new AtomicInteger(Integer.MAX_VALUE);
        final List<String> puts = java.util.Collections.synchronizedList(new ArrayList<>());

        DyingVault(Vault inner) {
            this.inner = inner;
        }

        private void spend(String path) {
            if (allowance.getAndDecrement() <= 0) {
                allowance.set(0);
                throw new VaultException("the primary died", true);
            }
            puts.add(path);
        }

        @Override
        public String describe() {
            return inner.describe(); // the rebuilt node ships to the same vault: the same defences at its start
        }

        @Override
        public synchronized void put(String path, byte[] content) {
            spend(path);
            inner.put(path, content);
        }

        @Override
        public Optional<byte[]> get(String path) {
            return inner.get(path);
        }

        @Override
        public synchronized void putCheckpoint(byte[] signedNote) {
            spend(VaultPaths.CHECKPOINT);
            inner.putCheckpoint(signedNote);
        }

        @Override
        public Optional<byte[]> checkpoint() {
            return inner.checkpoint();
        }

        @Override
        public List<String> list(String prefix) {
            return inner.list(prefix);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /**
     * With a witness the round's data goes in before the witness is asked to cosign: the rebuilt log
     * then never falls short of a checkpoint the witness holds (which it would refuse as a fork).
     */
    @ParameterizedTest(name = "witnessed: {0}")
    @ValueSource(booleans = {false, true})
    void aNodeRebuiltAfterThePrimaryDiedAtAnyPointOfARoundShipsOnToTheSameVault(boolean witnessed) throws Exception {
        this.witnessed = witnessed;
        List<String> round = cutOff(tmp.resolve("whole"), Integer.MAX_VALUE).roundPuts();
        assertThat(round).as("the round crosses a bundle boundary: a full bundle and a partial one")
                .filteredOn(p -> p.startsWith("tile/entries/")).hasSize(2);
        long[] recovered = new long[round.size() + 1];
        for (int cut = 0; cut <= round.size(); cut++) {
            Cut c = cutOff(tmp.resolve("cut-" + cut), cut);
            recovered[cut] = c.recovered();
            assertThat(c.recovered()).as("entries recovered when the primary died after %d puts of %s", cut, round)
                    .isEqualTo(expected(c.roundPuts(), c));
            assertThat(c.alarms()).as("alarms of the rebuilt node's shipping, cut after %d puts", cut).isEmpty();
        }
        System.out.println("cut-off round: " + round + "; entries recovered by cut point: " + java.util.Arrays.toString(recovered));
    }

    /** What recovery must get back: the published tree, and every entry of each bundle the cut round put, in order. */
    private static long expected(List<String> put, Cut c) {
        long size = c.published();
        for (String path : put) {
            if (path.startsWith("tile/entries/")) size = c.bundleEnd(path);
            if (path.startsWith(VaultPaths.HISTORY)) size = c.roundSize();
        }
        return size;
    }

    /**
     * @param roundPuts  the puts of the round until it was cut off (in the order they happened)
     * @param published  the tree the vault had published before it
     * @param roundSize  the tree the round shipped
     * @param recovered  entries the rebuilt store held after recovery
     * @param alarms     the rebuilt node's shipping alarms after it shipped beyond the round
     */
    record Cut(List<String> roundPuts, long published, long roundSize, long recovered, List<ShippingStatus.Alarm> alarms) {
        long bundleEnd(String path) {
            BundleId b = BundleId.parse(path);
            return b.firstEntry() + b.width();
        }
    }

    private Cut cutOff(Path root, int allowance) throws Exception {
        Path vaultDir = Files.createDirectories(root.resolve("vault"));
        Path primary = Files.createDirectories(root.resolve("primary"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Witness witness = null;
        WitnessRoutes routes = null;
        if (witnessed) {
            LogIdentity identity = LogIdentity.loadOrCreate(primary.resolve(Node.KEY_FILE), "");
            witness = Witness.open(root.resolve("witness"), "witness.example/w1", List.of(identity.verifierKey()));
            routes = WitnessRoutes.start(witness, "127.0.0.1", 0);
        }
        try {
            return cutOff(root, vaultDir, primary, allowance, routes);
        } finally {
            if (routes != null) routes.close();
            if (witness != null) witness.close();
        }
    }

    private Cut cutOff(Path root, Path vaultDir, Path primary, int allowance, @Nullable WitnessRoutes witness) throws Exception {
        DyingVault dying = new DyingVault(DirectoryVault.open(vaultDir));
        long published;
        long roundSize;
        List<String> round;
        try (Node node = Node.open(primary, StoreLocation.of(primary, null), EngineConfig.defaults().withCheckpointInterval(Duration.ofHours(1)),
                null, shipping(dying, witness, primary))) {
            write(node, "a", 250);
            published = shipAll(node);
            dying.puts.clear();
            dying.allowance.set(allowance);
            // Across the next bundle boundary, so that the round ships a full bundle and a partial one.
            for (int i = 0; node.store().size() < (published / 256 + 1) * 256 + 6; i++) write(node, "b" + i, 1);
            roundSize = node.log().integrate();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (dying.allowance.get() > 0 && VaultShippingTest.publishedSize(dying) < roundSize && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            round = List.copyOf(dying.puts);
        }
        Path rebuilt = root.resolve("rebuilt");
        CliTest.Run recover = CliTest.kalaja("recover", "--from", "dir:" + vaultDir, "--into", rebuilt.toString(), "--key",
                primary.resolve(Node.KEY_FILE).toString());
        assertThat(recover.exit()).as(recover.out() + recover.err()).isZero();
        long recovered;
        List<ShippingStatus.Alarm> alarms;
        try (Node node = Node.open(rebuilt, StoreLocation.of(rebuilt, null), EngineConfig.defaults().withCheckpointInterval(Duration.ofHours(1)),
                null, shipping(DirectoryVault.open(vaultDir), witness, rebuilt))) {
            recovered = node.store().size();
            // One entry per round, past the dead primary's round: every width it could have left behind is shipped again.
            for (int i = 0; node.store().size() < roundSize + 3; i++) {
                write(node, "c" + i, 1);
                shipAll(node);
            }
            alarms = node.shipper().orElseThrow().status().alarms();
        }
        CliTest.Run verify = CliTest.kalaja("verify", "--vault", "dir:" + vaultDir);
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        return new Cut(round, published, roundSize, recovered, alarms);
    }

    /** Shipping to {@code vault} alone, or through {@code witness} as `serve --witness URL` sets it up. */
    private static Node.Shipping shipping(Vault vault, @Nullable WitnessRoutes witness, Path data) {
        WitnessPolicy policy = null;
        if (witness != null) {
            ShippingOptions o = new ShippingOptions();
            o.vaults.add(vault.describe());
            o.durability = "store";
            o.timeoutMs = 30_000;
            o.witnesses.add("http://127.0.0.1:" + witness.port() + "/");
            Node.Shipping resolved = o.resolve(new CommandLine(new ServeCommand()), data).shipping();
            resolved.vaults().forEach(Vault::close); // this test's own vault object is the one shipped to
            policy = resolved.witnesses();
        }
        return new Node.Shipping(List.of(vault), policy, Node.Durability.STORE, Duration.ofSeconds(30), VaultShippingTest.FAST);
    }

    private static void write(Node node, String prefix, int n) {
        List<java.util.concurrent.CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] json = ("{\"n\":\"" + prefix + i + "\"}").getBytes(StandardCharsets.UTF_8);
            writes.add(node.engine().put(ShippedLog.CLERK, "applications", prefix + i, json, -1, ""));
        }
        writes.forEach(java.util.concurrent.CompletableFuture::join);
    }

    /** Integrates and waits (at most 20 s) until the vault published everything; returns the size. */
    private static long shipAll(Node node) throws Exception {
        long size = node.log().integrate();
        node.shipper().orElseThrow().published(size - 1).get(20, TimeUnit.SECONDS);
        return size;
    }
}
