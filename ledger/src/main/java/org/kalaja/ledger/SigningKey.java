package org.kalaja.ledger;

import java.security.PrivateKey;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named Ed25519 private key that signs notes: a log's checkpoint key
 * ({@link SignatureType#ED25519}) or a witness's cosigning key
 * ({@link SignatureType#COSIGNATURE_V1}).
 *
 * <p>Text form, for key files (the style of Go's {@code golang.org/x/mod/sumdb/note}):
 *
 * <pre>  PRIVATE+KEY+&lt;name&gt;+&lt;8 hex digits of key ID&gt;+&lt;base64(type byte || 32-byte Ed25519 seed)&gt;</pre>
 *
 * The key ID is that of the matching {@link VerifierKey}, derived from the public key. {@link
 * #toString()} never shows the seed; only {@link #format()} does.
 *
 * <p>A cosigning key signs a note text, which MUST be a checkpoint body, as cosignature/v1 at the
 * time its clock gives (the system clock unless {@link #withClock} says otherwise).
 */
public final class SigningKey implements NoteSigner {
    private static final String PREFIX = "PRIVATE+KEY+";

    private final String name;
    private final SignatureType type;
    private final byte[] seed;
    private final PrivateKey privateKey;
    private final VerifierKey verifierKey;
    private final Clock clock;

    private SigningKey(String name, SignatureType type, byte[] seed, Clock clock) {
        this.name = name;
        this.type = type;
        this.seed = seed;
        this.privateKey = Ed25519.privateKey(seed);
        this.verifierKey = new VerifierKey(name, type, Ed25519.publicKey(seed));
        this.clock = clock;
    }

    /**
     * A new random key.
     *
     * @throws IllegalArgumentException if the name is invalid
     */
    public static SigningKey generate(String name, SignatureType type) {
        return fromSeed(name, type, Ed25519.newSeed());
    }

    /**
     * The key with a given 32-byte Ed25519 seed (the RFC 8032 private key).
     *
     * @throws IllegalArgumentException if the name is invalid or the seed is not 32 bytes
     */
    public static SigningKey fromSeed(String name, SignatureType type, byte[] seed) {
        KeyNames.check(Objects.requireNonNull(name, "name"));
        Objects.requireNonNull(type, "type");
        if (seed.length != Ed25519.KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 private key (seed) is 32 bytes, got " + seed.length);
        }
        return new SigningKey(name, type, seed.clone(), Clock.systemUTC());
    }

    /**
     * Parses the private key text form.
     *
     * @throws IllegalArgumentException saying which part is wrong; the message never repeats the
     *     key material
     */
    public static SigningKey parse(String text) {
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a private key starts with \"PRIVATE+KEY+\"");
        }
        String rest = text.substring(PREFIX.length());
        int a = rest.indexOf('+');
        int b = a < 0 ? -1 : rest.indexOf('+', a + 1);
        if (b < 0) {
            throw new IllegalArgumentException("a private key is PRIVATE+KEY+<name>+<hex key ID>+<base64 key>");
        }
        String name = rest.substring(0, a);
        KeyNames.check(name);
        int id = KeyNames.parseHex(rest.substring(a + 1, b), "private key ID");
        byte[] material;
        try {
            material = StrictBase64.decode(rest.substring(b + 1), "private key material");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("private key material is not canonical base64"); // no echo of the secret
        }
        if (material.length != 1 + Ed25519.KEY_SIZE) {
            throw new IllegalArgumentException("private key material must be a type byte and a 32-byte seed, got "
                    + material.length + " bytes");
        }
        SignatureType type = SignatureType.lookup(material[0]);
        if (type == null) {
            throw new IllegalArgumentException(String.format(
                    "unsupported signature type 0x%02x in private key (supported: 0x01 Ed25519, 0x04 cosignature/v1)",
                    material[0] & 0xFF));
        }
        SigningKey k = new SigningKey(name, type, Arrays.copyOfRange(material, 1, material.length), Clock.systemUTC());
        Arrays.fill(material, (byte) 0);
        if (k.keyId() != id) {
            throw new IllegalArgumentException("private key ID " + KeyNames.hex(id)
                    + " does not match the name and public key, which give " + KeyNames.hex(k.keyId()));
        }
        return k;
    }

    /** The private key text form. Treat it as a secret. */
    public String format() {
        byte[] material = new byte[1 + seed.length];
        material[0] = type.id();
        System.arraycopy(seed, 0, material, 1, seed.length);
        return PREFIX + name + "+" + KeyNames.hex(keyId()) + "+" + StrictBase64.encode(material);
    }

    /** This key with {@code clock} as the source of cosignature timestamps. */
    public SigningKey withClock(Clock clock) {
        return new SigningKey(name, type, seed, Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int keyId() {
        return verifierKey.keyId();
    }

    public SignatureType type() {
        return type;
    }

    /** The public half. */
    public VerifierKey verifierKey() {
        return verifierKey;
    }

    /**
     * Signs a note text: Ed25519 of the text, or for a cosigning key, timestamp || Ed25519 of the
     * cosignature/v1 message at the clock's current second.
     *
     * @throws IllegalArgumentException for a cosigning key, if {@code text} is not a checkpoint body
     */
    @Override
    public byte[] sign(byte[] text) {
        return switch (type) {
            case ED25519 -> Ed25519.sign(privateKey, text);
            case COSIGNATURE_V1 -> Cosignature.sign(this, text, clock.instant().getEpochSecond());
        };
    }

    /** Plain Ed25519 of {@code message}, for {@link Cosignature}. */
    byte[] signRaw(byte[] message) {
        return Ed25519.sign(privateKey, message);
    }

    /** Shows the public half only. */
    @Override
    public String toString() {
        return "SigningKey[" + verifierKey.format() + "]";
    }
}
