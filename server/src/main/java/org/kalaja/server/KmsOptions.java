package org.kalaja.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.CollectionPolicy;
import org.kalaja.engine.seal.Kms;
import org.kalaja.engine.seal.PassphraseKms;
import org.kalaja.engine.seal.Pkcs11Kms;
import picocli.CommandLine.Option;

/**
 * Where the node's key-encryption keys are ({@code --kms}) and which collections are sealed
 * ({@code --sealed}). A picocli mixin of {@code serve} and {@code recover}.
 *
 * <ul>
 *   <li>{@code keystore} (the default): a PKCS#12 keystore at {@code DATA/keys/kalaja.p12} under the
 *       passphrase in {@code KALAJA_KEYSTORE_PASSPHRASE}. When that variable is unset on the first
 *       start, a random passphrase is written to {@code DATA/keys/passphrase} (mode 0600) with a
 *       warning: convenient for a first look, and the weakest setting there is.
 *   <li>{@code keystore:FILE}: the same with the keystore elsewhere.
 *   <li>{@code pkcs11:LIBRARY?token=LABEL}: KEKs inside a PKCS#11 token (an HSM), PIN in
 *       {@code KALAJA_PKCS11_PIN}.
 *   <li>{@code none}: no sealing (sealed collections then refuse writes and reads).
 * </ul>
 */
final class KmsOptions {
    static final String PASSPHRASE_ENV = "KALAJA_KEYSTORE_PASSPHRASE";
    static final String PIN_ENV = "KALAJA_PKCS11_PIN";

    @Option(names = "--kms", paramLabel = "keystore[:FILE]|pkcs11:LIB?token=LABEL|none", defaultValue = "keystore",
            description = "where the key-encryption keys of sealed data are: a passphrase keystore (default DATA/keys/kalaja.p12, "
                    + "passphrase in env " + PASSPHRASE_ENV + ") or a PKCS#11 token (PIN in env " + PIN_ENV + ")")
    String kms = "keystore";

    @Option(names = "--sealed", paramLabel = "COLLECTION[=/subject/pointer]", split = ",",
            description = "declare these collections sealed at start, each with an optional JSON Pointer to the field naming the data "
                    + "subject (e.g. citizens=/personal_number); already sealed collections stay sealed")
    List<String> sealed = new ArrayList<>();

    /** Opens the KMS the flags name for the node in {@code dataDir}; null for {@code none}. */
    @Nullable Kms open(Path dataDir) {
        return open(kms, dataDir, System.getenv(PASSPHRASE_ENV), System.getenv(PIN_ENV));
    }

    /** The {@code --sealed} declarations, collection to policy. */
    Map<String, CollectionPolicy> declarations() {
        Map<String, CollectionPolicy> out = new LinkedHashMap<>();
        for (String s : sealed) {
            int eq = s.indexOf('=');
            out.put(eq < 0 ? s : s.substring(0, eq), new CollectionPolicy(true, eq < 0 ? null : s.substring(eq + 1)));
        }
        return out;
    }

    static @Nullable Kms open(String spec, Path dataDir, @Nullable String passphrase, @Nullable String pin) {
        if (spec.equals("none")) return null;
        if (spec.equals("keystore") || spec.startsWith("keystore:")) {
            Path file = spec.equals("keystore") ? dataDir.resolve("keys").resolve("kalaja.p12") : Path.of(spec.substring("keystore:".length()));
            return PassphraseKms.open(file, passphrase(file, passphrase));
        }
        if (spec.startsWith("pkcs11:")) {
            String rest = spec.substring("pkcs11:".length());
            int q = rest.indexOf("?token=");
            if (q < 0) throw new IllegalArgumentException("--kms pkcs11 needs the token's label: pkcs11:/path/to/library.so?token=LABEL");
            if (pin == null || pin.isEmpty()) throw new IllegalArgumentException("--kms pkcs11 needs the token's PIN in env " + PIN_ENV);
            return Pkcs11Kms.open(new Pkcs11Kms.Config(Path.of(rest.substring(0, q)),
                    URLDecoder.decode(rest.substring(q + "?token=".length()), StandardCharsets.UTF_8), pin.toCharArray()));
        }
        throw new IllegalArgumentException("--kms is keystore, keystore:FILE, pkcs11:LIBRARY?token=LABEL or none; got '" + spec + "'");
    }

    /**
     * The keystore's passphrase: the variable's, else the one a first start wrote beside the keystore,
     * else (no keystore yet) a new random one written there, with a warning.
     */
    private static char[] passphrase(Path keystore, @Nullable String fromEnv) {
        if (fromEnv != null && !fromEnv.isEmpty()) return fromEnv.toCharArray();
        Path file = keystore.resolveSibling("passphrase");
        try {
            if (Files.exists(file)) return Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
            if (Files.exists(keystore)) {
                throw new IllegalArgumentException("the keystore " + keystore + " needs its passphrase: set " + PASSPHRASE_ENV);
            }
            Files.createDirectories(keystore.toAbsolutePath().getParent(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            System.err.println("kalaja: warning: sealed data's keys are in " + keystore + " under a passphrase written to " + file
                    + ". Anyone who copies this data directory can read sealed data. Move the passphrase off this machine and set "
                    + PASSPHRASE_ENV + ", or use an HSM (--kms pkcs11:…); see docs/SEALING.md");
            return secret.toCharArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the keystore " + keystore + ": " + e.getMessage(), e);
        }
    }
}
