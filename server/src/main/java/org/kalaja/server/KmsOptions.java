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
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.CollectionPolicy;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.KeyRecords;
import org.kalaja.engine.Names;
import org.kalaja.engine.seal.KeyCensus;
import org.kalaja.engine.seal.Kms;
import org.kalaja.engine.seal.KmsException;
import org.kalaja.engine.seal.PassphraseKms;
import org.kalaja.engine.seal.Pkcs11Kms;
import org.kalaja.engine.spi.Store;
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

    /** Where the passphrase and the PIN are read: the process environment (a test gives its own). */
    UnaryOperator<@Nullable String> environment = System::getenv;

    /** What {@link #open(Path)} created on a first start (the keystore, its passphrase, their directories); empty when it found them. */
    private final List<Path> created = new ArrayList<>();

    /**
     * Opens the KMS the flags name for the node in {@code dataDir}; null for {@code none}.
     *
     * @throws IllegalArgumentException when it cannot be opened (a wrong passphrase or PIN, no such token), naming the flag
     */
    @Nullable Kms open(Path dataDir) {
        created.clear();
        Path file = keystoreFile(kms, dataDir);
        // Files first, then the directories a first start makes for them, deepest first: the order removeCreated deletes in.
        List<Path> absent = new ArrayList<>();
        if (file != null) {
            for (Path p = file.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) absent.add(p);
            if (!Files.exists(file.resolveSibling("passphrase"))) absent.addFirst(file.resolveSibling("passphrase").toAbsolutePath());
        }
        try {
            Kms opened = open(kms, dataDir, environment.apply(PASSPHRASE_ENV), environment.apply(PIN_ENV));
            if (file != null && absent.contains(file.toAbsolutePath())) absent.stream().filter(Files::exists).forEach(created::add);
            return opened;
        } catch (KmsException e) {
            throw new IllegalArgumentException("--kms " + kms + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a keystore this start created for a log that already holds live data keys: they are
     * wrapped under the KEKs of another keystore (a node recovered without its own), which a new
     * keystore, with a {@code kek-1} of its own, can never open.
     *
     * @throws IllegalArgumentException naming the KEKs the log needs and where the keystore must go
     */
    void refuseNewKeystoreForOldKeys(StoreLocation location, Path dataDir) {
        if (created.isEmpty() || location instanceof StoreLocation.Sqlite sqlite && !Files.exists(sqlite.file())) return;
        KeyCensus.Check c;
        // Read before the node starts: a refused start must not have written anything (not even the sentinel's view of it).
        try (Store store = location.openForReading()) {
            c = KeyCensus.check(null, KeyRecords.readOnly(store));
        }
        if (c.live() == 0) return;
        throw new IllegalArgumentException("the log holds " + c.live() + " live data keys of sealed data, wrapped under "
                + String.join(", ", c.missing().keySet()) + " of a keystore that is not here; a new keystore cannot open them, so none is"
                + " created. Put the node's keystore at " + keystoreFile("keystore", dataDir) + " (its passphrase in " + PASSPHRASE_ENV
                + "), or name it with --kms keystore:FILE, or the HSM that holds them with --kms pkcs11:…");
    }

    /**
     * Deletes the files {@link #open(Path)} created, and the directories it made for them once empty: a
     * refused start leaves nothing in the way of the retry.
     */
    void removeCreated() {
        for (Path p : created) {
            try {
                Files.deleteIfExists(p);
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                // the store or another file went there too: the directory is no longer ours alone
            } catch (IOException e) {
                System.err.println("kalaja: warning: could not remove " + p + ", created by this refused start: " + e.getMessage());
            }
        }
        created.clear();
    }

    private static @Nullable Path keystoreFile(String spec, Path dataDir) {
        if (spec.equals("keystore")) return dataDir.resolve("keys").resolve("kalaja.p12");
        return spec.startsWith("keystore:") ? Path.of(spec.substring("keystore:".length())) : null;
    }

    /**
     * The {@code --sealed} declarations, collection to policy.
     *
     * @throws IllegalArgumentException naming the flag, for a subject that is not a JSON Pointer, a bad collection name,
     *     or sealing with {@code --kms none}
     */
    Map<String, CollectionPolicy> declarations() {
        if (!sealed.isEmpty() && kms.equals("none")) {
            throw new IllegalArgumentException("--sealed " + String.join(",", sealed) + " needs a key-management service, and --kms is none");
        }
        Map<String, CollectionPolicy> out = new LinkedHashMap<>();
        for (String s : sealed) {
            int eq = s.indexOf('=');
            try {
                String collection = Names.recordCollection(eq < 0 ? s : s.substring(0, eq));
                out.put(collection, new CollectionPolicy(true, eq < 0 ? null : s.substring(eq + 1)));
            } catch (EngineException e) {
                throw new IllegalArgumentException("--sealed " + s + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    static @Nullable Kms open(String spec, Path dataDir, @Nullable String passphrase, @Nullable String pin) {
        if (spec.equals("none")) return null;
        Path file = keystoreFile(spec, dataDir);
        if (file != null) return PassphraseKms.open(file, passphrase(file, passphrase));
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
            // Created 0600, not chmod-ed after: between the two, anyone could have opened it.
            try (var out = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                out.write(java.nio.ByteBuffer.wrap((secret + "\n").getBytes(StandardCharsets.UTF_8)));
            }
            System.err.println("kalaja: warning: sealed data's keys are in " + keystore + " under a passphrase written to " + file
                    + ". Anyone who copies this data directory can read sealed data. Move the passphrase off this machine and set "
                    + PASSPHRASE_ENV + ", or use an HSM (--kms pkcs11:…); see docs/SEALING.md");
            return secret.toCharArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the keystore " + keystore + ": " + e.getMessage(), e);
        }
    }
}
