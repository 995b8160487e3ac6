package org.kalaja.vault.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;

/**
 * Where an {@link S3Vault} lives and how it writes. Build one with {@link #of(String)} and the
 * {@code with...} methods, or from a URL with {@link S3Vault#parse(String)}.
 *
 * <p>Invariants: {@code bucket} is an S3 bucket name (3 to 63 characters of {@code a-z 0-9 . -});
 * {@code prefix} is empty or ends with {@code /} and has no empty, {@code .} or {@code ..} segment;
 * {@code endpoint}, when set, is an absolute {@code http} or {@code https} URI without user
 * information; {@code retention} is at least one second. Credentials MUST NOT appear in any field but
 * {@code credentials}, and that one is never printed: {@link #toString()} is {@link #toUrl()}.
 *
 * @param bucket the bucket; it MUST have Object Lock and versioning enabled (checked at open)
 * @param prefix the folder of the vault inside the bucket, e.g. {@code "registry-a/"}; {@code ""} for the root
 * @param endpoint the S3 endpoint, e.g. {@code http://127.0.0.1:7480} for Ceph RGW; null for AWS's
 *     endpoint of {@code region}
 * @param region the region requests are signed for
 * @param pathStyle {@code true} to address the bucket as {@code endpoint/bucket/key} (Ceph RGW, most
 *     servers other than AWS), {@code false} for {@code bucket.endpoint/key}
 * @param retention how long every object is locked in COMPLIANCE mode after it is written; nobody can
 *     delete it or shorten the lock before then, not even the bucket's owner
 * @param laterVersions what {@link S3Vault#get} does when an immutable path has versions written after the first
 * @param credentials where the SDK finds the access keys: the environment or a profile, never this configuration's text
 */
