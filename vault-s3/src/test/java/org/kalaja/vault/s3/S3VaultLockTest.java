package org.kalaja.vault.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kalaja.engine.vault.VaultException;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.engine.vault.VaultTamperException;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.TileId;
import org.kalaja.testkit.CephRgw;
import org.kalaja.testkit.RequiresCephRgw;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockRetention;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What Object Lock adds, proven against Ceph RGW: someone holding the vault's own keys (as an
 * attacker with root on the primary does) cannot delete, overwrite or unlock what Kalaja wrote, and
 * what they can do (add versions, add delete markers) is reported as tampering.
 */
@RequiresCephRgw
class S3VaultLockTest {
    private static final String BUCKET = "kalaja-lock";
    private static final String TILE = TileId.full(0, 7).path();
    private static final byte[] ORIGINAL = bytes("the hashes of tile 7");
    private static final byte[] FORGED = bytes("the hashes of a forged tile 7");
    private static final SigningKey KEY = SigningKey.generate("s3.example/log", SignatureType.ED25519);
    private static CephRgw rgw;
    private static S3Client attacker;

    private S3VaultConfig config;
    private S3Vault vault;

    @BeforeAll
    static void lockedBucket(CephRgw cluster) {
        rgw = cluster;
        attacker = Rgw.client(cluster);
        Rgw.lockedBucket(attacker, BUCKET);
    }

    @AfterAll
    static void closeClient() {
        attacker.close();
        rgw = null;
    }

    @BeforeEach
    void openVault() {
        config = Rgw.vault(rgw, BUCKET);
        vault = S3Vault.open(config);
    }

