package org.kalaja.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.LogVerifier;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.recovery.VaultAudit;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.VerifierKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kalaja verify}: re-derives the tree, tiles, checkpoint and state from every entry of a
 * stopped node's store; with {@code --vault}, audits a vault instead (its newest cosigned checkpoint,
 * every tile, bundle and blob; {@link VaultAudit}) without rebuilding anything. Exit 0 when all
 * holds, 1 naming the first discrepancy (or a rolled-back published checkpoint), 2 when there is
 * nothing to verify.
 */
@Command(name = "verify", description = "Recomputes the log's tree, tiles, checkpoint and state from every entry, "
        + "of a node's store (--data) or of a vault (--vault).")
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--data", description = "data directory (default: ${DEFAULT-VALUE})", defaultValue = "kalaja-data")
    Path data;

    @Option(names = "--store", description = "postgresql://… when the log is on PostgreSQL", defaultValue = "${env:KALAJA_STORE}")
    @Nullable String store;

    @Option(names = "--vkey", description = "the log's verifier key as known from elsewhere (default: the key file in --data)")
    @Nullable String vkey;

    @Option(names = "--vault", paramLabel = "VAULT", description = "audit this vault (dir:/path or s3://…) instead of --data")
    @Nullable String vault;

    @Mixin
    VaultKeys.WitnessOptions witnesses = new VaultKeys.WitnessOptions();

    @Override
    public Integer call() throws IOException {
        if (vault != null) return auditVault();
        StoreLocation location = StoreLocation.of(data, store);
        if (location instanceof StoreLocation.Sqlite sqlite && !Files.exists(sqlite.file())) {
            System.err.println("kalaja: no Kalaja data at " + sqlite.file() + "; pass the node's --data directory");
            return 2;
        }
        Optional<VerifierKey> expected = expectedKey();
        try (Store s = location.openForReading()) {
            LogVerifier.Report r = LogVerifier.verify(s, expected, System.err::println);
            // The root in base64, as the checkpoint note and the proofs show it, so the two can be compared by eye.
            System.out.println("OK: " + r.entries() + " entries of " + r.origin() + " verified; checkpoint of "
                    + r.checkpointSize() + " entries with root " + r.root().base64() + " holds; "
                    + records(r.records() - r.systemRecords()) + " (and " + r.systemRecords()
                    + " of Kalaja's own in kalaja.* collections: the log's identity, its configuration, tokens, incidents…)"
                    + " and " + r.idempotencyKeys() + " idempotency keys equal a replay of the log"
                    + (expected.isEmpty() ? " (no key given: authorship not checked)" : ""));
            return 0;
        } catch (VerificationException e) {
            System.out.println("FAILED: " + e.getMessage());
            return 1;
        }
    }

    private int auditVault() {
        VaultKeys keys;
        VaultLocation location;
        try {
            location = VaultLocation.parse(vault);
            keys = witnesses.with(vkey);
        } catch (IllegalArgumentException e) {
            System.err.println("kalaja: " + e.getMessage());
            return 2;
        }
        try (Vault v = location.open()) {
            VaultAudit.Report r = VaultAudit.audit(v, keys.resolve(v), System.err::println);
            r.findings().forEach(f -> System.out.println("WARNING: " + f));
            System.out.printf(Locale.ROOT, "%s: %,d entries (%,.1f MB) and %,d blobs of %s in %s verified in %.1f s against checkpoint %d"
                    + " root %s%s%s%n", r.findings().isEmpty() ? "OK" : "FAILED", r.entries(), r.bytes() / 1e6, r.blobs(),
                    r.checkpoint().origin(), r.vault(), r.took().toNanos() / 1e9, r.checkpoint().size(), r.checkpoint().rootHash().base64(),
                    r.cosigners().isEmpty() ? " (no witness cosignatures required)" : ", cosigned by " + String.join(", ", r.cosigners())
                            + " (quorum " + r.quorum() + ")",
                    r.keysFromVault().isEmpty() ? "" : "; keys read from the vault itself (" + r.keysFromVault()
                            + "): pass --vkey and --witness-vkey to check authorship too");
            return r.findings().isEmpty() ? 0 : 1;
        } catch (VerificationException e) {
            System.out.println("FAILED: " + e.getMessage());
            return 1;
        }
    }

    private static String records(long n) {
        return n + (n == 1 ? " record" : " records");
    }

    private Optional<VerifierKey> expectedKey() throws IOException {
        if (vkey != null) return Optional.of(VerifierKey.parse(vkey.strip()));
        Path keyFile = data.resolve(Node.KEY_FILE);
        if (!Files.exists(keyFile)) return Optional.empty();
        return Optional.of(SigningKey.parse(Files.readString(keyFile).strip()).verifierKey());
    }
}
