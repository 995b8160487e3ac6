package org.kalaja.engine.seal;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM with a fresh random 96-bit nonce per message, the nonce written in front: nonce ‖
 * ciphertext ‖ 128-bit tag. One construction for sealed bodies and wrapped keys alike.
 */
final class Gcm {
    static final int NONCE = 12;
    static final int TAG = 16;
    /**
     * Nonces from a DRBG per thread: the default SecureRandom reads the kernel under a lock shared by
     * every writer thread; a DRBG seeded from it is as unpredictable and does not queue.
     */
    private static final ThreadLocal<SecureRandom> RANDOMS = ThreadLocal.withInitial(() -> {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (GeneralSecurityException e) {
            return new SecureRandom();
        }
    });
    /**
     * The default provider's cipher, one per thread: {@code Cipher.getInstance} walks the provider
     * list on every call, which cost more than encrypting a 1 KiB body. Every use starts with
     * {@code init} and a fresh nonce, so nothing of one message carries over to the next.
     */
    private static final ThreadLocal<Cipher> DEFAULT = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding unavailable: " + e.getMessage(), e);
        }
    });

    private Gcm() {
    }

    /** Encrypts with the default provider (the JDK's, with AES-NI intrinsics). */
    static byte[] seal(SecretKey key, byte[] plain, byte[] aad) {
        return seal(null, key, plain, aad);
    }

    static byte[] seal(Provider provider, SecretKey key, byte[] plain, byte[] aad) {
        return seal(provider, key, plain, aad, new byte[0]);
    }

    /** {@code prefix} ‖ nonce ‖ ciphertext ‖ tag, in one array: a sealed body's header goes in front without a second copy. */
    static byte[] seal(Provider provider, SecretKey key, byte[] plain, byte[] aad, byte[] prefix) {
        byte[] nonce = new byte[NONCE];
        RANDOMS.get().nextBytes(nonce);
        try {
            Cipher c = cipher(provider);
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce));
            c.updateAAD(aad);
            int start = prefix.length + NONCE;
            byte[] out = new byte[start + c.getOutputSize(plain.length)];
            System.arraycopy(prefix, 0, out, 0, prefix.length);
            System.arraycopy(nonce, 0, out, prefix.length, NONCE);
            int n = c.doFinal(plain, 0, plain.length, out, start);
            return n == out.length - start ? out : Arrays.copyOf(out, start + n);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e.getMessage(), e);
        }
    }

    /** @throws AEADBadTagException when the bytes or {@code aad} were changed, or the key is not theirs */
    static byte[] open(SecretKey key, byte[] sealed, int offset, byte[] aad) throws AEADBadTagException {
        return open(null, key, sealed, offset, aad);
    }

    static byte[] open(Provider provider, SecretKey key, byte[] sealed, int offset, byte[] aad) throws AEADBadTagException {
        if (sealed.length - offset < NONCE + TAG) throw new AEADBadTagException("too short to be sealed: " + (sealed.length - offset) + " bytes");
        try {
            Cipher c = cipher(provider);
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, sealed, offset, NONCE));
            c.updateAAD(aad);
            return c.doFinal(sealed, offset + NONCE, sealed.length - offset - NONCE);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed: " + e.getMessage(), e);
        }
    }

    private static Cipher cipher(Provider provider) throws GeneralSecurityException {
        return provider == null ? DEFAULT.get() : Cipher.getInstance("AES/GCM/NoPadding", provider);
    }
}
