package org.kalaja.engine.recovery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.VerifierKey;

/**
 * A vault's checkpoint history ({@code checkpoints/}), every note checked: each parses, sits at the
 * path of its own tree size, names the log's origin and carries a valid log signature; no known
 * witness's signature on it is forged; the newest one carries the witness quorum. The published
 * {@code checkpoint} is compared with the history: a note the history lacks is tampering, an older
 * one a rollback (or a shipper that stopped between the two writes), which {@link #findings} reports.
 *
 * @param target   the newest checkpoint of the history: what the vault's data is verified against
 * @param note     its signed note, as the vault holds it
 * @param history  every checkpoint of the history, ascending tree size, the target last
 * @param notes    the signed notes of {@code history}, same order
 * @param cosigners the witnesses whose cosignatures on the target verified
 * @param findings what is wrong but does not make the history untrustworthy (the published checkpoint)
 */
record VaultHistory(Checkpoint target, Note note, List<Checkpoint> history, List<String> notes, List<VerifierKey> cosigners,
        List<String> findings) {

    static VaultHistory read(Vault vault, TrustedKeys keys) throws VerificationException {
        List<String> paths = vault.list(VaultPaths.HISTORY);
        if (paths.isEmpty()) {
            throw new VerificationException(vault.describe() + " holds no checkpoint under " + VaultPaths.HISTORY
                    + ": nothing was ever published to it (or it was emptied); use another vault");
        }
        List<Checkpoint> history = new ArrayList<>(paths.size());
        List<String> notes = new ArrayList<>(paths.size());
        Note last = null;
        List<VerifierKey> cosigners = List.of();
        for (int i = 0; i < paths.size(); i++) {
            String path = paths.get(i);
            byte[] bytes = vault.get(path).orElseThrow(() -> new VerificationException(path + " vanished from "
                    + vault.describe() + " while it was read"));
            Note note = parse(path, bytes);
            Checkpoint c = Checkpoint.of(note);
            if (c.size() != VaultPaths.historySize(path)) {
                throw new VerificationException(path + " holds the checkpoint of tree size " + c.size() + ", not "
                        + VaultPaths.historySize(path) + ": the history was tampered with");
            }
            List<VerifierKey> verified = verify(path, note, c, keys);
            history.add(c);
            notes.add(new String(bytes, StandardCharsets.UTF_8));
            if (i == paths.size() - 1) {
                last = note;
                cosigners = verified;
            }
        }
        Checkpoint target = history.getLast();
        if (cosigners.size() < keys.quorum()) {
            throw new VerificationException("the newest checkpoint " + paths.getLast() + " (tree size " + target.size()
                    + ") carries " + cosigners.size() + " valid witness cosignatures, fewer than the quorum of " + keys.quorum()
                    + " (witnesses " + keys.witnesses().stream().map(VerifierKey::name).toList() + "): it was not published"
                    + " by a shipper that honours the quorum, or the witness keys are not the ones in force");
        }
        List<String> findings = new ArrayList<>();
        compareChecked(vault, history, notes, findings);
        return new VaultHistory(target, last, List.copyOf(history), List.copyOf(notes), cosigners, List.copyOf(findings));
    }

    private static Note parse(String path, byte[] bytes) throws VerificationException {
        try {
            Note note = Note.parse(bytes);
            Checkpoint.of(note);
            return note;
        } catch (IllegalArgumentException e) {
            throw new VerificationException(path + " is not a signed checkpoint note: " + e.getMessage());
        }
    }

    /** @return the witnesses whose cosignatures verified */
    private static List<VerifierKey> verify(String path, Note note, Checkpoint c, TrustedKeys keys) throws VerificationException {
        if (!c.origin().equals(keys.log().name())) {
            throw new VerificationException(path + " is a checkpoint of origin '" + c.origin() + "', not of the log key's '"
                    + keys.log().name() + "': the vault holds another log's history, or the wrong --vkey was given");
        }
        Optional<Note.Signature> logSignature = signature(note, keys.log());
        if (logSignature.isEmpty()) {
            throw new VerificationException(path + " (tree size " + c.size() + ") carries no signature by the log key "
                    + keys.log() + "; it is signed by " + note.signatures().stream().map(Note.Signature::name).toList());
        }
        if (!keys.log().verify(note.textBytes(), logSignature.get().signature())) {
            throw new VerificationException(path + " (tree size " + c.size() + "): the log's signature does not verify with "
                    + keys.log() + "; the note was forged or altered");
        }
        List<VerifierKey> cosigners = new ArrayList<>();
        for (VerifierKey w : keys.witnesses()) {
            Optional<Note.Signature> s = signature(note, w);
            if (s.isEmpty()) continue;
            if (!w.verify(note.textBytes(), s.get().signature())) {
                throw new VerificationException(path + " (tree size " + c.size() + "): the cosignature of witness " + w.name()
                        + " does not verify with its key " + w + "; it was forged, or the note was altered after cosigning");
            }
            cosigners.add(w);
        }
        return cosigners;
    }

    private static Optional<Note.Signature> signature(Note note, VerifierKey k) {
        return note.signatures().stream().filter(s -> s.name().equals(k.name()) && s.keyId() == k.keyId()).findFirst();
    }
    /** The published checkpoint MUST be one of the history's notes, normally the newest. */
    private static void compareChecked(Vault vault, List<Checkpoint> history, List<String> notes, List<String> findings)
            throws VerificationException {
        Optional<byte[]> published = vault.checkpoint();
        Checkpoint newest = history.getLast();
        if (published.isEmpty()) {
            findings.add("the vault's published " + VaultPaths.CHECKPOINT + " is missing although the history reaches tree size "
                    + newest.size() + ": tlog-tiles clients see no log (an interrupted first publication, or it was deleted)");
            return;
        }
        byte[] bytes = published.get();
        for (int i = notes.size() - 1; i >= 0; i--) {
            if (Arrays.equals(notes.get(i).getBytes(StandardCharsets.UTF_8), bytes)) {
                if (i != notes.size() - 1) {
                    findings.add("ROLLBACK: the vault's published " + VaultPaths.CHECKPOINT + " is the one of tree size "
                            + history.get(i).size() + ", older than the newest in its history (" + newest.size() + "): it was"
                            + " rolled back, or the shipper stopped between writing " + VaultPaths.history(newest.size())
                            + " and publishing it. Recovery uses the history");
                }
                return;
            }
        }
        String what;
        try {
            Checkpoint c = Checkpoint.of(Note.parse(bytes));
            what = "a checkpoint of tree size " + c.size() + " with root " + c.rootHash()
                    + (c.size() == newest.size() ? ", while the history's of that size has root " + newest.rootHash() : "")
                    + ", which is not in the history";
        } catch (IllegalArgumentException e) {
            what = "no checkpoint note (" + e.getMessage() + ")";
        }
        throw new VerificationException("TAMPERED: the vault's published " + VaultPaths.CHECKPOINT + " holds " + what
                + "; every published checkpoint is written to " + VaultPaths.HISTORY + " first, so this one did not come"
                + " from the shipper. Keep the vault as evidence");
    }
}
