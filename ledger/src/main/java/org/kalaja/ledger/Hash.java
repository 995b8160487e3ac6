package org.kalaja.ledger;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A SHA-256 hash: exactly 32 bytes, immutable.
 *
 * <p>Instances are values: {@link #equals} compares the bytes in constant time (hashes are compared
 * against attacker-supplied proofs), {@link #bytes()} returns a copy. Text forms are lower-case hex
 * ({@link #hex()}) and standard padded base64 ({@link #base64()}), the latter being what C2SP
 * checkpoints carry.
 */
public final class Hash {
    /** The length of every hash, in bytes. */
    public static final int SIZE = 32;

    private final byte[] bytes;

    private Hash(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Wraps a copy of {@code bytes}.
     *
     * @throws IllegalArgumentException if {@code bytes} is not exactly 32 bytes long
     */
    public static Hash of(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("a hash is 32 bytes, got " + bytes.length);
        }
        return new Hash(bytes.clone());
    }

    /** Reads 32 bytes of {@code source} starting at {@code offset}. */
    public static Hash of(byte[] source, int offset) {
        if (offset < 0 || source.length - offset < SIZE) {
            throw new IllegalArgumentException("no 32 bytes at offset " + offset + " of " + source.length);
        }
        return new Hash(Arrays.copyOfRange(source, offset, offset + SIZE));
    }

    /** Takes ownership of {@code bytes} without copying; for digests this package just computed. */
    static Hash wrap(byte[] bytes) {
        return new Hash(bytes);
    }

    /** Parses 64 hex digits. */
    public static Hash fromHex(String hex) {
        if (hex.length() != 2 * SIZE) {
            throw new IllegalArgumentException("a hash is 64 hex digits, got " + hex.length() + " characters");
        }
        return new Hash(HexFormat.of().parseHex(hex));
    }

    /** Parses standard padded base64 of 32 bytes. */
    public static Hash fromBase64(String base64) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64: " + e.getMessage(), e);
        }
        return of(decoded);
    }

    /** SHA-256 of {@code data}. */
    public static Hash sha256(byte[] data) {
        return new Hash(sha256Digest().digest(data));
    }

    /** A fresh SHA-256 {@link MessageDigest}; the JDK always provides one. */
    public static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK provides SHA-256", e);
        }
    }

    /** A copy of the 32 bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Copies the 32 bytes into {@code target} at {@code offset}. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, SIZE);
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hash other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Hex, so that error messages and logs name hashes the way operators type them. */
    @Override
    public String toString() {
        return hex();
    }
}
