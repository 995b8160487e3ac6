package org.kalaja.portal.seal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.Names;
import org.kalaja.engine.RecordVersion;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.NoteVerificationException;
import org.kalaja.ledger.TlogProof;
import org.kalaja.ledger.VerifierKey;
import org.kalaja.portal.seal.ProofChecks.CheckFailed;
import org.kalaja.portal.seal.ProofChecks.SignedCheckpoint;
import org.kalaja.portal.seal.Verification.Check;
import org.kalaja.portal.seal.Verification.Outcome;
import org.kalaja.portal.store.Memo;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.Stored;
import org.kalaja.portal.store.Who;

/**
 * Public verification of sealed documents, for anyone, without signing in; reads only, so it works in
 * safe mode. What it establishes, in order (each a {@link Check}):
 * <ol>
 *   <li>the issuing entry: log entry {@code logIndex} is version 1 of {@code documents/<id>} and holds the
 *       signed note; the note shown is the one the engine opens from that entry's sealed body, not the
 *       current state's;</li>
 *   <li>the text: canonical {@code kalaja.document/v1} for this id and institution;</li>
 *   <li>the e-seal: the note's Ed25519 signature by the key registered in {@code seal-keys/<institution>}
 *       as of that entry (a key registered later, or a key since replaced, does not count);</li>
 *   <li>the checkpoint: the newest cosigned checkpoint verifies with the log's key (and witnesses');</li>
 *   <li>the tree: the log's leaf hash at {@code logIndex} equals SHA-256(0x00 || entry bytes), and the
 *       inclusion proof leads from it to the checkpoint's root (RFC 9162).</li>
 * </ol>
 * A document newer than the checkpoint is "genuine, proof pending", not fake. A document whose holder was
 * erased on request (its keys destroyed) is reported {@linkplain Verification#erased() erased}: its text
 * cannot be read any more, by this node or anyone. Verification needs no key from the visitor; the node
 * opens the sealed entry with its own. It does not establish
 * that the clerk was right to issue the document, nor that the paper in hand says what the note says
 * (only the pasted-text check compares texts).
 */
public final class Verifier {
    private static final String DOCUMENTS = Names.PORTAL_PREFIX + Documents.DOCUMENTS;
    private static final String SEAL_KEYS = Names.PORTAL_PREFIX + Documents.SEAL_KEYS;

    private final PortalRecords records;
    private final RecordsEngine engine;
    private final TransparencyLog log;
    private final CheckpointSource checkpoints;
    /** Seal checks by (note, key): "" when the seal verifies, else why not. */
    private final Memo<List<String>, String> seals = new Memo<>(10_000);
    /** Checkpoint checks by (note, log key, witness keys): a SignedCheckpoint or the CheckFailed. */
    private final Memo<List<?>, Object> checkpointChecks = new Memo<>(8);

    public Verifier(PortalRecords records, RecordsEngine engine, TransparencyLog log, CheckpointSource checkpoints) {
        this.records = records;
        this.engine = engine;
        this.log = log;
        this.checkpoints = checkpoints;
    }

    /** {@link #verify(Who, String)} for an unnamed caller. */
    public Verification verify(String id) {
        return verify(new Who("anonymous", "", "", "", ""), id);
    }

    /**
     * Verifies the document {@code typedId} (as typed: case, dashes and look-alikes are forgiven). Never
     * throws for a bad id or a forged document: the result says what failed. The read is audited as
     * {@code who}'s.
     */
    public Verification verify(Who who, String typedId) {
        Optional<String> canonical = Documents.normalizeId(typedId);
        if (canonical.isEmpty()) {
            return Verification.notFound(typedId.strip(), List.of(new Check("Document number", Outcome.FAILED,
                    "a document number is D followed by 16 letters and digits")));
        }
        String id = canonical.get();
        return unlessErased(id, () -> {
            Optional<Stored> stored = records.get(Documents.DOCUMENTS, id);
            if (stored.isEmpty()) {
                return Verification.notFound(id, List.of(new Check("Document number", Outcome.FAILED, "no document " + id + " was issued here")));
            }
            records.readBy(who, Documents.DOCUMENTS, id, 1);
            return verifyStored(id, stored.get(), null);
        });
    }

