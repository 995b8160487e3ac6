package org.kalaja.portal.seal;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the public verification of a document found. Shown to anyone holding the document's id, so it
 * carries no more personal data than the paper does, less in fact: the personal number is masked.
 *
 * <p>Invariants: {@code genuine} is true exactly when {@code found} and no check {@link Outcome#FAILED}
 * (the revocation is reported by {@code revoked}, not as a failed check: a revoked document was genuine);
 * {@code proofPending} when the document is newer than the checkpoint, and then the inclusion checks are
 * {@link Outcome#PENDING}; {@code proof} and {@code tlogProof} are empty unless the inclusion proof was
 * checked.
 *
 * @param id                   the canonical document id asked about (as typed when it is not one)
 * @param erased               the document was issued here and erased at its holder's request (its keys
 *                             destroyed): nothing of it can be read or checked any more; then {@code found}
 *                             is true, {@code genuine} false and every other field empty
 * @param maskedPersonalNumber first three and last two characters of the personal number, {@code *} between
 * @param logIndex             the issuing entry's index, -1 when not found
 * @param sealKey              the institution's registered seal key (C2SP vkey) used, "" when none
 * @param checkpointSize       the size of the checkpoint the proof is against, 0 when none
 * @param rootHash             that checkpoint's root hash (base64), "" when none
 * @param cosigners            the witnesses (key names) whose cosignatures verified
 * @param checkpointSigners    "cosigned by N witnesses" or "signed by the log only"
 * @param proof                the inclusion proof's hashes (base64), leaf's sibling first
 * @param tlogProof            the entry's c2sp.org/tlog-proof text, "" when there is no proof yet
 * @param checks               every check made, in order, with evidence
 */
public record Verification(String id, boolean found, boolean erased, boolean genuine, boolean proofPending, boolean revoked,
        @Nullable String revokedReason, @Nullable Instant revokedAt, String institution, String institutionName, String title,
        String holderName, String maskedPersonalNumber, @Nullable Instant issued, long logIndex, String sealKey,
        long checkpointSize, String rootHash, List<String> cosigners, String checkpointSigners, List<String> proof,
        String tlogProof, List<Check> checks) {

    public Verification {
        cosigners = List.copyOf(cosigners);
        proof = List.copyOf(proof);
        checks = List.copyOf(checks);
    }

    /** How one check came out. */
    public enum Outcome { PASSED, FAILED, PENDING }

    /**
     * One check, in words for a person and with the evidence for an expert.
     *
     * @param name   what was checked ("Institution e-seal")
     * @param detail what was found: key names, indexes, hashes, or why it failed
     */
    public record Check(String name, Outcome outcome, String detail) {
        public boolean passed() {
            return outcome == Outcome.PASSED;
        }

        public boolean failed() {
            return outcome == Outcome.FAILED;
        }
    }

    /** No document has {@code id}; {@code checks} say why (an id that cannot be one, or none issued). */
    static Verification notFound(String id, List<Check> checks) {
        return new Verification(id, false, false, false, false, false, null, null, "", "", "", "", "", null, -1, "", 0, "",
                List.of(), "", List.of(), "", checks);
    }

    /** Document {@code id} was issued here and erased on request. */
    static Verification erased(String id) {
        return new Verification(id, true, true, false, false, false, null, null, "", "", "", "", "", null, -1, "", 0, "",
                List.of(), "", List.of(), "", List.of(new Check("Document", Outcome.FAILED, "document " + id + " was issued here and"
                        + " erased at its holder's request: the keys that sealed it were destroyed, so it cannot be read or checked")));
    }

    /** {@code personalNumber} with all but its first three and last two characters hidden. */
    public static String mask(String personalNumber) {
        int n = personalNumber.length();
        if (n <= 5) return "*".repeat(n);
        return personalNumber.substring(0, 3) + "*".repeat(n - 5) + personalNumber.substring(n - 2);
    }
}
