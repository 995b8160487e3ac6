package org.kalaja.ledger;

/**
 * The signed-note signature types Kalaja supports (c2sp.org/signed-note, "Signature types"). The
 * type byte goes into the key ID and the verifier key, so the same key material under two types
 * yields two unrelated keys.
 */
public enum SignatureType {
    /** {@code 0x01}: Ed25519 over the note text. Logs sign checkpoints with this. */
    ED25519((byte) 0x01),
    /**
     * {@code 0x04}: timestamped Ed25519 checkpoint cosignature (c2sp.org/tlog-cosignature,
     * cosignature/v1). Witnesses sign with this.
     */
    COSIGNATURE_V1((byte) 0x04);

    private final byte id;

    SignatureType(byte id) {
        this.id = id;
    }

    /** The signature type identifier byte. */
    public byte id() {
        return id;
    }

    /** The type for identifier byte {@code id}, or null if Kalaja does not support it. */
    static SignatureType lookup(byte id) {
        for (SignatureType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
