package org.kalaja.engine.witness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.witness.WitnessAnswer.Reason;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.NoteVerificationException;
import org.kalaja.ledger.NoteVerifier;
import org.kalaja.ledger.ProofException;
import org.kalaja.ledger.ProofVerifier;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.VerifierKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A c2sp.org/tlog-witness witness: cosigns (cosignature/v1) a log's checkpoint only if the log
 * signed it and it is consistent with the latest checkpoint of that log the witness cosigned before.
 *
 * <p>Invariants:
 * <ul>
 *   <li>For each log, the recorded checkpoint only ever grows along one tree: the witness MUST NOT
 *       cosign a smaller tree than it recorded, another root at the same size, or a larger tree
 *       without a consistency proof from the recorded one.</li>
 *   <li>Checking the old size against the recorded checkpoint and recording the new one happen under
 *       one lock per log, so two concurrent requests cannot roll the record back (the race the spec
 *       describes).</li>
 *   <li>A cosignature is returned only after the checkpoint it covers is durable on disk. If writing
 *       fails, nothing is returned but a 503, and the next request rereads the disk: the disk is the
 *       truth.</li>
 *   <li>A recorded checkpoint that does not parse or does not carry this witness's valid cosignature
 *       stops {@link #open}: a damaged state MUST NOT be mistaken for "never saw this log", which would
 *       let a rollback through.</li>
 * </ul>
 *
 * <p>Each log is known by its origin and the Ed25519 key(s) that sign its checkpoints; a key's name
 * is the log's origin, as C2SP recommends and Kalaja's logs do.
 */
public final class Witness implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Witness.class);

    private final SigningKey key;
    private final StateFiles files;
    private final Map<String, LogState> logs;

    /** One log's keys and record. The record is guarded by the instance's monitor. */
    private static final class LogState {
        final String origin;
        final List<VerifierKey> keys;
        @Nullable Note recorded;
        boolean stale;

        LogState(String origin, List<VerifierKey> keys) {
            this.origin = origin;
            this.keys = keys;
        }
    }

    private Witness(SigningKey key, StateFiles files, Map<String, LogState> logs) {
        this.key = key;
        this.files = files;
        this.logs = logs;
    }

    /**
     * Opens the witness whose state is kept in {@code dataDir} (created, mode 0700, if missing), with
     * the cosigning key in its {@value StateFiles#KEY_FILE}, created (mode 0600) on first use with the
     * name {@code keyName}, or {@code kalaja.localhost/witness/<16 hex>} when {@code keyName} is empty.
     *
     * @param logKeys the Ed25519 keys of the logs to witness; each key's name is its log's origin
     * @throws IllegalArgumentException if a log key is not an Ed25519 key, or none is given
     * @throws IllegalStateException if another witness has the directory open, the key file holds
     *     another kind of key or one with another name, or a recorded checkpoint is damaged or not
     *     cosigned by the key
     * @throws IOException if the directory cannot be read or created
     */
    public static Witness open(Path dataDir, String keyName, Collection<VerifierKey> logKeys) throws IOException {
        Map<String, List<VerifierKey>> byOrigin = byOrigin(logKeys);
        StateFiles files = StateFiles.open(dataDir, StateFiles.REAL);
        try {
            return open(files, loadOrCreateKey(files, keyName), byOrigin);
        } catch (IOException | RuntimeException e) {
            files.close();
            throw e;
        }
    }

    /**
     * Opens the witness whose state is in {@code dataDir}, cosigning with {@code key}, which MUST be
     * the key that cosigned its recorded checkpoints; see {@link #open(Path, String, Collection)}.
     */
    public static Witness open(Path dataDir, SigningKey key, Collection<VerifierKey> logKeys) throws IOException {
        return open(dataDir, key, logKeys, StateFiles.REAL);
    }

    static Witness open(Path dataDir, SigningKey key, Collection<VerifierKey> logKeys, StateFiles.Disk disk)
            throws IOException {
        if (key.type() != SignatureType.COSIGNATURE_V1) {
            throw new IllegalArgumentException("a witness cosigns with a cosignature/v1 key, not " + key.type());
        }
        Map<String, List<VerifierKey>> byOrigin = byOrigin(logKeys);
        StateFiles files = StateFiles.open(dataDir, disk);
        try {
            return open(files, key, byOrigin);
        } catch (IOException | RuntimeException e) {
            files.close();
            throw e;
        }
    }

    private static Witness open(StateFiles files, SigningKey key, Map<String, List<VerifierKey>> byOrigin)
            throws IOException {
        Map<String, LogState> logs = new LinkedHashMap<>();
        for (Map.Entry<String, List<VerifierKey>> e : byOrigin.entrySet()) {
            LogState log = new LogState(e.getKey(), e.getValue());
            log.recorded = load(files, key, log.origin);
            logs.put(log.origin, log);
        }
        return new Witness(key, files, Map.copyOf(logs));
    }

    private static Map<String, List<VerifierKey>> byOrigin(Collection<VerifierKey> logKeys) {
        if (logKeys.isEmpty()) {
            throw new IllegalArgumentException("a witness needs at least one log key to witness");
        }
        Map<String, List<VerifierKey>> byOrigin = new LinkedHashMap<>();
        for (VerifierKey k : logKeys) {
            if (k.type() != SignatureType.ED25519) {
                throw new IllegalArgumentException("log key " + k + " is a " + k.type() + " key; logs sign with Ed25519");
            }
            List<VerifierKey> same = byOrigin.computeIfAbsent(k.name(), o -> new ArrayList<>());
            if (!same.contains(k)) {
                same.add(k);
            }
        }
        byOrigin.replaceAll((origin, keys) -> List.copyOf(keys));
        return byOrigin;
    }

    private static SigningKey loadOrCreateKey(StateFiles files, String name) throws IOException {
        Path file = files.keyFile();
        if (Files.exists(file)) {
            SigningKey k = SigningKey.parse(Files.readString(file, StandardCharsets.UTF_8).strip());
            if (k.type() != SignatureType.COSIGNATURE_V1) {
                throw new IllegalStateException(file + " holds a " + k.type() + " key, not a witness's cosignature/v1 key");
            }
            if (!name.isEmpty() && !name.equals(k.name())) {
                throw new IllegalStateException("the witness key in " + file + " is named '" + k.name() + "', not '"
                        + name + "'; a witness's name is part of its key and never changes");
            }
            return k;
        }
        String n = name.isEmpty()
                ? "kalaja.localhost/witness/" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8)) : name;
        SigningKey k = SigningKey.generate(n, SignatureType.COSIGNATURE_V1);
        files.create(file, (k.format() + "\n").getBytes(StandardCharsets.UTF_8));
        return k;
    }

    /** The witness's cosigner key, the vkey logs and their clients trust. */
    public VerifierKey verifierKey() {
        return key.verifierKey();
    }

    /** The origins of the logs this witness knows. */
    public Set<String> origins() {
        return logs.keySet();
    }

    /**
     * The latest checkpoint of {@code origin} this witness cosigned, with the log's signature(s) it
     * verified and its own cosignature (the monitoring view of the spec); empty if none.
     */
    public Optional<Note> latest(String origin) {
        LogState log = logs.get(origin);
        if (log == null) {
            return Optional.empty();
        }
        synchronized (log) {
            return Optional.ofNullable(log.recorded);
        }
    }

    /**
     * Handles one {@code add-checkpoint} request body and answers as c2sp.org/tlog-witness requires.
     * Never throws for any input.
     */
    public WitnessAnswer addCheckpoint(byte[] body) {
        AddCheckpointRequest req;
        try {
            req = AddCheckpointRequest.parse(body);
        } catch (IllegalArgumentException e) {
            return new WitnessAnswer.Refused(Reason.MALFORMED, "malformed add-checkpoint request: " + e.getMessage());
        }
        Checkpoint cp = req.checkpoint();
        LogState log = logs.get(cp.origin());
        if (log == null) {
            return new WitnessAnswer.Refused(Reason.UNKNOWN_ORIGIN, "this witness does not witness the log \""
                    + cp.origin() + "\"");
        }
        List<NoteVerifier> signers;
        try {
            signers = req.note().verify(log.keys);
        } catch (NoteVerificationException e) {
            return new WitnessAnswer.Refused(Reason.BAD_SIGNATURE, e.getMessage());
        }
        if (req.oldSize() > cp.size()) {
            LOG.warn("refused a checkpoint of {} signed by the log: old size {} is above its size {}", cp.origin(),
                    req.oldSize(), cp.size());
            return new WitnessAnswer.Refused(Reason.OLD_SIZE_ABOVE_SIZE, "old size " + req.oldSize()
                    + " is above the checkpoint's size " + cp.size() + "; a log's tree never shrinks");
        }
        synchronized (log) {
            Note recorded;
            try {
                recorded = current(log);
            } catch (IOException | RuntimeException e) {
                LOG.error("cannot read the recorded checkpoint of {}", log.origin, e);
                return new WitnessAnswer.Refused(Reason.UNAVAILABLE, "the witness cannot read its state; retry later");
            }
            Checkpoint before = recorded == null ? null : Checkpoint.of(recorded);
            long recordedSize = before == null ? 0 : before.size();
            if (req.oldSize() != recordedSize) {
                return new WitnessAnswer.Conflict(recordedSize);
            }
            String inconsistency = inconsistency(req, before == null ? Merkle.emptyRoot() : before.rootHash());
            if (inconsistency != null) {
                return refuseInconsistent(log, req, recorded, inconsistency);
            }
            Note stored = new Note(req.note().text(), logSignatures(req.note(), signers)).withSignatures(key);
            try {
                files.writeCheckpoint(log.origin, stored.toBytes());
            } catch (IOException | RuntimeException e) {
                log.stale = true;
                LOG.error("cannot record checkpoint {} of {}; nothing was cosigned", cp.size(), log.origin, e);
                return new WitnessAnswer.Refused(Reason.UNAVAILABLE,
                        "the witness could not record the checkpoint durably, so it did not cosign it; retry later");
            }
            log.recorded = stored;
            List<Note.Signature> mine = stored.signatures().stream()
                    .filter(s -> s.name().equals(key.name()) && s.keyId() == key.keyId()).toList();
            return new WitnessAnswer.Cosigned(cp, mine);
        }
    }

    /** Why {@code req} does not extend the tree whose root at the request's old size is {@code oldRoot}, or null. */
    private static @Nullable String inconsistency(AddCheckpointRequest req, Hash oldRoot) {
        Checkpoint cp = req.checkpoint();
        if (cp.size() == 0 && !cp.rootHash().equals(Merkle.emptyRoot())) {
            return "a checkpoint of size 0 must have the empty tree's root " + Merkle.emptyRoot().base64() + ", not "
                    + cp.rootHash().base64();
        }
        if (req.oldSize() == 0 && !req.proof().isEmpty()) {
            return "from old size 0 the consistency proof must be empty; it has " + req.proof().size() + " lines";
        }
        if (req.oldSize() == cp.size() && !cp.rootHash().equals(oldRoot)) {
            return "the witness cosigned size " + cp.size() + " with root " + oldRoot.base64() + "; this checkpoint of the "
                    + "same size has root " + cp.rootHash().base64() + ": the log forked";
        }
        try {
            ProofVerifier.verifyConsistency(req.oldSize(), cp.size(), oldRoot, cp.rootHash(), req.proof());
            return null;
        } catch (ProofException e) {
            return e.getMessage();
        }
    }

    private WitnessAnswer refuseInconsistent(LogState log, AddCheckpointRequest req, @Nullable Note recorded,
                                             String why) {
        String evidence = "refused: " + why + "\n\nrecorded checkpoint:\n" + (recorded == null ? "(none)\n" : recorded.format())
                + "\nrequest:\n" + new String(req.format(), StandardCharsets.UTF_8);
        Optional<Path> file = files.saveEvidence(log.origin, evidence);
        LOG.warn("refused an inconsistent checkpoint of {} signed by the log ({}); evidence: {}", log.origin, why,
                file.map(Path::toString).orElse("not kept"));
        return new WitnessAnswer.Refused(Reason.INCONSISTENT, why);
    }

    /** The signature lines of the keys that verified; other lines are not the witness's to keep. */
    private static List<Note.Signature> logSignatures(Note note, List<NoteVerifier> signers) {
        return note.signatures().stream()
                .filter(s -> signers.stream().anyMatch(v -> v.name().equals(s.name()) && v.keyId() == s.keyId()))
                .toList();
    }

    private @Nullable Note current(LogState log) throws IOException {
        if (log.stale) {
            log.recorded = load(files, key, log.origin);
            log.stale = false;
        }
        return log.recorded;
    }

    private static @Nullable Note load(StateFiles files, SigningKey key, String origin) throws IOException {
        Optional<byte[]> bytes = files.readCheckpoint(origin);
        if (bytes.isEmpty()) {
            return null;
        }
        Path file = files.checkpointFile(origin);
        try {
            Note note = Note.parse(bytes.get());
            Checkpoint cp = Checkpoint.of(note);
            if (!cp.origin().equals(origin)) {
                throw new IllegalArgumentException("it is a checkpoint of \"" + cp.origin() + "\"");
            }
            note.verify(List.of(key.verifierKey()));
            return note;
        } catch (IllegalArgumentException | NoteVerificationException e) {
            throw new IllegalStateException("the recorded checkpoint of " + origin + " in " + file
                    + " is damaged or not cosigned by this witness's key " + key.verifierKey() + ": " + e.getMessage()
                    + ". The witness will not start: treating it as unknown would let the log roll back. Restore the "
                    + "file from a backup, or, knowing that this forgets what the witness saw, move it away", e);
        }
    }

    /** Releases the data directory; answers after this are undefined. */
    @Override
    public void close() throws IOException {
        files.close();
    }

    @Override
    public String toString() {
        return "Witness[" + key.verifierKey() + ", logs " + logs.keySet() + ", " + files.directory() + "]";
    }
}
