package org.kalaja.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.RecordVersion;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.vault.DirectoryVault;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.engine.vault.WitnessKeys;
import org.kalaja.ledger.BlobRef;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Cosignature;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.TileId;

/**
 * A log built through the engine on SQLite, in several rounds each ending with a checkpoint shipped
 * by hand to a directory vault in the layout recovery reads (bundles and tiles of the tree, full and
 * partial; blobs; {@code checkpoints/<size>} cosigned by test witnesses; {@code checkpoint};
 * {@code keys/}). Earlier rounds leave partial tiles and bundles behind, as a shipper does.
 */
final class ShippedLog {
    static final Caller CLERK = Caller.of("clerk-1", "127.0.0.1", "test");

    final Path data;
    final Path vault;
    final SigningKey logKey;
    final List<SigningKey> witnesses = new ArrayList<>();
    /** Every record's current JSON (or null when deleted), as the original node reads it. */
    final Map<String, String> records = new LinkedHashMap<>();
    long size;

    private ShippedLog(Path data, Path vault, SigningKey logKey) {
        this.data = data;
        this.vault = vault;
        this.logKey = logKey;
    }

    /** Writes {@code perRound} records in each of {@code rounds}, shipping a checkpoint after each to {@code vaults}. */
    static ShippedLog build(Path root, int rounds, int perRound, int witnessCount, Path... vaults) throws Exception {
        Path data = root.resolve("original");
        Path vault = vaults.length > 0 ? vaults[0] : Files.createDirectories(root.resolve("vault"));
        for (Path v : vaults) Files.createDirectories(v);
        try (Node node = Node.open(data, StoreLocation.of(data, null), EngineConfig.defaults().withCheckpointInterval(Duration.ofHours(1)), null)) {
            ShippedLog log = new ShippedLog(data, vault, SigningKey.parse(Files.readString(data.resolve(Node.KEY_FILE)).strip()));
            for (int w = 0; w < witnessCount; w++) {
                log.witnesses.add(SigningKey.generate("witness.test/w" + w, SignatureType.COSIGNATURE_V1));
            }
            int n = 0;
            for (int round = 0; round < rounds; round++) {
                List<java.util.concurrent.CompletableFuture<?>> writes = new ArrayList<>();
                for (int i = 0; i < perRound; i++, n++) {
                    String key = "k" + (n % (perRound * rounds / 2 + 1));
                    String json = "{\"n\":" + n + ",\"pad\":\"" + "x".repeat(n % 300) + "\"}";
                    writes.add(node.engine().put(CLERK, "births", key, json.getBytes(StandardCharsets.UTF_8), -1, n % 7 == 0 ? "idem-" + n : ""));
                }
                for (var w : writes) w.get();
                if (round == 0) {
                    String big = "{\"scan\":\"" + "b".repeat(70_000) + "\"}";
                    node.engine().put(CLERK, "scans", "s1", big.getBytes(StandardCharsets.UTF_8), -1, "").get();
                    node.engine().delete(CLERK, "births", "k1", -1, "").get();
                }
                node.log().integrate();
                for (Path v : vaults.length > 0 ? vaults : new Path[] {vault}) log.ship(node.log(), node.store(), v);
            }
            log.size = node.log().checkpointSize();
            for (String key : keys(node)) {
                RecordVersion v = node.engine().get("births", key).orElse(null);
                log.records.put(key, v == null || v.deleted() ? null : new String(v.json(), StandardCharsets.UTF_8));
            }
            return log;
        }
    }

    private static List<String> keys(Node node) {
        List<String> keys = new ArrayList<>();
        node.engine().list("births", "", 1000).forEach(s -> keys.add(s.id().key()));
        keys.add("k1");
        return keys;
    }

    /** Ships the log's latest checkpoint to {@code dir} as the shipper would. */
    void ship(TransparencyLog log, Store store, Path dir) {
        try (Vault v = DirectoryVault.open(dir)) {
            if (v.get(VaultPaths.LOG_VKEY).isEmpty()) {
                v.put(VaultPaths.LOG_VKEY, (log.vkey() + "\n").getBytes(StandardCharsets.UTF_8));
                if (!witnesses.isEmpty()) {
                    v.put(VaultPaths.WITNESSES, new WitnessKeys(witnesses.size(), witnesses.stream().map(SigningKey::verifierKey).toList()).format());
                }
            }
            long size = log.checkpointSize();
            for (BundleId b : BundleId.bundlesOf(size)) {
                byte[] bundle = log.bundle(b.index(), b.width());
                v.put(b.path(), bundle);
            }
            store.entries(0, size, e -> {
                var entry = EntryCodec.decode(e.data());
                if (entry.bodyType() == BodyType.BLOB_REF) {
                    BlobRef ref = BlobRef.fromBody(entry.body());
                    v.put(VaultPaths.blob(ref.sha256()), store.blob(ref.sha256().bytes()).orElseThrow());
                }
            });
            for (TileId t : TileId.tilesOf(size)) v.put(t.path(), log.tile(t.level(), t.index(), t.width()));
            Note note = Note.parse(log.checkpoint().orElseThrow());
            for (SigningKey w : witnesses) note = Cosignature.cosign(note, w, 1_700_000_000L + size);
            v.put(VaultPaths.history(size), note.toBytes());
            v.putCheckpoint(note.toBytes());
        }
    }
}
