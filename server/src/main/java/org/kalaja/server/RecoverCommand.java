package org.kalaja.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.KeyRecords;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.recovery.Recovery;
import org.kalaja.engine.seal.KeyCensus;
import org.kalaja.engine.seal.Kms;
import org.kalaja.engine.seal.KmsException;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.vault.Vault;
import org.kalaja.ledger.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kalaja recover}: rebuilds a node's store from vaults, every entry verified against the
 * newest cosigned checkpoint. Exit 0 restored; 1 no vault verified (the message names the first bad
 * object of each); 2 bad usage (or keys that cannot be opened: checked before anything is recovered);
 * 3 restored and verified, but sealed data cannot be read: the message names each KEK that live data
 * keys need and the KMS lacks, and how many keys need it.
 */
@Command(name = "recover", description = "Rebuilds a node from vaults, verifying every entry against the newest cosigned checkpoint.")
final class RecoverCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, paramLabel = "VAULT",
            description = "a vault to recover from (dir:/path or s3://bucket/prefix?endpoint=…); repeat it: the next one is used if one fails")
    List<String> from = new ArrayList<>();

    @Option(names = "--into", required = true, paramLabel = "DIR|postgresql://…",
            description = "a new data directory (SQLite), or a PostgreSQL URL (the key file then goes to --data)")
    String into;

    @Option(names = "--data", paramLabel = "DIR", description = "with a PostgreSQL --into: the node's data directory, for --key")
    @Nullable Path data;

    @Option(names = "--at", paramLabel = "INDEX|TIME", description = "recover only entries 0..INDEX, or up to TIME (ISO-8601, e.g. 2026-07-15T03:00:00Z)")
    @Nullable String at;

    @Option(names = "--key", paramLabel = "FILE", description = "the log's signing key file, copied into the new node (it is not in vaults)")
    @Nullable Path key;

    @Option(names = "--vkey", paramLabel = "VKEY", description = "the log's verifier key as known from elsewhere (default: --key's, else the vault's keys/log.vkey)")
    @Nullable String vkey;

    @Mixin
    VaultKeys.WitnessOptions witnesses = new VaultKeys.WitnessOptions();

    @Option(names = "--kms", paramLabel = "keystore[:FILE]|pkcs11:LIB?token=LABEL|none", defaultValue = "keystore",
            description = "where the KEKs of sealed data are, as for serve (default: the keystore in the new data directory, see --keystore)")
    String kms = "keystore";

    @Option(names = "--keystore", paramLabel = "FILE", description = "the lost node's passphrase keystore (DATA/keys/kalaja.p12), copied into "
            + "the new data directory once it opens every key: it is not in vaults (passphrase in env " + KmsOptions.PASSPHRASE_ENV + ")")
    @Nullable Path keystore;

    @Override
    public Integer call() throws IOException {
        List<VaultLocation> locations;
        Recovery.Options options;
        VaultKeys keys;
        SigningKey signingKey;
        try {
            locations = from.stream().map(VaultLocation::parse).toList();
            options = options(at);
            signingKey = key == null ? null : SigningKey.parse(Files.readString(key, StandardCharsets.UTF_8).strip());
            keys = witnesses.with(vkey != null ? vkey : signingKey == null ? null : signingKey.verifierKey().format());
        } catch (IllegalArgumentException e) {
            System.err.println("kalaja: " + e.getMessage());
            return 2;
        }
        boolean postgres = into.startsWith("postgresql://") || into.startsWith("postgres://");
        Path dataDir = postgres ? (data == null ? Path.of("kalaja-data") : data) : Path.of(into);
        StoreLocation target = StoreLocation.of(dataDir, postgres ? into : null);
        Path keyFile = dataDir.resolve(Node.KEY_FILE);
        Kms sealing;
        try {
            sealing = openKeys(dataDir);
        } catch (IllegalArgumentException | IllegalStateException | KmsException e) {
            System.err.println("kalaja: the keys of sealed data cannot be opened, so nothing was recovered: " + e.getMessage());
            return 2;
        }
        if (!postgres) privateDirectory(dataDir);
        List<Vault> vaults = new ArrayList<>();
        try (Store store = target.open()) {
            for (VaultLocation l : locations) vaults.add(l.open());
            Recovery.Summary s = Recovery.recover(vaults, keys::resolve, store, options, System.err::println);
            if (signingKey != null) installKey(signingKey, s, keyFile);
            print(s, keyFile, signingKey != null);
            KeyCensus.Check check = KeyCensus.check(sealing, KeyRecords.readOnly(store));
            int exit = printKeys(check, sealing, installedKeystore(dataDir));
            installKeystore(check, dataDir);
            return exit;
        } catch (VerificationException e) {
            System.out.println("FAILED: " + e.getMessage());
            System.out.println("Nothing unverified was written. docs/OPERATIONS.md \"Recovering a node\" says what to do.");
            return 1;
        } finally {
            vaults.forEach(Vault::close);
            if (sealing != null) sealing.close();
        }
    }

    /**
     * The KMS to check the recovered keys with, opened before anything is recovered: a wrong
     * passphrase or PIN is found in a second, not after the whole log. A passphrase keystore is never
     * created here (a new one could not open anything); without one, every sealed key is reported missing.
     */
    private @Nullable Kms openKeys(Path dataDir) throws IOException {
        if (kms.startsWith("keystore:") && !Files.isRegularFile(Path.of(kms.substring("keystore:".length())))) {
            // Opening would create a new keystore there, whose kek-1 opens nothing and would be reported as a WRONG KEY.
            throw new IllegalArgumentException("--kms " + kms + ": there is no keystore at " + kms.substring("keystore:".length())
                    + "; recover never creates one: name the lost node's keystore file");
        }
        if (!kms.equals("keystore")) return KmsOptions.open(kms, dataDir, System.getenv(KmsOptions.PASSPHRASE_ENV), System.getenv(KmsOptions.PIN_ENV));
        Path target = installedKeystore(dataDir);
        if (keystore != null) {
            if (!Files.isRegularFile(keystore)) throw new IllegalArgumentException("--keystore " + keystore + " is not a file");
            if (Files.exists(target) && Files.mismatch(target, keystore) != -1) {
                throw new IllegalStateException(target + " already holds another keystore; not replaced");
            }
            // Opened where it is: it is copied into the new node only once it proved to open every key.
            return KmsOptions.open("keystore:" + keystore.toAbsolutePath(), dataDir, System.getenv(KmsOptions.PASSPHRASE_ENV), null);
        }
        if (!Files.exists(target)) {
            System.err.println("kalaja: no keystore given (--keystore FILE) and none in " + target.getParent()
                    + ": the log will be recovered and verified, but sealed data stays unreadable until its keys are here");
            return null;
        }
        return KmsOptions.open("keystore", dataDir, System.getenv(KmsOptions.PASSPHRASE_ENV), null);
    }

    private static Path installedKeystore(Path dataDir) {
        return dataDir.resolve("keys").resolve("kalaja.p12");
    }

    /**
     * Copies {@code --keystore} into the new node when every live key opens under it; a keystore that
     * does not (another node's, an old copy) is left out, so that running recover again with the right
     * one is not refused as "another keystore" and serve does not start on the wrong KEKs.
     */
    private void installKeystore(KeyCensus.Check check, Path dataDir) throws IOException {
        Path target = installedKeystore(dataDir);
        if (keystore == null || !kms.equals("keystore") || Files.exists(target)) return;
        if (!check.readable()) {
            System.out.println("The keystore " + keystore + " was not copied into " + target.getParent() + ": it does not open every key.");
            return;
        }
        privateDirectory(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), ".keystore-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.copy(keystore, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        System.out.println("keystore installed at " + target + "; `kalaja serve` opens it with the same " + KmsOptions.PASSPHRASE_ENV);
    }

    private static int printKeys(KeyCensus.Check c, @Nullable Kms kms, Path keystoreHere) {
        if (c.live() == 0 && c.destroyed() == 0) return 0;
        if (c.readable()) {
            System.out.printf(Locale.ROOT, "keys: all %,d live data keys of sealed data open under %s (%,d destroyed by erasure stay destroyed)%n",
                    c.live(), kms == null ? "no KMS" : kms.describe(), c.destroyed());
            return 0;
        }
        String where = kms == null ? "no KMS" : kms.describe();
        c.missing().forEach((kek, n) -> System.out.printf(Locale.ROOT, "MISSING KEY: %,d data keys are wrapped under %s, %s%n", n, kek,
                kms == null ? "and no KMS was given (give --keystore FILE or --kms pkcs11:…)" : "which " + where + " does not hold"));
        c.broken().forEach((kek, n) -> System.out.printf(Locale.ROOT, "WRONG KEY: %,d data keys do not open under the %s that %s holds: "
                + "it is another KEK of the same name (another keystore or token?)%n", n, kek, where));
        System.out.println("The log is recovered and verified; sealed data needs the keys above before anyone can read it: put the"
                + " keystore that holds them at " + keystoreHere + " (mode 0600), or serve with --kms keystore:FILE or --kms pkcs11:… naming"
                + " the HSM that holds them. `kalaja serve` will not create a new keystore for this log.");
        return 3;
    }

    private static Recovery.Options options(@Nullable String at) {
        if (at == null) return Recovery.Options.EVERYTHING;
        if (at.matches("[0-9]{1,18}")) return new Recovery.Options(Optional.of(Long.parseLong(at)), Optional.empty());
        try {
            return new Recovery.Options(Optional.empty(), Optional.of(Instant.parse(at)));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--at takes an entry index (e.g. 41999) or an ISO-8601 time (e.g. 2026-07-15T03:00:00Z), got '" + at + "'");
        }
    }

    /** The key MUST be the one the vault's checkpoints verify with, and never replaces a different one. */
    private static void installKey(SigningKey signingKey, Recovery.Summary s, Path keyFile) throws IOException {
        if (!signingKey.name().equals(s.checkpoint().origin())) {
            throw new IllegalStateException("--key is for origin '" + signingKey.name() + "', the recovered log is '"
                    + s.checkpoint().origin() + "'; the store is recovered, the key was not copied: pass the log's own key file");
        }
        String line = signingKey.format() + "\n";
        privateDirectory(keyFile.toAbsolutePath().getParent());
        if (Files.exists(keyFile)) {
            if (!Files.readString(keyFile, StandardCharsets.UTF_8).strip().equals(signingKey.format())) {
                throw new IllegalStateException(keyFile + " already holds another key; not replaced");
            }
            return;
        }
        Path temp = Files.createTempFile(keyFile.toAbsolutePath().getParent(), ".log-key-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, line, StandardCharsets.UTF_8, StandardOpenOption.SYNC);
            Files.move(temp, keyFile, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void privateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private static void print(Recovery.Summary s, Path keyFile, boolean keyCopied) {
        double secs = s.took().toNanos() / 1e9;
        s.attempts().forEach(a -> System.out.println("FELL BACK: " + a));
        s.findings().forEach(f -> System.out.println("WARNING: " + f));
        System.out.printf(Locale.ROOT, "OK: recovered %,d entries (%,.1f MB, %,d blobs) of %s from %s in %.1f s (%,.0f entries/s)%s%n",
                s.entries(), s.bytes() / 1e6, s.blobs(), s.checkpoint().origin(), s.vault(), secs, (s.entries() - s.resumed()) / Math.max(secs, 1e-9),
                s.resumed() > 0 ? "; " + s.resumed() + " were already there from an earlier attempt and were checked" : "");
        System.out.println("verified against checkpoint " + s.verifiedAgainst().size() + " root " + s.verifiedAgainst().rootHash().base64()
                + (s.cosigners().isEmpty() ? " (no witness cosignatures required)" : ", cosigned by " + String.join(", ", s.cosigners()))
                + (s.keysFromVault().isEmpty() ? "" : "; keys read from the vault: " + s.keysFromVault()));
        System.out.println("the store's checkpoint: " + s.checkpoint().size() + " entries, root " + s.checkpoint().rootHash().base64());
        if (s.adopted() > 0) {
            System.out.printf(Locale.ROOT, "taken over: %,d entries after that checkpoint, which the old primary had begun shipping when it"
                    + " stopped (authenticated by the round's note, signed by the log); `kalaja serve` signs a checkpoint of them%n", s.adopted());
        }
        System.out.println(keyCopied ? "log key installed at " + keyFile + "; `kalaja serve` continues the log"
                : "no --key given: copy the log's key file to " + keyFile + " (mode 0600) before `kalaja serve`, which refuses to start without it");
    }
}
