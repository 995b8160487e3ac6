package org.kalaja.engine.vault;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.VerifierKey;

/**
 * The witnesses whose cosignatures make a checkpoint publishable, and how many of them are needed:
 * the content of {@link VaultPaths#WITNESSES}. Recovery reads it when the operator gives no witness
 * keys, so it says what was in force when shipping to the vault began.
 *
 * <p>Format (UTF-8, every line ends in {@code \n}, nothing else): {@code quorum <K>}, then one
 * cosignature/v1 vkey per line, in the order the operator gave them:
 * <pre>
 * quorum 2
 * witness.example/a+1a2b3c4d+BAAA…
 * witness.example/b+5e6f7a8b+BAAA…
 * </pre>
 *
 * <p>Invariants: {@code 1 <= quorum <= keys.size()}; the keys are distinct cosignature/v1 keys.
 */
public record WitnessKeys(int quorum, List<VerifierKey> keys) {
    private static final String QUORUM = "quorum ";

    /** @throws IllegalArgumentException if an invariant does not hold */
    public WitnessKeys {
        keys = List.copyOf(keys);
        if (quorum < 1 || quorum > keys.size()) {
            throw new IllegalArgumentException("the quorum must be between 1 and the number of witness keys ("
                    + keys.size() + "), got " + quorum);
        }
        Set<VerifierKey> seen = new HashSet<>();
        for (VerifierKey k : keys) {
            if (k.type() != SignatureType.COSIGNATURE_V1) {
                throw new IllegalArgumentException("witness key " + k + " is not a cosignature/v1 key");
            }
            if (!seen.add(k)) {
                throw new IllegalArgumentException("witness key " + k + " is listed twice");
            }
        }
    }

    /** The file's bytes. */
    public byte[] format() {
        StringBuilder out = new StringBuilder(QUORUM).append(quorum).append('\n');
        for (VerifierKey k : keys) {
            out.append(k.format()).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses what {@link #format()} wrote.
     *
     * @throws IllegalArgumentException naming the line that is wrong
     */
    public static WitnessKeys parse(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException(VaultPaths.WITNESSES + " must end with a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (!lines[0].startsWith(QUORUM) || !lines[0].substring(QUORUM.length()).matches("[1-9][0-9]{0,3}")) {
            throw new IllegalArgumentException(VaultPaths.WITNESSES + " line 1 must be 'quorum <K>', got '" + lines[0] + "'");
        }
        VerifierKey[] keys = new VerifierKey[lines.length - 1];
        for (int i = 1; i < lines.length; i++) {
            try {
                keys[i - 1] = VerifierKey.parse(lines[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(VaultPaths.WITNESSES + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new WitnessKeys(Integer.parseInt(lines[0].substring(QUORUM.length())), List.of(keys));
    }
}
