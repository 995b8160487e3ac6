package org.kalaja.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Ed25519 checkpoint cosignatures, c2sp.org/tlog-cosignature "cosignature/v1" (signature type
 * 0x04).
 *
 * <p>A witness signs
 *
 * <pre>  "cosignature/v1\n" || "time " || decimal timestamp || "\n" || checkpoint body</pre>
 *
 * where the timestamp is POSIX seconds, at most 2^63 - 1, with no leading zeros, and the body is the
 * whole checkpoint note text including extension lines and the final newline. The signature bytes in
 * the note's signature line (after the 4-byte key ID) are the timestamp as 8 bytes big-endian
 * followed by the 64-byte Ed25519 signature. Verification is done by a {@link VerifierKey} of type
 * {@link SignatureType#COSIGNATURE_V1}.
 */
public final class Cosignature {
    private static final byte[] HEADER = "cosignature/v1\ntime ".getBytes(StandardCharsets.US_ASCII);

    private Cosignature() {}

    /** The message a cosigner signs for {@code checkpointBody} at {@code timestamp}. */
    public static byte[] signedMessage(long timestamp, byte[] checkpointBody) {
        if (timestamp < 0) {
            throw new IllegalArgumentException("a cosignature timestamp must not be negative: " + timestamp);
        }
        byte[] t = (Long.toString(timestamp) + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[HEADER.length + t.length + checkpointBody.length];
        System.arraycopy(HEADER, 0, m, 0, HEADER.length);
        System.arraycopy(t, 0, m, HEADER.length, t.length);
        System.arraycopy(checkpointBody, 0, m, HEADER.length + t.length, checkpointBody.length);
        return m;
    }

    /**
     * Cosigns a signed checkpoint at {@code timestamp}: returns the note with the witness's signature
     * added (replacing an earlier one by the same key). The log's signature is not checked here: a
     * witness MUST verify it, and the consistency with what it saw before, before calling this.
     *
     * @throws IllegalArgumentException if the key is not a cosigning key, the note text is not a
     *     checkpoint, or the timestamp is negative
     */
    public static Note cosign(Note signedCheckpoint, SigningKey witness, long timestamp) {
        byte[] sig = sign(witness, signedCheckpoint.textBytes(), timestamp);
        return signedCheckpoint.withSignature(new Note.Signature(witness.name(), witness.keyId(), sig));
    }

    /**
     * The timestamp a cosignature line claims. It is authenticated only once the signature has been
     * verified.
     *
     * @throws IllegalArgumentException if the signature is not 72 bytes or the timestamp exceeds
     *     2^63 - 1
     */
    public static long timestamp(Note.Signature cosignature) {
        byte[] s = cosignature.signature();
        if (s.length != 8 + Ed25519.SIGNATURE_SIZE) {
            throw new IllegalArgumentException("a cosignature/v1 signature is 72 bytes, got " + s.length);
        }
        long t = EntryCodec.getLong(s, 0);
        if (t < 0) {
            throw new IllegalArgumentException("cosignature timestamp exceeds 2^63 - 1");
        }
        return t;
    }

    /** timestamp || Ed25519(signedMessage(timestamp, text)). */
    static byte[] sign(SigningKey key, byte[] text, long timestamp) {
        Objects.requireNonNull(key, "key");
        if (key.type() != SignatureType.COSIGNATURE_V1) {
            throw new IllegalArgumentException("key " + key.name() + " is a " + key.type()
                    + " key; cosignatures need a COSIGNATURE_V1 key");
        }
        if (Utf8.firstInvalid(text, 0, text.length) >= 0) {
            throw new IllegalArgumentException("a cosigned text must be UTF-8");
        }
        Checkpoint.parse(new String(text, StandardCharsets.UTF_8)); // cosignatures are over checkpoints only
        byte[] sig = key.signRaw(signedMessage(timestamp, text));
        byte[] out = new byte[8 + sig.length];
        EntryCodec.putLong(out, 0, timestamp);
        System.arraycopy(sig, 0, out, 8, sig.length);
        return out;
    }
}
