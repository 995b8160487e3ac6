package org.kalaja.engine.vault;

import java.util.List;
import java.util.Optional;

/**
 * Off-site, write-once storage for the log: the one copy an attacker with root on the primary cannot
 * destroy. Paths follow {@link VaultPaths}: the C2SP tlog-tiles layout (so any tlog-tiles client can
 * read a vault), content-addressed blobs and the history of published checkpoints.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Write-once: once {@link #put} has returned for a path, {@link #get} of that path MUST return
 *       the same bytes for as long as the vault exists. No method removes or changes such a path.</li>
 *   <li>{@link #put} of the bytes a path already holds MUST be a no-op that succeeds; of different
 *       bytes it MUST throw {@link VaultTamperException} and keep the first content. This holds under
 *       concurrency too: when several threads or processes put different bytes to one new path,
 *       exactly one content wins, every other put throws {@link VaultTamperException}.</li>
 *   <li>{@link #put} and {@link #putCheckpoint} MUST NOT return before the content is durable in the
 *       vault, and MUST NOT ever make a partial content visible under its path: a reader sees the whole
 *       content or nothing.</li>
 *   <li>{@link #checkpoint()} is the one mutable object. {@link #putCheckpoint} MUST refuse (with a
 *       non-retryable {@link VaultException}) a note that is not already held, byte for byte, at
 *       {@link VaultPaths#history(long)} of its tree size, and a note whose tree is smaller than the
 *       published one's: the published checkpoint only moves forward, and the history holds every
 *       checkpoint ever published.</li>
 *   <li>A vault stores; it does not verify. {@link #get} returns what storage holds, damaged or not:
 *       checking it against a checkpoint is the verifier's job.</li>
 *   <li>Arguments that are not layout paths are refused with {@link IllegalArgumentException} before
 *       anything is touched. Storage failures are {@link VaultException}s.</li>
 *   <li>Byte arrays are copied: callers may change what they passed or received.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe. After {@link #close()}, every other method throws
 * {@link IllegalStateException}.
 */
public interface Vault extends AutoCloseable {

    /** What this vault is, for messages and status pages, e.g. {@code "dir:/mnt/vault"}. Never a secret. */
    String describe();

    /**
     * Writes {@code content} at {@code path}, once.
     *
     * @param path a write-once path of {@link VaultPaths}: a tile, an entry bundle,
     *     {@code checkpoints/<size>} or {@code blobs/<sha256>} (whose name MUST be the SHA-256 of
     *     {@code content})
     * @throws VaultTamperException if {@code path} holds different bytes
     * @throws VaultException if the vault could not keep the content (retryable: nothing partial is visible)
     * @throws IllegalArgumentException if {@code path} is not a write-once layout path, or is a blob
     *     path that does not name {@code content}'s SHA-256
     */
    void put(String path, byte[] content);

    /**
     * The content first written at {@code path}, or empty if nothing was: an array of its own, which
     * the caller may change (a verifier reuses it as a work buffer) without changing the vault.
     *
     * @throws IllegalArgumentException if {@code path} is not a write-once layout path
     * @throws VaultException if the vault could not be read
     */
    Optional<byte[]> get(String path);

    /**
     * Reads what {@link #get} would return into {@code into}, reusing its array: for verifiers,
     * which read every bundle once and drop it. The default adopts {@link #get}'s fresh array.
     *
     * @return false, leaving {@code into} empty, if nothing was written at {@code path}
     * @throws IllegalArgumentException if {@code path} is not a write-once layout path
     * @throws VaultException if the vault could not be read
     */
    default boolean readInto(String path, ReadBuffer into) {
        Optional<byte[]> content = get(path);
        if (content.isEmpty()) {
            into.filled(0);
            return false;
        }
        into.adopt(content.get());
        return true;
    }

    /**
     * Publishes {@code signedNote} as {@link VaultPaths#CHECKPOINT}, replacing the previous one
     * atomically. The caller MUST first {@link #put} the same bytes at {@link VaultPaths#history(long)}.
     *
     * @throws IllegalArgumentException if {@code signedNote} is not a signed checkpoint note
     * @throws VaultException not retryable, if the note is not in the history or its tree is smaller
     *     than the published checkpoint's; retryable, if the vault could not keep it
     */
    void putCheckpoint(byte[] signedNote);

    /**
     * The published checkpoint, as tlog-tiles clients read it, or empty if none was published.
     *
     * @throws VaultException if the vault could not be read
     */
    Optional<byte[]> checkpoint();

    /**
     * Every path the vault holds that starts with {@code prefix}, in ascending {@link String} order
     * (for ASCII paths, byte order), {@link VaultPaths#CHECKPOINT} included when it matches. Under
     * {@link VaultPaths#HISTORY} this is tree size order. Things in storage that are not layout paths
     * are left out.
     *
     * @param prefix the start of the paths wanted, e.g. {@code "checkpoints/"}, {@code "blobs/"} or {@code ""}
     * @throws IllegalArgumentException if {@code prefix} is refused by {@link VaultPaths#checkPrefix}
     * @throws VaultException if the vault could not be listed
     */
    List<String> list(String prefix);

    /**
     * The partial tiles and entry bundles the vault holds (the tile paths with a {@code .p/}
     * segment, which earlier checkpoints left behind), in {@link #list} order: what a verifier holds
     * against the newest tree. The default filters {@link #list}; a vault that can find them
     * without listing every full tile should.
     *
     * @throws VaultException if the vault could not be listed
     */
    default List<String> listPartials() {
        return list(VaultPaths.TILES).stream().filter(p -> p.contains(".p/")).toList();
    }

    /** Releases what the vault holds open; idempotent. Never throws a checked exception. */
    @Override
    void close();
}
