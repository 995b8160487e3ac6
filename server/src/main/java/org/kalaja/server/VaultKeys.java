package org.kalaja.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.recovery.TrustedKeys;
import org.kalaja.engine.vault.Vault;
import org.kalaja.ledger.VerifierKey;
import picocli.CommandLine.Option;

/**
 * The keys {@code recover} and {@code verify --vault} were given on the command line; what is missing
 * is read from each vault ({@link TrustedKeys#resolve}).
 */
record VaultKeys(Optional<VerifierKey> log, List<VerifierKey> witnesses, OptionalInt quorum) {

    /** @throws IllegalArgumentException naming the bad key or quorum */
    static VaultKeys of(@Nullable String vkey, List<String> witnessVkeys, @Nullable Integer quorum) {
        Optional<VerifierKey> log = Optional.ofNullable(vkey).map(v -> parse("--vkey", v));
        List<VerifierKey> witnesses = witnessVkeys.stream().map(v -> parse("--witness-vkey", v)).toList();
        if (quorum != null && (quorum < 1 || quorum > witnesses.size())) {
            throw new IllegalArgumentException("--quorum must be between 1 and the number of --witness-vkey (" + witnesses.size()
                    + "), got " + quorum);
        }
        return new VaultKeys(log, witnesses, quorum == null ? OptionalInt.empty() : OptionalInt.of(quorum));
    }

    private static VerifierKey parse(String option, String vkey) {
        try {
            return VerifierKey.parse(vkey.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " is not a verifier key: " + e.getMessage(), e);
        }
    }

    /** The witness key options {@code recover} and {@code verify --vault} share (a picocli mixin). */
    static final class WitnessOptions {
        @Option(names = "--witness-vkey", paramLabel = "VKEY",
                description = "a witness's cosigner key (repeatable; default: the vault's keys/witnesses)")
        List<String> witnessVkeys = new ArrayList<>();

        @Option(names = "--quorum", paramLabel = "K", description = "cosignatures needed among --witness-vkey (default: all)")
        @Nullable Integer quorum;

        /** @throws IllegalArgumentException naming the bad key or quorum */
        VaultKeys with(@Nullable String logVkey) {
            return of(logVkey, witnessVkeys, quorum);
        }
    }

    TrustedKeys resolve(Vault vault) throws VerificationException {
        return TrustedKeys.resolve(vault, log, witnesses, quorum);
    }
}
