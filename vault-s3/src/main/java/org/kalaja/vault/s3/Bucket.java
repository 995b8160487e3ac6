package org.kalaja.vault.s3;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * The S3 calls of the vault, on one bucket: version listings, reads by version, locked writes. Knows
 * nothing of the vault layout; every method may throw the SDK's exceptions, which {@link S3Vault}
 * translates.
 */
final class Bucket {
    private final S3Client s3;
    private final String name;
    private final int pageSize;

    Bucket(S3Client s3, String name) {
        this(s3, name, 1000);
    }

    /** With listings of at most {@code pageSize} entries a page, so that tests can page through a few. */
    Bucket(S3Client s3, String name, int pageSize) {
        this.s3 = s3;
        this.name = name;
        this.pageSize = pageSize;
    }

    /** The versions of one key, newest first (S3's order), and the delete markers put on it. */
    record History(List<ObjectVersion> versions, List<DeleteMarkerEntry> deleteMarkers) {
        boolean isEmpty() {
            return versions.isEmpty();
        }

        /** The first version ever written: the truth of a write-once path. */
        ObjectVersion first() {
            return versions.getLast();
        }

        /** Every version after the first, newest first. */
        List<ObjectVersion> later() {
            return versions.subList(0, versions.size() - 1);
        }
    }

    /** Every version and delete marker of {@code key} (and of no other key). */
    History history(String key) {
        List<ObjectVersion> versions = new ArrayList<>();
        List<DeleteMarkerEntry> markers = new ArrayList<>();
        String keyMarker = null;
        String versionMarker = null;
        do {
            // The delimiter folds longer keys (tile/0/000.p/5 under tile/0/000) into one common prefix.
            ListObjectVersionsResponse page = s3.listObjectVersions(ListObjectVersionsRequest.builder()
                    .bucket(name).prefix(key).delimiter("/").maxKeys(pageSize)
                    .keyMarker(keyMarker).versionIdMarker(versionMarker).build());
            page.versions().stream().filter(v -> v.key().equals(key)).forEach(versions::add);
            page.deleteMarkers().stream().filter(m -> m.key().equals(key)).forEach(markers::add);
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                break;
            }
            keyMarker = page.nextKeyMarker();
            versionMarker = page.nextVersionIdMarker();
        } while (key.equals(keyMarker));
        return new History(List.copyOf(versions), List.copyOf(markers));
    }

    /**
     * Every key under {@code prefix} that has at least one version, even if a delete marker hides it
     * from a plain listing, sorted. Keys with characters below {@code .} may be missed after a key with
     * many versions; no vault layout path has such characters.
     */
    List<String> keys(String prefix) {
        TreeSet<String> keys = new TreeSet<>();
        String keyMarker = null;
        String versionMarker = null;
        while (true) {
            ListObjectVersionsResponse page = s3.listObjectVersions(ListObjectVersionsRequest.builder()
                    .bucket(name).prefix(prefix).maxKeys(pageSize)
                    .keyMarker(keyMarker).versionIdMarker(versionMarker).build());
            page.versions().forEach(v -> keys.add(v.key()));
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                return List.copyOf(keys);
            }
            String nextKey = page.nextKeyMarker();
            String nextVersion = page.nextVersionIdMarker();
            if (keys.contains(nextKey)) {
                // A key known to hold a version needs none of its other versions (the published checkpoint
                // has one per publication). RGW resumes a key marker without version marker AT that key, so
                // skip to KEY- instead: every layout path above KEY (a-z 0-9 . / only, all above '-') is above it.
                nextKey = nextKey + "-";
                nextVersion = null;
            }
            if (nextKey == null || (nextKey.equals(keyMarker) && Objects.equals(nextVersion, versionMarker))) {
                throw new IllegalStateException("the version listing of bucket " + name + " under " + prefix
                        + " does not advance past " + nextKey);
            }
            keyMarker = nextKey;
            versionMarker = nextVersion;
        }
    }

    /** The bytes of one version of {@code key}. */
    byte[] read(String key, String versionId) {
        return s3.getObjectAsBytes(b -> b.bucket(name).key(key).versionId(versionId)).asByteArray();
    }

    /** The bytes of the newest version of {@code key}, or empty if it has none or a delete marker is newest. */
    Optional<byte[]> readLatest(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(name).key(key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes a new version of {@code key} locked in COMPLIANCE mode until {@code retainUntil}, with its
     * Content-MD5 (which S3 requires with lock parameters, and which makes the server refuse bytes
     * damaged on the way).
     *
     * @return the id of the new version; null, empty or {@code "null"} if the bucket keeps no versions
     */
    @Nullable String write(String key, byte[] content, Instant retainUntil) {
        return s3.putObject(b -> b.bucket(name).key(key).contentLength((long) content.length)
                        .contentMD5(md5(content)).contentType("application/octet-stream")
                        .objectLockMode(ObjectLockMode.COMPLIANCE).objectLockRetainUntilDate(retainUntil),
                RequestBody.fromBytes(content)).versionId();
    }

    private static String md5(byte[] content) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }
}
