package org.kalaja.vault.s3;

import java.time.Duration;
import org.kalaja.engine.vault.VaultException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockConfiguration;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Builds the SDK client of a vault, checks its bucket at open, and turns SDK errors into {@link VaultException}s. */
final class S3Clients {
    private S3Clients() {}

    /**
     * The client: the JDK's HTTP client, checksums only where an operation requires them plus
     * Content-MD5 the old way (with the SDK's defaults, Ceph RGW rejects every PutObject with
     * XAmzContentSHA256Mismatch; S3 wants Content-MD5 with lock parameters anyway).
     */
    static S3Client create(S3VaultConfig config) {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(config.credentials())
                .forcePathStyle(config.pathStyle())
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .addPlugin(LegacyMd5Plugin.create())
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build());
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        return builder.build();
    }

    /** Refuses a bucket that is missing or lacks Object Lock or versioning, naming the commands that fix it. */
    static void checkBucket(S3Client client, S3VaultConfig config) {
        String bucket = config.bucket();
        String where = config.endpoint() == null ? "" : "--endpoint-url " + config.endpoint() + " ";
        try {
            config.credentials().resolveCredentials();
        } catch (SdkClientException e) {
            throw new VaultException("no S3 credentials for vault " + config.toUrl() + ": set AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY in Kalaja's environment, or name a profile of ~/.aws with profile=NAME in"
                    + " the vault URL (" + e.getMessage() + ")", false, e);
        }
        boolean locked;
        boolean versioned;
        try {
            locked = objectLockEnabled(client, bucket);
            versioned = client.getBucketVersioning(b -> b.bucket(bucket)).status() == BucketVersioningStatus.ENABLED;
        } catch (S3Exception e) {
            if ("NoSuchBucket".equals(code(e))) {
                throw new VaultException("S3 bucket " + bucket + " of vault " + config.toUrl() + " does not exist. Create"
                        + " it with Object Lock (which enables versioning): aws " + where + "s3api create-bucket --bucket "
                        + bucket + " --object-lock-enabled-for-bucket", false, e);
            }
            throw down(config.toUrl(), "check the bucket of", "the vault", e);
        } catch (SdkException e) {
            throw down(config.toUrl(), "check the bucket of", "the vault", e);
        }
        if (locked && versioned) {
            return;
        }
        String missing = !locked && !versioned ? "Object Lock and versioning are" : !locked ? "Object Lock is" : "versioning is";
        throw new VaultException("S3 bucket " + bucket + " cannot hold the Kalaja vault " + config.toUrl() + ": " + missing
                + " not enabled on it. Kalaja writes every object under a COMPLIANCE lock so that nobody, not even"
                + " someone holding the primary's keys, can delete or overwrite the history before its retention"
                + " ends, and reads the first version of each object; without these a wiper could destroy the vault."
                + " Fix: create a bucket with Object Lock (versioning comes with it): aws " + where
                + "s3api create-bucket --bucket NEW-BUCKET --object-lock-enabled-for-bucket; or, where the server allows"
                + " it (AWS S3 does), enable them on this bucket: aws " + where + "s3api put-bucket-versioning --bucket "
                + bucket + " --versioning-configuration Status=Enabled, then aws " + where
                + "s3api put-object-lock-configuration --bucket " + bucket
                + " --object-lock-configuration ObjectLockEnabled=Enabled", false);
    }

    private static boolean objectLockEnabled(S3Client client, String bucket) {
        try {
            ObjectLockConfiguration lock = client.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration();
            return lock != null && lock.objectLockEnabled() == ObjectLockEnabled.ENABLED;
        } catch (S3Exception e) {
            if ("ObjectLockConfigurationNotFoundError".equals(code(e))) {
                return false;
            }
            throw e;
        }
    }

    /**
     * What an operator needs when S3 failed: retryable for network errors, 5xx, 429 and 408; the S3
     * error code and HTTP status; never a credential (the SDK puts none in its messages, and the
     * vault is named by its URL, which holds none).
     */
    static VaultException down(String vault, String doing, String path, RuntimeException e) {
        if (e instanceof S3Exception s3) {
            int status = s3.statusCode();
            boolean retryable = status >= 500 || status == 429 || status == 408;
            String hint = switch (status) {
                case 403 -> "check that the credentials are right and may s3:GetObject, s3:GetObjectVersion,"
                        + " s3:ListBucketVersions, s3:PutObject and s3:PutObjectRetention on the bucket, and that"
                        + " this machine's clock is right";
                case 404 -> "check that the bucket exists";
                default -> retryable ? "the server is overloaded or failing; Kalaja retries" : "see the S3 error code";
            };
            return new VaultException("S3 vault " + vault + " could not " + doing + " " + path + ": S3 error "
                    + code(e) + " (HTTP " + status + "); " + hint, retryable, e);
        }
        if (e instanceof SdkClientException) {
            return new VaultException("S3 vault " + vault + " could not " + doing + " " + path + ": " + e.getMessage()
                    + ". Nothing partial is visible under that path; check that the S3 endpoint is reachable, then"
                    + " retry", true, e);
        }
        return new VaultException("S3 vault " + vault + " could not " + doing + " " + path + ": " + e.getMessage(), false, e);
    }

    private static String code(RuntimeException e) {
        return e instanceof S3Exception s3 && s3.awsErrorDetails() != null ? s3.awsErrorDetails().errorCode() : "unknown";
    }
}
