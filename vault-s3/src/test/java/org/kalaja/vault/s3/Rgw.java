package org.kalaja.vault.s3;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.kalaja.testkit.CephRgw;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** What the S3 tests share: vault configurations on the test cluster and a raw client that plays the attacker. */
final class Rgw {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private Rgw() {}

    /** A vault on {@code bucket} under a prefix no other test uses, locked for a day. */
    static S3VaultConfig vault(CephRgw rgw, String bucket) {
        return S3VaultConfig.of(bucket)
                .withEndpoint(rgw.endpoint())
                .withPathStyle(true)
                .withRegion(rgw.region())
                .withRetention(Duration.ofDays(1))
                .withPrefix("t" + PREFIXES.incrementAndGet() + "/")
                .withCredentials(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(CephRgw.ACCESS_KEY, CephRgw.SECRET_KEY)));
    }

    /** A plain SDK client with the vault's settings: what someone holding the primary's keys can do. */
    static S3Client client(CephRgw rgw) {
        return S3Clients.create(vault(rgw, "any-bucket"));
    }

    /** Creates {@code bucket} with Object Lock (and so versioning), unless it exists. */
    static String lockedBucket(S3Client s3, String bucket) {
        if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
            s3.createBucket(b -> b.bucket(bucket).objectLockEnabledForBucket(true));
        }
        return bucket;
    }
}
