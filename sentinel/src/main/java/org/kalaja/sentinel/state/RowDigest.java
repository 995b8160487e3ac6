package org.kalaja.sentinel.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;

/**
 * SHA-256 over state rows in key order, for reports: two sides with equal digests hold equal rows.
 *
 * <p>A row's canonical bytes: collection (UTF-8), 0x00, key (UTF-8), 0x00, version (8 bytes
 * big-endian), index (8 bytes big-endian), deleted (1 byte, 0 or 1). Names never contain U+0000
 * (Store contract), so the encoding is unambiguous. Rows MUST be given in {@link RecordId} order;
 * {@link #ordered()} says whether they were. Not thread-safe.
 */
final class RowDigest {
    private final MessageDigest sha256;
    private final ByteBuffer numbers = ByteBuffer.allocate(17);
    private @Nullable RecordId last;
    private boolean ordered = true;

    RowDigest() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    void add(RecordState row) {
        RecordId id = row.id();
        if (last != null && last.compareTo(id) >= 0) ordered = false;
        last = id;
        sha256.update(id.collection().getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(id.key().getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        numbers.clear();
        numbers.putLong(row.version()).putLong(row.index()).put((byte) (row.deleted() ? 1 : 0));
        sha256.update(numbers.array(), 0, numbers.position());
    }

    /** Whether every row came after the one before it in key order. */
    boolean ordered() {
        return ordered;
    }

    /** Lower-case hex; the digest is reset. */
    String hex() {
        last = null;
        return HexFormat.of().formatHex(sha256.digest());
    }
}
