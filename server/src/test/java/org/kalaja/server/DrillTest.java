package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small drill CI runs: real processes (two witnesses, the primary, the attacker's requests, recover, the rebuilt node) on loopback. */
class DrillTest {
    @TempDir
    Path dir;

    @Test
    void theAttackIsContainedAndUndoneAndTheWipedPrimaryRebuiltWithNoAcknowledgedWriteLost() throws Exception {
        Path report = dir.resolve("drill.html");
        CliTest.Run drill = CliTest.kalaja("drill", "--records", "300", "--writers", "4", "--json", "--work", dir.resolve("drill").toString(),
                "--report", report.toString());

        assertThat(drill.exit()).as(drill.out() + drill.err()).isZero();
        JsonNode verdict = RemoteNode.parse(drill.out().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(verdict.path("passed").asBoolean()).isTrue();
        assertThat(verdict.path("lost").asLong()).isZero();
        assertThat(verdict.path("acknowledged").asLong()).as("writes acknowledged before the wipe").isGreaterThanOrEqualTo(300);
        assertThat(verdict.path("vault_verified").asBoolean()).isTrue();
        assertThat(verdict.path("witnesses_accepted_rebuilt_log").asBoolean()).isTrue();
        // Eight citizens applied through the portal's pages; each finds the application in the rebuilt portal, which takes new ones.
        assertThat(verdict.path("portal_applications_acknowledged").asInt()).isEqualTo(8);
        assertThat(verdict.path("portal_applications_found_after_recovery").asInt()).isEqualTo(8);
        assertThat(verdict.path("portal_takes_applications_after_recovery").asBoolean()).isTrue();
        assertThat(verdict.path("citizen_reads_served_during_attack").asLong()).as("citizens' reads while the attack was contained").isPositive();
        if (org.kalaja.testkit.PeerVerifier.locate().isPresent()) {
            // Go's sumdb code read the vault: every entry, and the cosignatures of both witnesses.
            assertThat(verdict.path("independent_verification").asText()).as(verdict.path("independent_detail").asText()).isEqualTo("passed");
            assertThat(verdict.path("independent_entries_checked").asLong()).isGreaterThan(verdict.path("acknowledged").asLong());
            assertThat(verdict.path("independent_cosignatures_verified").asInt()).isEqualTo(2);
        } else {
            assertThat(verdict.path("independent_verification").asText()).isEqualTo("skipped");
        }
        assertThat(verdict.path("recovery_s").asDouble()).as("seconds from the wipe to serving again").isPositive();
        assertThat(verdict.path("damaged").asLong()).as("records the attacker changed before containment").isPositive();
        assertThat(verdict.path("restored").asLong()).isEqualTo(verdict.path("damaged").asLong());
        assertThat(verdict.path("max_detection_ms").asDouble()).isPositive();
        assertThat(verdict.path("phases")).extracting(p -> p.path("phase").asText())
                .containsExactly("exfiltration", "ransomware", "deletion", "database edit", "wipe");
        // Each attack phase stopped within its rule's threshold: 25 reads, 10 deletions, a handful of overwrites.
        verdict.path("phases").forEach(p -> {
            if (!p.path("phase").asText().equals("wipe")) assertThat(p.path("served").asInt()).as(p.toString()).isLessThan(30);
        });
        assertThat(drill.err()).contains("wiped:").contains("serving again");
        // The report opens offline: no script, links only to the evidence packs beside it, each with a STIX bundle.
        String html = java.nio.file.Files.readString(report);
        assertThat(html).contains("PASSED").contains("independent verification (Go)").contains("T1486").contains("T1565.001").contains("T1561").contains("<svg")
                .doesNotContain("<script").doesNotContain("http://").doesNotContain("https://");
        java.util.regex.Matcher links = java.util.regex.Pattern.compile("href=\"([^\"]+stix-bundle.json)\"").matcher(html);
        int bundles = 0;
        while (links.find()) {
            JsonNode bundle = RemoteNode.parse(java.nio.file.Files.readString(dir.resolve(links.group(1))));
            assertThat(bundle.path("type").asText()).isEqualTo("bundle");
            bundles++;
        }
        assertThat(bundles).as("incidents with an evidence pack").isGreaterThanOrEqualTo(3);
    }

    /** The same drill with the vault on a real S3 server with Object Lock (Ceph RGW): what the wiper cannot reach. */
    @Test
    @org.kalaja.testkit.RequiresCephRgw
    void theDrillPassesWithTheVaultInAnObjectLockBucket(org.kalaja.testkit.CephRgw rgw) throws Exception {
        try (software.amazon.awssdk.services.s3.S3Client s3 = software.amazon.awssdk.services.s3.S3Client.builder()
                .endpointOverride(rgw.endpoint()).region(software.amazon.awssdk.regions.Region.of(rgw.region())).forcePathStyle(true)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(org.kalaja.testkit.CephRgw.ACCESS_KEY,
                                org.kalaja.testkit.CephRgw.SECRET_KEY))).build()) {
            if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals("kalaja-drill"))) {
                s3.createBucket(b -> b.bucket("kalaja-drill").objectLockEnabledForBucket(true));
            }
        }
        System.setProperty("aws.accessKeyId", org.kalaja.testkit.CephRgw.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", org.kalaja.testkit.CephRgw.SECRET_KEY);
        try {
            String url = "s3://kalaja-drill/ci?endpoint=" + rgw.endpoint() + "&region=" + rgw.region() + "&retention-days=1";
            CliTest.Run drill = CliTest.kalaja("drill", "--records", "300", "--writers", "4", "--json", "--vault", url,
                    "--work", dir.resolve("drill-s3").toString());

            assertThat(drill.exit()).as(drill.out() + drill.err()).isZero();
            JsonNode verdict = RemoteNode.parse(drill.out().lines().reduce((a, b) -> b).orElseThrow());
            assertThat(verdict.path("passed").asBoolean()).isTrue();
            assertThat(verdict.path("lost").asLong()).isZero();
            assertThat(verdict.path("vault_verified").asBoolean()).isTrue();
            assertThat(verdict.path("restored").asLong()).isEqualTo(verdict.path("damaged").asLong());
            assertThat(drill.err()).contains("shipping to s3://kalaja-drill/ci/drill-");
            if (org.kalaja.testkit.PeerVerifier.locate().isPresent()) {
                assertThat(verdict.path("independent_verification").asText()).as(verdict.path("independent_detail").asText()).isEqualTo("passed");
            }
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void aVaultThatIsNeitherADirectoryNorAnS3UrlIsRefusedBeforeAnythingStarts() {
        CliTest.Run drill = CliTest.kalaja("drill", "--vault", "dir:" + dir.resolve("absent"), "--work", dir.resolve("w").toString());

        assertThat(drill.exit()).isEqualTo(2);
        assertThat(drill.err()).contains("--vault must be dir:/path/to/existing/directory or s3://");
        assertThat(dir.resolve("w")).doesNotExist();
    }

    @Test
    void tooFewRecordsForTheAttackIsRefusedBeforeAnythingStarts() {
        CliTest.Run drill = CliTest.kalaja("drill", "--records", "10", "--work", dir.resolve("small").toString());

        assertThat(drill.exit()).isEqualTo(2);
        assertThat(drill.err()).contains("--records must be between 260 and 1000000, got 10");
        assertThat(dir.resolve("small")).doesNotExist();
    }
}
