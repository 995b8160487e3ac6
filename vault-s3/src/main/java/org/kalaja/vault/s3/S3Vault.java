package org.kalaja.vault.s3;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultException;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.engine.vault.VaultTamperException;
import org.kalaja.ledger.Hash;
import org.kalaja.vault.s3.Bucket.History;
import org.kalaja.vault.s3.S3VaultConfig.LaterVersions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * A vault in an S3 bucket with Object Lock: the {@link VaultPaths} layout as objects under the
 * configured prefix, every one of them written with a COMPLIANCE retention of
 * {@link S3VaultConfig#retention()}, so that until it ends nobody, not the primary's keys and not the
 * bucket's owner, can delete a version or shorten its lock.
 *
 * <h2>Why reads list versions</h2>
 * Object Lock stops deletion, not overwriting: a PUT to a locked key adds a newer version, and S3
 * ignores {@code If-None-Match} on such buckets. So the truth of a write-once path is its
 * <em>first</em> version, never "the latest". {@link #get} and {@link #put} list the versions of the
 * key (ListObjectVersions) and:
 * <ul>
 *   <li>read the first one;</li>
 *   <li>treat any later version with other bytes as tampering: {@link #put} always throws
 *       {@link VaultTamperException} naming the path, the first version's SHA-256 as held and the later
 *       one's as offered; {@link #get} does too under {@link LaterVersions#REFUSE}, or returns the first
 *       version and logs the evidence under {@link LaterVersions#READ_FIRST}. A later version with the
 *       same bytes is harmless. A delete marker (a delete without a version id) is reported the same
 *       way, as a non-retryable {@link VaultException}.</li>
 * </ul>
 * A {@link #put} of a new path writes, then lists again: it succeeds only if its own version (or
 * one with the same bytes) is the first, so of two writers racing for a path exactly one wins, the
 * other gets {@link VaultTamperException}. Within one JVM, writers to the same key take turns, so
 * that they find each other's version instead of adding one that could never be deleted.
 *
 * <p>{@link VaultPaths#CHECKPOINT} is the one key whose newest version wins: {@link #putCheckpoint}
 * adds a version (locked like every other), {@link #checkpoint} reads the newest. The history under
 * {@code checkpoints/} is write-once like everything else, and {@link #list} sees a key as long as
 * any version of it exists, even behind a delete marker.
 *
 * <h2>Failures</h2>
 * Network errors, timeouts, 5xx, 429 and 408 are {@link VaultException#retryable() retryable};
 * other refusals (403, a missing bucket) are not. Messages name the vault with
 * {@link S3VaultConfig#toUrl()}, never a credential. A failed put leaves at most a whole locked
 * version behind (S3 never shows a partial object), which a retry of the same bytes accepts.
 */
public final class S3Vault implements Vault {
    private static final Logger LOG = LoggerFactory.getLogger(S3Vault.class);
    /** JVM-wide turns per key (by hash): instances on one bucket serialise their writes to a key. */
    private static final ReentrantLock[] TURNS = new ReentrantLock[256];

    static {
        Arrays.setAll(TURNS, i -> new ReentrantLock());
    }

    private final S3VaultConfig config;
    private final S3Client client;
    private final Bucket bucket;
    private volatile boolean closed;

    private S3Vault(S3VaultConfig config, S3Client client) {
        this.config = config;
        this.client = client;
        this.bucket = new Bucket(client, config.bucket());
    }

    /**
     * Reads a vault URL, for the command line:
     * {@code s3://BUCKET[/PREFIX][?endpoint=URL&region=R&path-style=true|false&retention-days=N&profile=NAME&later-versions=refuse|read-first]}.
     * Without {@code endpoint} the vault is on AWS S3 (virtual-host addressing); with it, path-style
     * unless {@code path-style=false}. The retention defaults to 365 days, the region to
     * {@code us-east-1}, credentials to the environment ({@code AWS_ACCESS_KEY_ID} and
     * {@code AWS_SECRET_ACCESS_KEY}, or {@code AWS_PROFILE}, ...).
     * Example: {@code s3://kalaja-vault/registry-a?endpoint=http://127.0.0.1:7480&retention-days=3650}.
     *
     * @throws IllegalArgumentException naming the fault: not s3://, an unknown or repeated parameter,
     *     credentials in the URL (refused without repeating them), a bad number
     */
    public static S3VaultConfig parse(String url) {
        return S3VaultUrl.parse(url);
    }

    /**
     * Connects to the bucket and checks that it can hold a vault.
     *
     * @throws VaultException not retryable, with the commands that fix it, if the bucket does not exist
     *     or lacks Object Lock or versioning, or if no credentials are found; retryable if S3 could not
     *     be reached
     */
    public static S3Vault open(S3VaultConfig config) {
        S3Client client = S3Clients.create(config);
        try {
            S3Clients.checkBucket(client, config);
            return new S3Vault(config, client);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** This vault's configuration. */
    public S3VaultConfig config() {
        return config;
    }

    @Override
    public String describe() {
        return config.toUrl();
    }

    @Override
    public void put(String path, byte[] content) {
        VaultPaths.checkPut(path, content);
        ensureOpen();
        byte[] offered = content.clone();
        String key = key(path);
        ReentrantLock turn = turn(key);
        turn.lock();
        try {
            History before = bucket.history(key);
            if (!before.isEmpty()) {
                confirm(path, key, before, offered);
                return;
            }
            String mine = bucket.write(key, offered, retainUntil());
            requireVersion(path, mine);
            History after = bucket.history(key);
            if (after.isEmpty()) {
                throw new VaultException(describe() + " does not list the version of " + path + " it just accepted;"
                        + " retry", true);
            }
            if (!after.first().versionId().equals(mine)) {
                byte[] first = bucket.read(key, after.first().versionId());
                if (!Arrays.equals(first, offered)) {
                    throw new VaultTamperException(path, Hash.sha256(first), Hash.sha256(offered));
                }
            }
        } catch (SdkException | IllegalStateException e) {
            throw S3Clients.down(describe(), "write", path, e);
        } finally {
            turn.unlock();
        }
    }

    /** The path holds versions already: the first MUST be the offered bytes, and nothing after it may differ. */
    private void confirm(String path, String key, History history, byte[] offered) {
        byte[] first = bucket.read(key, history.first().versionId());
        if (!Arrays.equals(first, offered)) {
            throw new VaultTamperException(path, Hash.sha256(first), Hash.sha256(offered));
        }
        refuseLaterVersions(path, key, history, first);
    }

    @Override
    public Optional<byte[]> get(String path) {
        VaultPaths.checkWriteOnce(path);
        ensureOpen();
        String key = key(path);
        try {
            History history = bucket.history(key);
            if (history.isEmpty()) {
                return Optional.empty();
            }
            byte[] first = bucket.read(key, history.first().versionId());
            if (config.laterVersions() == LaterVersions.REFUSE) {
                refuseLaterVersions(path, key, history, first);
            } else {
                try {
                    refuseLaterVersions(path, key, history, first);
                } catch (VaultException evidence) {
                    LOG.warn("reading the first version of {} despite tampering: {}", path, evidence.getMessage());
                }
            }
            return Optional.of(first);
        } catch (SdkException | IllegalStateException e) {
            throw S3Clients.down(describe(), "read", path, e);
        }
    }

    /** Throws the evidence if a version after the first has other bytes, or a delete marker hides the path. */
    private void refuseLaterVersions(String path, String key, History history, byte[] first) {
        for (ObjectVersion later : history.later()) {
            byte[] bytes = bucket.read(key, later.versionId());
            if (!Arrays.equals(bytes, first)) {
                throw new VaultTamperException(path, Hash.sha256(first), Hash.sha256(bytes));
            }
        }
        if (!history.deleteMarkers().isEmpty()) {
            DeleteMarkerEntry marker = history.deleteMarkers().getFirst();
            throw new VaultException(describe() + ": write-once path " + path + " was deleted (" + history.deleteMarkers().size()
                    + " delete marker(s), the newest of " + marker.lastModified() + ") although Kalaja never deletes:"
                    + " someone with write access to the bucket tried to remove history (an attack). Its first"
                    + " version, sha256 " + Hash.sha256(first).hex() + ", is still there under its lock."
                    + " Stop shipping to this vault and investigate", false);
        }
    }

    @Override
    public void putCheckpoint(byte[] signedNote) {
        long size = VaultPaths.treeSize(signedNote);
        ensureOpen();
        byte[] note = signedNote.clone();
        String history = VaultPaths.history(size);
        String key = key(VaultPaths.CHECKPOINT);
        ReentrantLock turn = turn(key);
        turn.lock();
        try {
            Optional<byte[]> kept = get(history);
            if (kept.isEmpty() || !Arrays.equals(kept.get(), note)) {
                throw new VaultException("refusing to publish the checkpoint of tree size " + size + " in " + describe()
                        + ": " + (kept.isEmpty() ? history + " does not hold it" : history + " holds a different note")
                        + "; every published checkpoint MUST first be put in the history", false);
            }
            Optional<byte[]> current = bucket.readLatest(key);
            long currentSize = publishedSize(current);
            if (currentSize > size) {
                throw new VaultException("refusing to move the published checkpoint of " + describe() + " back from"
                        + " tree size " + currentSize + " to " + size + ": it only moves forward", false);
            }
            if (current.isEmpty() || !Arrays.equals(current.get(), note)) {
                requireVersion(VaultPaths.CHECKPOINT, bucket.write(key, note, retainUntil()));
            }
        } catch (SdkException | IllegalStateException e) {
            throw S3Clients.down(describe(), "publish", VaultPaths.CHECKPOINT, e);
        } finally {
            turn.unlock();
        }
    }

    /**
     * The tree size of the newest published note; -1 if there is none, or if it no longer parses:
     * that is damage, which the history (the truth) lets a newer publication repair.
     */
    private static long publishedSize(Optional<byte[]> published) {
        if (published.isPresent()) {
            try {
                return VaultPaths.treeSize(published.get());
            } catch (IllegalArgumentException damaged) {
                LOG.warn("the published checkpoint does not parse ({}); publishing replaces it", damaged.getMessage());
            }
        }
        return -1;
    }

    @Override
    public Optional<byte[]> checkpoint() {
        ensureOpen();
        try {
            return bucket.readLatest(key(VaultPaths.CHECKPOINT));
        } catch (SdkException | IllegalStateException e) {
            throw S3Clients.down(describe(), "read", VaultPaths.CHECKPOINT, e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        VaultPaths.checkPrefix(prefix);
        ensureOpen();
        try {
            return bucket.keys(key(prefix)).stream()
                    .map(k -> k.substring(config.prefix().length()))
                    .filter(VaultPaths::isLayoutPath)
                    .toList();
        } catch (SdkException | IllegalStateException e) {
            throw S3Clients.down(describe(), "list", prefix, e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            client.close();
        }
    }

    private String key(String path) {
        return config.prefix() + path;
    }

    private Instant retainUntil() {
        return Instant.now().plus(config.retention());
    }

    private ReentrantLock turn(String key) {
        String id = config.endpoint() + "|" + config.bucket() + "|" + key;
        return TURNS[Math.floorMod(id.hashCode(), TURNS.length)];
    }

    /** A version id is what proves the bucket kept the earlier versions; without one a write may have replaced history. */
    private void requireVersion(String path, @org.jspecify.annotations.Nullable String versionId) {
        if (versionId == null || versionId.isEmpty() || "null".equals(versionId)) {
            throw new VaultException(describe() + " returned no version id for " + path + ": the bucket keeps no"
                    + " versions, so a write could replace history. Enable versioning and Object Lock on it", false);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(describe() + " is closed");
        }
    }
}
