package org.kalaja.vault.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kalaja.testkit.CephRgw;
import org.kalaja.testkit.RequiresCephRgw;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/** Listings that span pages: two entries a page, so that a few objects take several. */
@RequiresCephRgw
class BucketTest {
    private static final String BUCKET = "kalaja-bucket";

    @Test
    void historyAndKeysPageThroughManyVersionsAndDeleteMarkers(CephRgw rgw) {
        try (S3Client s3 = Rgw.client(rgw)) {
            Rgw.lockedBucket(s3, BUCKET);
            Bucket bucket = new Bucket(s3, BUCKET, 2);
            Instant until = Instant.now().plusSeconds(3600);
            List<String> written = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                written.add(bucket.write("p/checkpoint", bytes("note " + i), until));
            }
            bucket.write("p/checkpoints/1", bytes("one"), until);
            bucket.write("p/tile/0/000", bytes("tile"), until);
            bucket.write("p/tile/0/000.p/5", bytes("partial"), until);
            s3.deleteObject(b -> b.bucket(BUCKET).key("p/tile/0/000"));
            s3.deleteObject(b -> b.bucket(BUCKET).key("p/only-deleted"));

            Bucket.History checkpoint = bucket.history("p/checkpoint");
            assertThat(checkpoint.versions()).extracting(ObjectVersion::versionId).containsExactlyElementsOf(written.reversed());
            assertThat(checkpoint.first().versionId()).isEqualTo(written.getFirst());
            assertThat(bucket.read("p/checkpoint", checkpoint.first().versionId())).isEqualTo(bytes("note 0"));
            assertThat(bucket.readLatest("p/checkpoint")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("note 4")));

            Bucket.History tile = bucket.history("p/tile/0/000");
            assertThat(tile.versions()).hasSize(1);
            assertThat(tile.deleteMarkers()).hasSize(1);
            assertThat(bucket.readLatest("p/tile/0/000")).isEmpty();

            assertThat(bucket.keys("p/")).containsExactly("p/checkpoint", "p/checkpoints/1", "p/tile/0/000", "p/tile/0/000.p/5");
            assertThat(bucket.keys("p/tile/0/000")).containsExactly("p/tile/0/000", "p/tile/0/000.p/5");
            assertThat(bucket.history("p/nothing").isEmpty()).isTrue();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
