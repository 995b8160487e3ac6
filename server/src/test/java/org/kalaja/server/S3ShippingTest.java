package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Role;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.testkit.CephRgw;
import org.kalaja.testkit.RequiresCephRgw;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** `serve --vault s3://…` on a real S3 server with Object Lock: vault durability answers only once the bucket holds the write. */
@RequiresCephRgw
class S3ShippingTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void vaultDurabilityOnAnObjectLockBucketAnswersOnceTheBucketHoldsTheWrite(CephRgw rgw) {
        try (S3Client s3 = S3Client.builder().endpointOverride(rgw.endpoint()).region(Region.of(rgw.region()))
                .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(CephRgw.ACCESS_KEY, CephRgw.SECRET_KEY))).build()) {
            if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals("kalaja-ship"))) {
                s3.createBucket(b -> b.bucket("kalaja-ship").objectLockEnabledForBucket(true));
            }
        }
        // The SDK's default chain reads these when the environment has no AWS_ACCESS_KEY_ID.
        System.setProperty("aws.accessKeyId", CephRgw.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", CephRgw.SECRET_KEY);
        String url = "s3://kalaja-ship/node-" + System.nanoTime() + "?endpoint=" + rgw.endpoint() + "&region=" + rgw.region()
                + "&retention-days=1";
        ShippingOptions o = new ShippingOptions();
        o.vaults.add(url);
        o.durability = "vault";
        o.timeoutMs = 20_000;
        Node.Shipping shipping = o.resolve(new CommandLine(new ServeCommand()), tmp.resolve("node")).shipping();
        try (RunningNode n = RunningNode.start(tmp.resolve("node"), shipping);
                Vault bucket = VaultLocation.parse(url).open()) {
            String clerk = n.tokenFor(Role.CLERK);
            HttpResponse<String> r = n.send("PUT", "/api/v1/records/deeds/d1", clerk, "{\"parcel\":1}", Map.of());

            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            long index = RemoteNode.parse(r.body()).path("index").asLong();
            assertThat(VaultShippingTest.publishedSize(bucket)).isGreaterThan(index);
            assertThat(VaultShippingTest.entryInVault(bucket, index).key()).isEqualTo("d1");
            assertThat(bucket.get(VaultPaths.LOG_VKEY)).isPresent();
            assertThat(bucket.list(VaultPaths.HISTORY)).isNotEmpty();
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
