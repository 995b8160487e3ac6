package org.kalaja.portal.seal;

import java.util.ArrayList;
import java.util.List;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.NoteVerificationException;
import org.kalaja.ledger.NoteVerifier;
import org.kalaja.ledger.ProofException;
import org.kalaja.ledger.ProofVerifier;
import org.kalaja.ledger.VerifierKey;
import org.kalaja.portal.seal.Verification.Check;
import org.kalaja.portal.seal.Verification.Outcome;

/**
 * The log-side checks of a verification, recomputed here from bytes rather than taken from the node's
 * word: the checkpoint's signatures, the entry's leaf hash, and the inclusion proof up to the root.
 * Nothing here trusts a hash it did not compute or a signature it did not verify.
 */
final class ProofChecks {
    private ProofChecks() {
    }

    /** A checkpoint whose signatures were checked: by the log (MUST) and by which witnesses. */
    record SignedCheckpoint(Note note, Checkpoint checkpoint, List<String> cosigners, Check check) {
        /** "cosigned by N witnesses" or "signed by the log only". */
        String signers() {
            return ProofChecks.signers(cosigners.size());
        }
    }

    /**
     * Verifies {@code signedNote} against the log's key and the witnesses' keys: the log's signature MUST
     * verify; when witnesses are configured, at least one cosignature MUST too.
     *
     * @throws CheckFailed with the failed check, naming the checkpoint's size and the key that failed
     */
    static SignedCheckpoint checkpoint(String signedNote, String logVkey, List<String> witnessVkeys) throws CheckFailed {
        Note note;
        Checkpoint cp;
        NoteVerifier log;
        List<NoteVerifier> witnesses = new ArrayList<>();
        try {
            note = Note.parse(signedNote);
            cp = Checkpoint.of(note);
            log = VerifierKey.parse(logVkey);
            for (String w : witnessVkeys) witnesses.add(VerifierKey.parse(w));
        } catch (IllegalArgumentException e) {
            throw new CheckFailed(new Check("Log checkpoint", Outcome.FAILED, "the checkpoint or a key is malformed: " + e.getMessage()));
        }
        List<NoteVerifier> known = new ArrayList<>(witnesses);
        known.add(0, log);
        List<NoteVerifier> verified;
        try {
            verified = note.verify(known);
        } catch (NoteVerificationException | IllegalArgumentException e) {
            throw new CheckFailed(new Check("Log checkpoint", Outcome.FAILED, e.getMessage()));
        }
        if (!verified.contains(log)) {
            throw new CheckFailed(new Check("Log checkpoint", Outcome.FAILED, "checkpoint of size " + cp.size()
                    + " has no valid signature by the log key " + log.name()));
        }
        List<String> cosigners = new ArrayList<>();
        for (NoteVerifier w : witnesses) if (verified.contains(w)) cosigners.add(w.name());
        if (!witnesses.isEmpty() && cosigners.isEmpty()) {
            throw new CheckFailed(new Check("Log checkpoint", Outcome.FAILED, "checkpoint of size " + cp.size() + " is signed by the log, but by none of the "
                    + witnesses.size() + " configured witnesses"));
        }
        return new SignedCheckpoint(note, cp, cosigners, new Check("Log checkpoint", Outcome.PASSED, "checkpoint of " + cp.size()
                + " entries, root " + cp.rootHash().base64() + ", " + signers(cosigners.size()) + " (" + log.name() + ")"));
    }

    static String signers(int cosigners) {
        return cosigners == 0 ? "signed by the log only" : "cosigned by " + cosigners + " witness" + (cosigners == 1 ? "" : "es");
    }

    /** The log's leaf hash for {@code index} MUST be SHA-256(0x00 || the entry's bytes). */
    static Check leaf(byte[] entry, long index, Hash logLeaf) {
        Hash computed = Merkle.leafHash(entry);
        return computed.equals(logLeaf)
                ? new Check("Entry in the log's tree", Outcome.PASSED, "leaf " + index + " is " + computed.base64())
                : new Check("Entry in the log's tree", Outcome.FAILED, "leaf " + index + " of the tree is " + logLeaf.base64()
                        + ", but the entry's bytes hash to " + computed.base64());
    }

    /** The inclusion proof MUST lead from the entry's leaf hash at {@code index} to the checkpoint's root. */
    static Check inclusion(byte[] entry, long index, Checkpoint checkpoint, List<Hash> proof) {
        try {
            ProofVerifier.verifyInclusion(Merkle.leafHash(entry), index, checkpoint.size(), proof, checkpoint.rootHash());
            return new Check("Inclusion proof", Outcome.PASSED, proof.size() + " hashes lead from entry " + index
                    + " to the root " + checkpoint.rootHash().base64() + " of the checkpoint of " + checkpoint.size() + " entries");
        } catch (ProofException e) {
            return new Check("Inclusion proof", Outcome.FAILED, e.getMessage());
        }
    }

    /** A check that failed, ending the checks that depend on it. */
    static final class CheckFailed extends Exception {
        private final transient Check check;

        CheckFailed(Check check) {
            super(check.detail(), null, false, false);
            this.check = check;
        }

        Check check() {
            return check;
        }
    }
}