    @AfterEach
    void closeVault() {
        vault.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String key(String path) {
        return config.prefix() + path;
    }

    private List<ObjectVersion> versions(String path) {
        return attacker.listObjectVersions(b -> b.bucket(BUCKET).prefix(key(path))).versions().stream()
                .filter(v -> v.key().equals(key(path))).toList();
    }

    private int status(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (S3Exception e) {
            return e.statusCode();
        }
    }

    @Test
    void everyObjectIsLockedInComplianceModeForTheConfiguredRetention() {
        Instant before = Instant.now();
        byte[] note = new Checkpoint("s3.example/log", 3, Hash.sha256(bytes("root"))).sign(KEY).toBytes();
        byte[] blob = bytes("a scanned deed");
        vault.put(TILE, ORIGINAL);
        vault.put(VaultPaths.blob(Hash.sha256(blob)), blob);
        vault.put(VaultPaths.history(3), note);
        vault.putCheckpoint(note);

        for (String path : List.of(TILE, VaultPaths.blob(Hash.sha256(blob)), VaultPaths.history(3), VaultPaths.CHECKPOINT)) {
            ObjectLockRetention retention = attacker.getObjectRetention(b -> b.bucket(BUCKET).key(key(path))).retention();
            assertThat(retention.mode()).as(path).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
            assertThat(retention.retainUntilDate()).as(path)
                    .isCloseTo(before.plus(Duration.ofDays(1)), within(2, ChronoUnit.MINUTES));
        }
    }

    @Test
    void lockedVersionCannotBeDeletedEvenWithTheGovernanceBypass() {
        vault.put(TILE, ORIGINAL);
        String id = versions(TILE).getFirst().versionId();

        assertThat(status(() -> attacker.deleteObject(b -> b.bucket(BUCKET).key(key(TILE)).versionId(id)))).isEqualTo(403);
        assertThat(status(() -> attacker.deleteObject(b -> b.bucket(BUCKET).key(key(TILE)).versionId(id)
                .bypassGovernanceRetention(true)))).isEqualTo(403);
        assertThat(vault.get(TILE)).hasValueSatisfying(held -> assertThat(held).isEqualTo(ORIGINAL));
    }

    @Test
    void retentionCannotBeShortenedNorTurnedIntoGovernance() {
        vault.put(TILE, ORIGINAL);
        String id = versions(TILE).getFirst().versionId();
        Instant locked = attacker.getObjectRetention(b -> b.bucket(BUCKET).key(key(TILE))).retention().retainUntilDate();

        assertThat(status(() -> attacker.putObjectRetention(b -> b.bucket(BUCKET).key(key(TILE)).versionId(id)
                .retention(r -> r.mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(Instant.now().plusSeconds(5))))))
                .isEqualTo(403);
        assertThat(status(() -> attacker.putObjectRetention(b -> b.bucket(BUCKET).key(key(TILE)).versionId(id)
                .bypassGovernanceRetention(true)
                .retention(r -> r.mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(locked))))).isEqualTo(403);
        assertThat(attacker.getObjectRetention(b -> b.bucket(BUCKET).key(key(TILE))).retention())
                .satisfies(r -> assertThat(r.mode()).isEqualTo(ObjectLockRetentionMode.COMPLIANCE))
                .satisfies(r -> assertThat(r.retainUntilDate()).isEqualTo(locked));
    }

    @Test
    void theLockEndsOnlyWhenTheRetentionEnds() throws InterruptedException {
        try (S3Vault brief = S3Vault.open(config.withPrefix(config.prefix() + "brief/").withRetention(Duration.ofSeconds(3)))) {
            brief.put(TILE, ORIGINAL);
            String key = brief.config().prefix() + TILE;
            String id = attacker.listObjectVersions(b -> b.bucket(BUCKET).prefix(key)).versions().getFirst().versionId();
            assertThat(status(() -> attacker.deleteObject(b -> b.bucket(BUCKET).key(key).versionId(id)))).isEqualTo(403);

            Thread.sleep(4_500);
            // The same call now succeeds: the lock, not a permission, is what refused it.
            assertThat(status(() -> attacker.deleteObject(b -> b.bucket(BUCKET).key(key).versionId(id)))).isIn(200, 204);
            assertThat(brief.get(TILE)).isEmpty();
        }
    }

    @Test
    void overwriteAddsAVersionThatKalajaReportsAsTamperingWhileTheFirstStays() {
        vault.put(TILE, ORIGINAL);
        attacker.putObject(b -> b.bucket(BUCKET).key(key(TILE)), RequestBody.fromBytes(FORGED));

        assertThat(versions(TILE)).hasSize(2);
        assertThat(attacker.getObjectAsBytes(b -> b.bucket(BUCKET).key(key(TILE))).asByteArray()).isEqualTo(FORGED);
        for (Runnable call : List.<Runnable>of(() -> vault.get(TILE), () -> vault.put(TILE, ORIGINAL))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(VaultTamperException.class, e -> {
                assertThat(e.path()).isEqualTo(TILE);
                assertThat(e.heldSha256()).isEqualTo(Hash.sha256(ORIGINAL));
                assertThat(e.offeredSha256()).isEqualTo(Hash.sha256(FORGED));
                assertThat(e.retryable()).isFalse();
            }).hasMessageContaining(TILE).hasMessageContaining("attack");
        }
        try (S3Vault reader = S3Vault.open(config.withLaterVersions(S3VaultConfig.LaterVersions.READ_FIRST))) {
            assertThat(reader.get(TILE)).hasValueSatisfying(held -> assertThat(held).isEqualTo(ORIGINAL));
        }
    }

    @Test
    void overwriteWithTheSameBytesIsNotTampering() {
        vault.put(TILE, ORIGINAL);
        attacker.putObject(b -> b.bucket(BUCKET).key(key(TILE)), RequestBody.fromBytes(ORIGINAL));

        assertThat(versions(TILE)).hasSize(2);
        assertThat(vault.get(TILE)).hasValueSatisfying(held -> assertThat(held).isEqualTo(ORIGINAL));
        vault.put(TILE, ORIGINAL);
        assertThat(versions(TILE)).hasSize(2);
    }

    @Test
    void firstVersionWrittenBySomeoneElseIsTheTruthToo() {
        attacker.putObject(b -> b.bucket(BUCKET).key(key(TILE)), RequestBody.fromBytes(FORGED));

        assertThat(vault.get(TILE)).hasValueSatisfying(held -> assertThat(held).isEqualTo(FORGED));
        assertThatThrownBy(() -> vault.put(TILE, ORIGINAL)).isInstanceOfSatisfying(VaultTamperException.class,
                e -> assertThat(e.heldSha256()).isEqualTo(Hash.sha256(FORGED)));
        assertThat(versions(TILE)).as("the refused put wrote nothing").hasSize(1);
    }

    @Test
    void deleteWithoutAVersionOnlyHidesThePathAndKalajaReportsIt() {
        vault.put(TILE, ORIGINAL);
        attacker.deleteObject(b -> b.bucket(BUCKET).key(key(TILE)));

        assertThat(status(() -> attacker.getObject(b -> b.bucket(BUCKET).key(key(TILE))))).isEqualTo(404);
        assertThat(versions(TILE)).hasSize(1);
        for (Runnable call : List.<Runnable>of(() -> vault.get(TILE), () -> vault.put(TILE, ORIGINAL))) {
            assertThatThrownBy(call::run)
                    .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining(TILE).hasMessageContaining("deleted").hasMessageContaining("attack")
                    .hasMessageContaining(Hash.sha256(ORIGINAL).hex());
        }
        assertThat(vault.list("tile/")).containsExactly(TILE);
        try (S3Vault reader = S3Vault.open(config.withLaterVersions(S3VaultConfig.LaterVersions.READ_FIRST))) {
            assertThat(reader.get(TILE)).hasValueSatisfying(held -> assertThat(held).isEqualTo(ORIGINAL));
        }
    }

    @Test
    void publishedCheckpointIsTheNewestVersionAndEveryOneStaysLocked() {
        byte[] older = new Checkpoint("s3.example/log", 5, Hash.sha256(bytes("root 5"))).sign(KEY).toBytes();
        byte[] newer = new Checkpoint("s3.example/log", 9, Hash.sha256(bytes("root 9"))).sign(KEY).toBytes();
        vault.put(VaultPaths.history(5), older);
        vault.put(VaultPaths.history(9), newer);
        vault.putCheckpoint(older);
        vault.putCheckpoint(newer);

        List<ObjectVersion> published = versions(VaultPaths.CHECKPOINT);
        assertThat(published).hasSize(2);
        assertThat(vault.checkpoint()).hasValueSatisfying(held -> assertThat(held).isEqualTo(newer));
        for (ObjectVersion v : published) {
            assertThat(status(() -> attacker.deleteObject(b -> b.bucket(BUCKET).key(key(VaultPaths.CHECKPOINT))
                    .versionId(v.versionId())))).isEqualTo(403);
        }
    }
}
