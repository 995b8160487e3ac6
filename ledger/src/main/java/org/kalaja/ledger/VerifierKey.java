package org.kalaja.ledger;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * A public key that verifies note signatures, with its text form, the "vkey" of
 * c2sp.org/signed-note:
 *
 * <pre>  &lt;name&gt;+&lt;8 hex digits of key ID&gt;+&lt;base64(type byte || 32-byte Ed25519 public key)&gt;</pre>
 *
 * for example {@code example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx}.
 * The key ID MUST be SHA-256(name || 0x0A || type || public key)[:4]; {@link #parse} refuses a vkey
 * whose ID does not match.
 *
 * <p>For {@link SignatureType#ED25519} a signature is a plain Ed25519 signature of the note text.
 * For {@link SignatureType#COSIGNATURE_V1} it is an 8-byte big-endian timestamp followed by an
 * Ed25519 signature of {@code "cosignature/v1\ntime <timestamp>\n" || text}
 * (c2sp.org/tlog-cosignature); see {@link Cosignature}.
 */
public final class VerifierKey implements NoteVerifier {
    private final String name;
    private final SignatureType type;
    private final byte[] publicKey;
    private final int keyId;
    private final PublicKey jdkKey; // null when the bytes are no Ed25519 point: every verify fails

    /**
     * A verifier key for a raw 32-byte Ed25519 public key.
     *
     * @throws IllegalArgumentException if the name is invalid or the key is not 32 bytes
     */
    public VerifierKey(String name, SignatureType type, byte[] publicKey) {
        KeyNames.check(Objects.requireNonNull(name, "name"));
        Objects.requireNonNull(type, "type");
        if (publicKey.length != Ed25519.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, got " + publicKey.length);
        }
        this.name = name;
        this.type = type;
        this.publicKey = publicKey.clone();
        this.keyId = KeyNames.keyId(name, type.id(), this.publicKey);
        this.jdkKey = Ed25519.publicKeyObject(this.publicKey);
    }

    /**
     * Parses a vkey.
     *
     * @throws IllegalArgumentException saying which part is wrong: the name, the key ID (not 8
     *     lower-case hex digits, or not the one the name and key derive), the base64, an unsupported
     *     signature type, or a key of the wrong length
     */
    public static VerifierKey parse(String vkey) {
        int a = vkey.indexOf('+');
        int b = a < 0 ? -1 : vkey.indexOf('+', a + 1);
        if (b < 0) {
            throw new IllegalArgumentException("a verifier key is <name>+<hex key ID>+<base64 key>, got "
                    + KeyNames.quote(vkey));
        }
        String name = vkey.substring(0, a);
        KeyNames.check(name);
        int id = KeyNames.parseHex(vkey.substring(a + 1, b), "verifier key ID");
        byte[] key = StrictBase64.decode(vkey.substring(b + 1), "verifier key material");
        if (key.length == 0) {
            throw new IllegalArgumentException("verifier key material is empty");
        }
        SignatureType type = SignatureType.lookup(key[0]);
        if (type == null) {
            throw new IllegalArgumentException(String.format(
                    "unsupported signature type 0x%02x in verifier key (supported: 0x01 Ed25519, 0x04 cosignature/v1)",
                    key[0] & 0xFF));
        }
        VerifierKey v = new VerifierKey(name, type, Arrays.copyOfRange(key, 1, key.length));
        if (v.keyId != id) {
            throw new IllegalArgumentException("verifier key ID " + KeyNames.hex(id) + " does not match name and key, which give "
                    + KeyNames.hex(v.keyId));
        }
        return v;
    }

    /** The vkey text. */
    public String format() {
        byte[] material = new byte[1 + publicKey.length];
        material[0] = type.id();
        System.arraycopy(publicKey, 0, material, 1, publicKey.length);
        return name + "+" + KeyNames.hex(keyId) + "+" + StrictBase64.encode(material);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int keyId() {
        return keyId;
    }

    public SignatureType type() {
        return type;
    }

    /** A copy of the raw 32-byte Ed25519 public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public boolean verify(byte[] text, byte[] signature) {
        if (jdkKey == null) {
            return false;
        }
        return switch (type) {
            case ED25519 -> Ed25519.verify(jdkKey, text, signature);
            case COSIGNATURE_V1 -> {
                if (signature.length != 8 + Ed25519.SIGNATURE_SIZE) {
                    yield false;
                }
                long timestamp = EntryCodec.getLong(signature, 0);
                if (timestamp < 0) { // above 2^63 - 1
                    yield false;
                }
                yield Ed25519.verify(jdkKey, Cosignature.signedMessage(timestamp, text),
                        Arrays.copyOfRange(signature, 8, signature.length));
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifierKey v && name.equals(v.name) && type == v.type && Arrays.equals(publicKey, v.publicKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type) * 31 + Arrays.hashCode(publicKey);
    }

    /** The vkey text, which is public. */
    @Override
    public String toString() {
        return format();
    }
}
