package org.kalaja.engine.seal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * KEKs in a PKCS#12 keystore file protected by a passphrase: the embedded default, and the WEAKER
 * option. The file lies on the node's disk; the passphrase is never stored, so a stolen copy of
 * the disk alone reveals nothing, but an attacker with root on a running primary can read the
 * passphrase from its memory or environment, and every old copy of the file keeps the KEKs it held
 * (so {@link #destroy} shreds only what no copy survives). Use a PKCS#11 HSM ({@link Pkcs11Kms})
 * where those risks matter.
 *
 * <p>Writes replace the file atomically (a temporary file moved over it), so a crash leaves either
 * the old or the new keystore, never a torn one.
 */
public final class PassphraseKms implements Kms {
    private static final String TYPE = "PKCS12";
    private final Path file;
    private final char[] passphrase;
    private final KeyStore store;
    /**
     * KEKs read from {@link #store}: reading one derives a key from the passphrase (PBKDF2, about
     * 10 ms of CPU), once per KEK rather than once per wrap. No weaker than keeping the passphrase,
     * which this object holds anyway until {@link #close}.
     */
    private final Map<String, SecretKey> unlocked = new HashMap<>();

    private PassphraseKms(Path file, char[] passphrase, KeyStore store) {
        this.file = file;
        this.passphrase = passphrase;
        this.store = store;
    }

    /**
     * Opens the keystore at {@code file}, creating it with a first KEK when it does not exist.
     *
     * @throws KmsException UNAVAILABLE when the file cannot be read or the passphrase is wrong
     */
    public static PassphraseKms open(Path file, char[] passphrase) {
        if (passphrase.length == 0) {
            throw new KmsException(KmsException.Kind.UNAVAILABLE, "the keystore passphrase is empty; set KALAJA_KEYSTORE_PASSPHRASE");
        }
        char[] secret = passphrase.clone();
        try {
            KeyStore ks = KeyStore.getInstance(TYPE);
            if (Files.exists(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    ks.load(in, secret);
                }
                return new PassphraseKms(file, secret, ks);
            }
            ks.load(null, secret);
            PassphraseKms kms = new PassphraseKms(file, secret, ks);
            kms.create();
            return kms;
        } catch (IOException e) {
            boolean wrongPassphrase = e.getCause() instanceof UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).contains("password");
            throw new KmsException(KmsException.Kind.UNAVAILABLE, wrongPassphrase
                    ? "the passphrase does not open the keystore " + file + "; check KALAJA_KEYSTORE_PASSPHRASE"
                    : "cannot read the keystore " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new KmsException(KmsException.Kind.UNAVAILABLE, "cannot open the keystore " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "passphrase keystore " + file;
    }

    @Override
    public synchronized List<String> keks() {
        try {
            List<String> ids = new ArrayList<>(Collections.list(store.aliases()));
            ids.sort((a, b) -> Integer.compare(number(a), number(b)));
            return List.copyOf(ids);
        } catch (GeneralSecurityException e) {
            throw new KmsException(KmsException.Kind.UNAVAILABLE, "cannot list the keystore " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized String create() {
        try {
            String id = Kms.nextId(keks());
            KeyGenerator gen = KeyGenerator.getInstance("AES");
            gen.init(256);
            store.setEntry(id, new KeyStore.SecretKeyEntry(gen.generateKey()), new KeyStore.PasswordProtection(passphrase));
            save();
            return id;
        } catch (GeneralSecurityException e) {
            throw new KmsException(KmsException.Kind.UNAVAILABLE, "cannot create a KEK in " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] wrap(String kek, byte[] dataKey, byte[] context) {
        return Gcm.seal(key(kek), dataKey, context);
    }

    @Override
    public byte[] unwrap(String kek, byte[] wrapped, byte[] context) {
        try {
            return Gcm.open(key(kek), wrapped, 0, context);
        } catch (AEADBadTagException e) {
            throw new KmsException(KmsException.Kind.BROKEN, "a key wrapped under " + kek + " does not authenticate: damaged or not what it claims");
        }
    }

    @Override
    public synchronized void destroy(String kek) {
        try {
            unlocked.remove(kek);
            if (!store.containsAlias(kek)) return;
            store.deleteEntry(kek);
            save();
        } catch (GeneralSecurityException e) {
            throw new KmsException(KmsException.Kind.UNAVAILABLE, "cannot destroy " + kek + " in " + file + ": " + e.getMessage(), e);
        }
    }

    private synchronized SecretKey key(String kek) {
        SecretKey known = unlocked.get(kek);
        if (known != null) return known;
        try {
            if (!store.containsAlias(kek)) {
                throw new KmsException(KmsException.Kind.MISSING, "the " + describe() + " has no KEK " + kek);
            }
            SecretKey key = (SecretKey) store.getKey(kek, passphrase);
            unlocked.put(kek, key);
            return key;
        } catch (GeneralSecurityException e) {
            throw new KmsException(KmsException.Kind.UNAVAILABLE, "cannot read " + kek + " from " + file + ": " + e.getMessage(), e);
        }
    }

    private void save() {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                store.store(out, passphrase);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new KmsException(KmsException.Kind.UNAVAILABLE, "cannot write the keystore " + file + ": " + e.getMessage(), e);
        }
    }

    private static int number(String id) {
        try {
            return id.startsWith("kek-") ? Integer.parseInt(id.substring(4)) : Integer.MAX_VALUE;
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    @Override
    public synchronized void close() {
        unlocked.clear();
        Arrays.fill(passphrase, '\0');
    }
}