    /** {@code verification}'s result, or "erased" when the document's record was erased on request. */
    private static Verification unlessErased(String id, Supplier<Verification> verification) {
        try {
            return verification.get();
        } catch (PortalException e) {
            if (e.kind() != PortalException.Kind.ERASED) throw e;
            return Verification.erased(id);
        }
    }

    /**
     * Verifies a pasted signed note (the text of {@code sealed.txt}): it must be a document's canonical
     * note whose seal verifies, and its text MUST be identical to the note issued under its id.
     */
    public Verification verifyText(Who who, String pasted) {
        String text = pasted.replace("\r\n", "\n").replace('\r', '\n').strip() + "\n";
        Note note;
        DocumentNote content;
        try {
            note = Note.parse(text);
            content = DocumentNote.parse(note.text());
        } catch (IllegalArgumentException e) {
            return Verification.notFound("", List.of(new Check("Document text", Outcome.FAILED,
                    "the text is not a sealed Kalaja document: " + e.getMessage())));
        }
        Note pastedNote = note;
        return unlessErased(content.id(), () -> {
            Optional<Stored> stored = records.get(Documents.DOCUMENTS, content.id());
            if (stored.isEmpty()) {
                return Verification.notFound(content.id(), List.of(new Check("Document number", Outcome.FAILED,
                        "the text names document " + content.id() + ", which was not issued here")));
            }
            records.readBy(who, Documents.DOCUMENTS, content.id(), 1);
            return verifyStored(content.id(), stored.get(), pastedNote);
        });
    }

    private Verification verifyStored(String id, Stored current, @Nullable Note pasted) {
        List<Check> checks = new ArrayList<>();
        long index = Documents.issuedIndex(current);
        Evidence ev = new Evidence();
        ev.index = index;
        try {
            byte[] entryBytes = issuingEntry(id, index, current, ev, checks);
            sealCheck(ev, index, checks);
            if (pasted != null) checks.add(pastedCheck(pasted, ev));
            logChecks(entryBytes, index, ev, checks);
        } catch (CheckFailed f) {
            checks.add(f.check());
        }
        boolean genuine = checks.stream().noneMatch(Check::failed);
        boolean pending = checks.stream().anyMatch(c -> c.outcome() == Outcome.PENDING);
        JsonNode j = current.json();
        boolean revoked = j.path("revoked").asBoolean();
        DocumentNote c = ev.content;
        return new Verification(id, true, false, genuine, pending, revoked, revoked ? j.path("revokedReason").asText() : null,
                revoked && j.hasNonNull("revokedAt") ? Instant.parse(j.path("revokedAt").asText()) : null,
                c == null ? j.path("institution").asText() : c.institution(),
                c == null ? j.path("institutionName").asText() : c.institutionName(),
                c == null ? j.path("title").asText() : c.title(),
                c == null ? j.path("holderName").asText() : c.holder(),
                c == null ? "" : Verification.mask(c.personalNumber()), c == null ? null : c.issued(), index,
                ev.sealKey, ev.checkpointSize, ev.root, ev.cosigners, ev.signers, ev.proof, ev.tlogProof, checks);
    }

    /** What the checks found, for the result's fields. */
    private static final class Evidence {
        long index;
        @Nullable Note note;
        @Nullable DocumentNote content;
        String sealKey = "";
        long checkpointSize;
        String root = "";
        List<String> cosigners = List.of();
        String signers = "";
        List<String> proof = List.of();
        String tlogProof = "";
    }

