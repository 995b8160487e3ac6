package org.kalaja.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.kalaja.sentinel.investigate.EvidenceVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kalaja verify-evidence DIR}: checks an evidence pack offline (no node, no network). Exit 0 when
 * every entry is proven against the pack's checkpoint; 1 naming each failing entry or file; 2 bad usage.
 * Without {@code --vkey} the keys come from the pack itself, which proves integrity but not authorship,
 * and the output says so.
 */
@Command(name = "verify-evidence", description = "Checks an evidence pack offline: file hashes, the checkpoint's signatures, "
        + "and every entry's inclusion proof against it.")
final class VerifyEvidenceCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "the evidence pack (written by kalaja investigate)")
    Path dir;

    @Option(names = "--vkey", description = "the log's verifier key, obtained independently of the pack (default: the pack's)")
    @Nullable String vkey;

    @Option(names = "--witness-vkey", paramLabel = "VKEY", description = "a witness's cosigner key (repeatable; default: the pack's)")
    List<String> witnessVkeys = new java.util.ArrayList<>();

    @Option(names = "--quorum", paramLabel = "K", description = "cosignatures needed among --witness-vkey (default: all)")
    @Nullable Integer quorum;

    @Override
    public Integer call() throws IOException {
        EvidenceVerifier.Keys keys;
        try {
            VaultKeys given = VaultKeys.of(vkey, witnessVkeys, quorum);
            keys = new EvidenceVerifier.Keys(given.log(), given.witnesses(), given.quorum());
        } catch (IllegalArgumentException e) {
            System.err.println("kalaja: " + e.getMessage());
            return 2;
        }
        if (!Files.isDirectory(dir)) {
            System.err.println("kalaja: " + dir + " is not a directory; pass the evidence pack's directory");
            return 2;
        }
        EvidenceVerifier.Report r = EvidenceVerifier.verify(dir, keys);
        if (!r.ok()) {
            r.failures().forEach(f -> System.out.println("FAILED: " + f));
            return 1;
        }
        System.out.println("OK: " + r.entries() + " entries of " + r.origin() + " for incident " + r.incident()
                + " proven against checkpoint " + r.checkpointSize() + " root " + r.root()
                + (r.cosigners().isEmpty() ? " (no witness cosignatures required)"
                        : ", cosigned by " + String.join(", ", r.cosigners()) + " (quorum " + r.quorum() + ")")
                + "; " + r.blobs() + " blobs match their entries"
                + (r.keysFromPack().isEmpty() ? "" : "; keys read from the pack itself (" + r.keysFromPack()
                        + "): pass --vkey and --witness-vkey to check authorship too"));
        return 0;
    }
}
