package org.kalaja.engine.recovery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.engine.vault.WitnessKeys;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.VerifierKey;

/**
 * The keys a vault is checked against: the log's verifier key, the witnesses' cosigner keys and the
 * quorum of them every recovered checkpoint MUST carry.
 *
 * <p>Keys given by the operator (from a record kept elsewhere) are the strong form: a vault's own
 * {@code keys/} files prove integrity, not authorship, since whoever could rewrite the vault could
 * rewrite them too. Write-once storage and the witnesses, which hold their keys elsewhere, are what
 * make the vault's own copy worth trusting; {@link #fromVault()} says which form was used.
 *
 * @param log       the log's checkpoint signing key (Ed25519)
 * @param witnesses distinct cosigner keys (cosignature/v1); empty when the log has no witnesses
 * @param quorum    how many of {@code witnesses} MUST have cosigned; 0 only when there are none
 * @param fromVault which keys were read from the vault's {@code keys/} files rather than given
 */
public record TrustedKeys(VerifierKey log, List<VerifierKey> witnesses, int quorum, String fromVault) {
    public TrustedKeys {
        witnesses = List.copyOf(witnesses);
        if (log.type() != SignatureType.ED25519) {
            throw new IllegalArgumentException("the log key " + log + " is not an Ed25519 note key");
        }
        Set<String> seen = new HashSet<>();
        for (VerifierKey w : witnesses) {
            if (w.type() != SignatureType.COSIGNATURE_V1) {
                throw new IllegalArgumentException("witness key " + w + " is not a cosignature/v1 key");
            }
            if (!seen.add(w.format())) {
                throw new IllegalArgumentException("witness key " + w + " is given twice; one witness counted twice would fake a quorum");
            }
        }
        if (quorum < (witnesses.isEmpty() ? 0 : 1) || quorum > witnesses.size()) {
            throw new IllegalArgumentException("the quorum must be between 1 and the number of witness keys ("
                    + witnesses.size() + "), got " + quorum);
        }
    }

    /**
     * The keys to check {@code vault} against: each one given wins; what is not given is read from
     * the vault's {@code keys/} files.
     *
     * @param quorum the quorum when witness keys are given (default: all of them)
     * @throws VerificationException if the vault lacks or garbles a key file that is needed
     */
    public static TrustedKeys resolve(Vault vault, Optional<VerifierKey> logKey, List<VerifierKey> witnessKeys, OptionalInt quorum)
            throws VerificationException {
        List<String> fromVault = new ArrayList<>();
        VerifierKey log;
        if (logKey.isPresent()) {
            log = logKey.get();
        } else {
            String text = read(vault, VaultPaths.LOG_VKEY, "the log's verifier key: pass it with --vkey");
            try {
                log = VerifierKey.parse(text.strip());
            } catch (IllegalArgumentException e) {
                throw new VerificationException(vault.describe() + " " + VaultPaths.LOG_VKEY + " is not a verifier key: " + e.getMessage());
            }
            fromVault.add(VaultPaths.LOG_VKEY);
        }
        if (!witnessKeys.isEmpty()) {
            return checked(log, witnessKeys, quorum.orElse(witnessKeys.size()), String.join(", ", fromVault));
        }
        if (quorum.isPresent()) {
            throw new IllegalArgumentException("--quorum needs --witness-vkey; without them the vault's "
                    + VaultPaths.WITNESSES + " says the witnesses and the quorum");
        }
        Optional<byte[]> witnesses = vault.get(VaultPaths.WITNESSES);
        if (witnesses.isEmpty()) {
            // A log shipped without witnesses: the log key alone vouches for the checkpoint, and the report says so.
            return checked(log, List.of(), 0, String.join(", ", fromVault));
        }
        fromVault.add(VaultPaths.WITNESSES);
        WitnessKeys set;
        try {
            set = WitnessKeys.parse(witnesses.get());
        } catch (IllegalArgumentException e) {
            throw new VerificationException(vault.describe() + " " + VaultPaths.WITNESSES + " does not parse: " + e.getMessage());
        }
        return checked(log, set.keys(), set.quorum(), String.join(", ", fromVault));
    }

    private static TrustedKeys checked(VerifierKey log, List<VerifierKey> witnesses, int quorum, String fromVault)
            throws VerificationException {
        try {
            return new TrustedKeys(log, witnesses, quorum, fromVault);
        } catch (IllegalArgumentException e) {
            throw new VerificationException(e.getMessage());
        }
    }

    private static String read(Vault vault, String path, String hint) throws VerificationException {
        byte[] content = vault.get(path).orElseThrow(() -> new VerificationException(vault.describe() + " has no " + path
                + " (" + hint + ")"));
        return new String(content, StandardCharsets.UTF_8);
    }
}