    /** Reads entry {@code index}; it MUST be version 1 of this document, holding the note the state holds. */
    private byte[] issuingEntry(String id, long index, Stored current, Evidence ev, List<Check> checks) throws CheckFailed {
        String name = "Issuing entry";
        StoredEntry stored = engine.store().entry(index).orElseThrow(() -> new CheckFailed(new Check(name, Outcome.FAILED,
                "the log has no entry " + index)));
        Entry e;
        try {
            e = EntryCodec.decode(stored.data());
        } catch (IllegalArgumentException ex) {
            throw new CheckFailed(new Check(name, Outcome.FAILED, "entry " + index + " cannot be read: " + ex.getMessage()));
        }
        if (e.kind() != EntryKind.RECORD_PUT || !e.collection().equals(DOCUMENTS)
                || !e.key().equals(id) || e.recordVersion() != 1) {
            throw new CheckFailed(new Check(name, Outcome.FAILED, "entry " + index + " is " + e.kind() + " of " + e.collection() + "/"
                    + e.key() + " version " + e.recordVersion() + ", not the issue of document " + id));
        }
        String noteText = issuedNote(id, index, name);
        if (!noteText.equals(current.json().path("note").asText())) {
            throw new CheckFailed(new Check(name, Outcome.FAILED, "the document's current record holds a text different from the one"
                    + " issued in entry " + index + ": it was altered outside the portal"));
        }
        try {
            ev.note = Note.parse(noteText);
            ev.content = DocumentNote.parse(ev.note.text());
        } catch (IllegalArgumentException ex) {
            throw new CheckFailed(new Check("Document text", Outcome.FAILED, "the issued text is not a canonical document: " + ex.getMessage()));
        }
        checks.add(new Check(name, Outcome.PASSED, "issued in log entry " + index + " by " + e.actor() + " at " + e.time()));
        if (!ev.content.id().equals(id) || !ev.content.institution().equals(current.json().path("institution").asText())) {
            throw new CheckFailed(new Check("Document text", Outcome.FAILED, "the text names document " + ev.content.id()
                    + " of " + ev.content.institution() + ", not this one"));
        }
        checks.add(new Check("Document text", Outcome.PASSED, "canonical " + DocumentNote.HEADER + " text for " + id));
        return stored.data();
    }

    /**
     * The note in the body of entry {@code index}, version 1 of document {@code id}: the engine opens it
     * (sealed, perhaps in a blob) from that very entry, whose bytes the log's leaf hash covers.
     *
     * @throws PortalException ERASED when the key that sealed it was destroyed
     */
    private String issuedNote(String id, long index, String name) throws CheckFailed {
        try {
            Optional<RecordVersion> v = engine.getAt(DOCUMENTS, id, index);
            if (v.isEmpty() || v.get().index() != index) {
                throw new CheckFailed(new Check(name, Outcome.FAILED, "entry " + index + " is not a version of document " + id
                        + " that the log's history of the record reaches"));
            }
            return PortalRecords.JSON.readTree(v.get().json()).path("note").asText();
        } catch (EngineException x) {
            if (x.problem() == EngineException.Problem.ERASED) throw new PortalException(PortalException.Kind.ERASED, x.getMessage(), x);
            throw new CheckFailed(new Check(name, Outcome.FAILED, "entry " + index + " cannot be read: " + x.getMessage()));
        } catch (IOException x) {
            throw new CheckFailed(new Check(name, Outcome.FAILED, "entry " + index + " cannot be read: " + x.getMessage()));
        }
    }

