package org.kalaja.ledger;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * Raw 32-byte Ed25519 keys (RFC 8032) on top of the JDK's provider, which speaks X.509 and PKCS#8:
 * a raw public key is the tail of its X.509 encoding, a raw private key (the seed) the tail of its
 * PKCS#8 encoding.
 */
final class Ed25519 {
    static final int KEY_SIZE = 32;
    static final int SIGNATURE_SIZE = 64;

    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final byte[] PKCS8_PREFIX = {
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
    };

    private Ed25519() {}

    /** A fresh random seed. */
    static byte[] newSeed() {
        byte[] seed = new byte[KEY_SIZE];
        new SecureRandom().nextBytes(seed);
        return seed;
    }

    /** The raw public key of {@code seed}. */
    static byte[] publicKey(byte[] seed) {
        try {
            // The JDK derives the public key only inside key pair generation, from 32 random bytes:
            // hand it the seed as those bytes.
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
            KeyPair pair = g.generateKeyPair();
            byte[] x509 = pair.getPublic().getEncoded();
            return Arrays.copyOfRange(x509, x509.length - KEY_SIZE, x509.length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's Ed25519 provider failed", e);
        }
    }

    static PrivateKey privateKey(byte[] seed) {
        byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + KEY_SIZE);
        System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, KEY_SIZE);
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's Ed25519 provider failed", e);
        }
    }

    /** The public key object, or null if {@code raw} is not usable as one. */
    static PublicKey publicKeyObject(byte[] raw) {
        byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + KEY_SIZE);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, KEY_SIZE);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's Ed25519 provider failed", e);
        }
    }

    /** Whether {@code signature} is a valid signature of {@code message}; never throws. */
    static boolean verify(PublicKey key, byte[] message, byte[] signature) {
        if (signature.length != SIGNATURE_SIZE) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // e.g. a public key that is not a curve point
        }
    }

    /** Returns the seed once, as the "random" bytes of key generation. */
    private static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        FixedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("expected a request for " + seed.length + " bytes, got " + bytes.length);
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}
