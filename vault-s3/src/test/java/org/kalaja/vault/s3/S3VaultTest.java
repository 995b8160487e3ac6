package org.kalaja.vault.s3;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.kalaja.engine.vault.Vault;
import org.kalaja.testkit.CephRgw;
import org.kalaja.testkit.RequiresCephRgw;
import org.kalaja.testkit.VaultContract;
import software.amazon.awssdk.services.s3.S3Client;

/** The vault contract on Ceph RGW with Object Lock: each test gets a fresh prefix of one locked bucket. */
@RequiresCephRgw
class S3VaultTest extends VaultContract {
    private static final String BUCKET = "kalaja-contract";
    private static CephRgw rgw;

    @BeforeAll
    static void lockedBucket(CephRgw cluster) {
        rgw = cluster;
        try (S3Client s3 = Rgw.client(cluster)) {
            Rgw.lockedBucket(s3, BUCKET);
        }
    }

    @AfterAll
    static void forget() {
        rgw = null;
    }

    @Override
    protected Vault newVault() {
        return S3Vault.open(Rgw.vault(rgw, BUCKET));
    }

    @Override
    protected Vault openAgain(Vault vault) {
        return S3Vault.open(((S3Vault) vault).config());
    }
}