    /** The seal MUST verify with the key the institution had registered as of the issuing entry. */
    private void sealCheck(Evidence ev, long index, List<Check> checks) throws CheckFailed {
        DocumentNote content = java.util.Objects.requireNonNull(ev.content);
        String name = "Institution e-seal";
        Optional<RecordVersion> reg = engine.getAt(SEAL_KEYS, content.institution(), index);
        if (reg.isEmpty()) {
            throw new CheckFailed(new Check(name, Outcome.FAILED, content.institution() + " had no seal key registered before entry " + index));
        }
        VerifierKey key;
        try {
            key = VerifierKey.parse(PortalRecords.JSON.readTree(reg.get().json()).path("vkey").asText());
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckFailed(new Check(name, Outcome.FAILED, "the registered seal key (entry " + reg.get().index() + ") is malformed"));
        }
        ev.sealKey = key.format();
        Note note = java.util.Objects.requireNonNull(ev.note);
        String refused = seals.get(List.of(note.format(), key.format()), k -> {
            try {
                note.verify(List.of(key));
                return "";
            } catch (NoteVerificationException e) {
                return e.getMessage() == null ? "the signature does not verify" : e.getMessage();
            }
        });
        if (!refused.isEmpty()) {
            throw new CheckFailed(new Check(name, Outcome.FAILED, "not sealed by " + key.name() + ", the key registered for "
                    + content.institution() + " in entry " + reg.get().index() + ": " + refused));
        }
        checks.add(new Check(name, Outcome.PASSED, "Ed25519 seal by " + key + ", registered in log entry " + reg.get().index()));
    }

    private static Check pastedCheck(Note pasted, Evidence ev) {
        Note issued = java.util.Objects.requireNonNull(ev.note);
        if (!pasted.text().equals(issued.text())) {
            return new Check("Pasted text", Outcome.FAILED, "the pasted text differs from the document issued under this number");
        }
        try {
            pasted.verify(List.of(VerifierKey.parse(ev.sealKey)));
        } catch (NoteVerificationException e) {
            return new Check("Pasted text", Outcome.FAILED, "the pasted seal does not verify: " + e.getMessage());
        }
        return new Check("Pasted text", Outcome.PASSED, "identical to the issued document, and its seal verifies");
    }

    /**
     * The checkpoint note checked against the log's and the witnesses' keys, remembered: every verification
     * until the next checkpoint checks the same note.
     */
    private SignedCheckpoint checkedCheckpoint(String note) throws CheckFailed {
        String logKey = checkpoints.logKey();
        List<String> witnessKeys = checkpoints.witnessKeys();
        Object result = checkpointChecks.get(List.of(note, logKey, witnessKeys), k -> {
            try {
                return ProofChecks.checkpoint(note, logKey, witnessKeys);
            } catch (CheckFailed f) {
                return f;
            }
        });
        if (result instanceof CheckFailed f) throw f;
        return (SignedCheckpoint) result;
    }

    /** Checkpoint signatures, then the leaf and the inclusion proof, or PENDING when the checkpoint is older. */
    private void logChecks(byte[] entry, long index, Evidence ev, List<Check> checks) throws CheckFailed {
        Optional<String> signed = checkpoints.cosignedCheckpoint();
        if (signed.isEmpty()) {
            checks.add(new Check("Inclusion proof", Outcome.PENDING, "recorded; proof available within a minute (no checkpoint yet)"));
            return;
        }
        SignedCheckpoint cp = checkedCheckpoint(signed.get());
        checks.add(cp.check());
        ev.checkpointSize = cp.checkpoint().size();
        ev.root = cp.checkpoint().rootHash().base64();
        ev.cosigners = cp.cosigners();
        ev.signers = cp.signers();
        if (index >= cp.checkpoint().size()) {
            checks.add(new Check("Inclusion proof", Outcome.PENDING, "recorded in entry " + index + "; proof available within a minute"
                    + " (the newest cosigned checkpoint covers " + cp.checkpoint().size() + " entries)"));
            return;
        }
        List<Hash> proof;
        Hash logLeaf;
        try {
            logLeaf = log.leafHash(index);
            proof = log.inclusionProof(index, cp.checkpoint().size());
        } catch (RuntimeException e) {
            throw new CheckFailed(new Check("Inclusion proof", Outcome.FAILED, "the log could not prove entry " + index + ": " + e.getMessage()));
        }
        checks.add(ProofChecks.leaf(entry, index, logLeaf));
        Check inclusion = ProofChecks.inclusion(entry, index, cp.checkpoint(), proof);
        checks.add(inclusion);
        if (inclusion.passed()) {
            ev.proof = proof.stream().map(Hash::base64).toList();
            ev.tlogProof = new TlogProof(new byte[0], index, proof, cp.note()).format();
        }
    }
}