public record S3VaultConfig(
        String bucket,
        String prefix,
        @Nullable URI endpoint,
        String region,
        boolean pathStyle,
        Duration retention,
        LaterVersions laterVersions,
        AwsCredentialsProvider credentials) {

    /** The retention when none is given: a year, long enough to outlast an undetected intrusion. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(365);
    /** The region when none is given. */
    public static final String DEFAULT_REGION = "us-east-1";

    /**
     * What a read does with versions written to an immutable path after its first one (which is the
     * truth: it is locked and Kalaja wrote it). Writes always refuse them.
     */
    public enum LaterVersions {
        /** {@link S3Vault#get} throws: a verifier or a shipper stops at the first tampered path and names it. */
        REFUSE,
        /**
         * {@link S3Vault#get} returns the first version and logs the later ones as tampering: for a
         * recovery, which verifies what it reads against a cosigned checkpoint and must not let an
         * attacker who wrote later versions block the restore of the locked truth.
         */
        READ_FIRST
    }

    public S3VaultConfig {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(laterVersions, "laterVersions");
        Objects.requireNonNull(credentials, "credentials");
        if (bucket.length() < 3 || bucket.length() > 63 || !bucket.matches("[a-z0-9][a-z0-9.-]*[a-z0-9]")) {
            throw new IllegalArgumentException("bad S3 bucket name \"" + printable(bucket) + "\": 3 to 63 characters"
                    + " of a-z, 0-9, '.' and '-', starting and ending with a letter or digit");
        }
        if (!prefix.isEmpty() && (!prefix.endsWith("/") || !prefix.matches("[A-Za-z0-9._/-]+")
                || ("/" + prefix).contains("//") || ("/" + prefix).contains("/./") || ("/" + prefix).contains("/../"))) {
            throw new IllegalArgumentException("bad S3 vault prefix \"" + printable(prefix) + "\": empty, or folders of"
                    + " A-Z a-z 0-9 . _ - each ending with '/', e.g. \"registry-a/\"");
        }
        if (endpoint != null && (!endpoint.isAbsolute() || endpoint.getUserInfo() != null || endpoint.getHost() == null
                || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())))) {
            throw new IllegalArgumentException("bad S3 endpoint: an http:// or https:// URL with a host and no user"
                    + " information (credentials come from the environment or a profile, never the URL)");
        }
        if (region.isBlank()) {
            throw new IllegalArgumentException("the S3 region must not be blank");
        }
        if (retention.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the Object Lock retention must be at least one second, got " + retention);
        }
    }

    /**
     * The vault at the root of {@code bucket} on AWS S3 in {@link #DEFAULT_REGION}, virtual-host
     * addressing, {@link #DEFAULT_RETENTION}, {@link LaterVersions#REFUSE}, credentials from the
     * environment (the SDK's default chain: {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY},
     * {@code AWS_PROFILE}, {@code ~/.aws}, container and instance roles).
     */
    public static S3VaultConfig of(String bucket) {
        return new S3VaultConfig(bucket, "", null, DEFAULT_REGION, false, DEFAULT_RETENTION, LaterVersions.REFUSE,
                DefaultCredentialsProvider.builder().build());
    }

    public S3VaultConfig withPrefix(String prefix) {
        return new S3VaultConfig(bucket, prefix, endpoint, region, pathStyle, retention, laterVersions, credentials);
    }

    /** Another endpoint; servers other than AWS want {@link #withPathStyle path-style} too. */
    public S3VaultConfig withEndpoint(@Nullable URI endpoint) {
        return new S3VaultConfig(bucket, prefix, endpoint, region, pathStyle, retention, laterVersions, credentials);
    }

    public S3VaultConfig withRegion(String region) {
        return new S3VaultConfig(bucket, prefix, endpoint, region, pathStyle, retention, laterVersions, credentials);
    }

    public S3VaultConfig withPathStyle(boolean pathStyle) {
        return new S3VaultConfig(bucket, prefix, endpoint, region, pathStyle, retention, laterVersions, credentials);
    }

    public S3VaultConfig withRetention(Duration retention) {
        return new S3VaultConfig(bucket, prefix, endpoint, region, pathStyle, retention, laterVersions, credentials);
    }

    public S3VaultConfig withLaterVersions(LaterVersions laterVersions) {
        return new S3VaultConfig(bucket, prefix, endpoint, region, pathStyle, retention, laterVersions, credentials);
    }

    public S3VaultConfig withCredentials(AwsCredentialsProvider credentials) {
        return new S3VaultConfig(bucket, prefix, endpoint, region, pathStyle, retention, laterVersions, credentials);
    }

    /** Credentials from the named profile of {@code ~/.aws/credentials} and {@code ~/.aws/config}. */
    public S3VaultConfig withProfile(String profile) {
        return withCredentials(ProfileCredentialsProvider.builder().profileName(profile).build());
    }

    /**
     * This configuration as the URL {@link S3Vault#parse} reads, without credentials:
     * {@code s3://bucket/prefix?endpoint=...&region=...&path-style=...&retention-days=...}
     * ({@code retention-seconds} when the retention is not whole days, {@code &later-versions=read-first}
     * when so).
     */
    public String toUrl() {
        StringBuilder url = new StringBuilder("s3://").append(bucket).append('/').append(prefix).append('?');
        if (endpoint != null) {
            url.append("endpoint=").append(endpoint).append('&');
        }
        url.append("region=").append(region).append("&path-style=").append(pathStyle);
        if (retention.toSeconds() % Duration.ofDays(1).toSeconds() == 0) {
            url.append("&retention-days=").append(retention.toDays());
        } else {
            url.append("&retention-seconds=").append(retention.toSeconds());
        }
        if (laterVersions == LaterVersions.READ_FIRST) {
            url.append("&later-versions=read-first");
        }
        return url.toString();
    }

    @Override
    public String toString() {
        return toUrl();
    }

    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().limit(100).forEach(c -> out.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : "?"));
        return s.length() > 100 ? out + "..." : out.toString();
    }
}
