package org.kalaja.ledger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * An offline-verifiable proof that an entry is in the log, c2sp.org/tlog-proof (file extension
 * {@code .tlog-proof}):
 *
 * <pre>
 *   c2sp.org/tlog-proof@v1
 *   [extra &lt;base64 of opaque, unauthenticated extra data&gt;]
 *   index &lt;zero-based leaf index, decimal, no leading zeros&gt;
 *   &lt;base64 inclusion proof hash, from the leaf's sibling up to the root's child&gt;   (zero or more)
 *
 *   &lt;the signed checkpoint, verbatim, with the log's signature and witness cosignatures&gt;
 * </pre>
 *
 * Strictness: the extra line, if present, carries at least one byte (an empty one is refused, and
 * {@link #extra()} is empty exactly when there is no extra line); at most 64 proof hashes; canonical
 * base64 everywhere; the checkpoint must parse as a {@link Note} and its text as a {@link Checkpoint}.
 * Every parse failure is an {@link IllegalArgumentException}; parsing does not verify.
 */
public final class TlogProof {
    /** The first line of every proof. */
    public static final String HEADER = "c2sp.org/tlog-proof@v1";
    /** The largest proof {@link #parse} accepts, in bytes. */
    public static final int MAX_SIZE = Note.MAX_SIZE + 8192;
    /** The longest inclusion proof a tree of at most 2^64 leaves has. */
    public static final int MAX_PROOF_HASHES = 64;

    private final byte[] extra;
    private final long index;
    private final List<Hash> inclusionProof;
    private final Note checkpoint;
    private final Checkpoint parsedCheckpoint;

    /**
     * A proof from its parts.
     *
     * @param extra opaque extra data, empty for none
     * @throws IllegalArgumentException if the index is negative, the proof is longer than 64 hashes,
     *     or the note text is not a checkpoint
     */
    public TlogProof(byte[] extra, long index, List<Hash> inclusionProof, Note checkpoint) {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative: " + index);
        }
        if (inclusionProof.size() > MAX_PROOF_HASHES) {
            throw new IllegalArgumentException("an inclusion proof has at most " + MAX_PROOF_HASHES + " hashes, got "
                    + inclusionProof.size());
        }
        this.extra = extra.clone();
        this.index = index;
        this.inclusionProof = List.copyOf(inclusionProof);
        this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
        this.parsedCheckpoint = Checkpoint.of(checkpoint);
    }

    /** A copy of the extra data; empty when there is none. Not authenticated: do not trust it. */
    public byte[] extra() {
        return extra.clone();
    }

    public long index() {
        return index;
    }

    public List<Hash> inclusionProof() {
        return inclusionProof;
    }

    /** The signed checkpoint, with all its signature lines. */
    public Note checkpoint() {
        return checkpoint;
    }

    /** The text of the proof file. */
    public String format() {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        if (extra.length > 0) {
            b.append("extra ").append(StrictBase64.encode(extra)).append('\n');
        }
        b.append("index ").append(index).append('\n');
        for (Hash h : inclusionProof) {
            b.append(h.base64()).append('\n');
        }
        return b.append('\n').append(checkpoint.format()).toString();
    }

    /** Parses a proof file; see {@link #parse(String)}. */
    public static TlogProof parse(byte[] file) {
        if (file.length > MAX_SIZE) {
            throw new IllegalArgumentException("tlog-proof is " + file.length + " bytes; the limit is " + MAX_SIZE);
        }
        int bad = Utf8.firstInvalid(file, 0, file.length);
        if (bad >= 0) {
            throw new IllegalArgumentException("tlog-proof is not valid UTF-8 at byte " + bad);
        }
        return parse(new String(file, StandardCharsets.UTF_8));
    }

    /**
     * Parses a proof file.
     *
     * @throws IllegalArgumentException naming the line that is wrong
     */
    public static TlogProof parse(String file) {
        if (file.length() > MAX_SIZE) {
            throw new IllegalArgumentException("tlog-proof is " + file.length() + " characters; the limit is " + MAX_SIZE);
        }
        int[] pos = {0};
        int lineNo = 1;
        String line = nextLine(file, pos, lineNo);
        if (!line.equals(HEADER)) {
            throw new IllegalArgumentException("tlog-proof line 1 must be " + HEADER + ", got " + KeyNames.quote(line));
        }
        byte[] extra = new byte[0];
        line = nextLine(file, pos, ++lineNo);
        if (line.startsWith("extra ")) {
            extra = StrictBase64.decode(line.substring(6), "tlog-proof extra data (line " + lineNo + ")");
            if (extra.length == 0) {
                throw new IllegalArgumentException("tlog-proof line " + lineNo + ": an extra line must carry data");
            }
            line = nextLine(file, pos, ++lineNo);
        }
        if (!line.startsWith("index ")) {
            throw new IllegalArgumentException("tlog-proof line " + lineNo + " must be \"index <n>\", got "
                    + KeyNames.quote(line));
        }
        long index = Checkpoint.parseDecimal(line.substring(6), "tlog-proof index");
        List<Hash> proof = new ArrayList<>();
        while (true) {
            line = nextLine(file, pos, ++lineNo);
            if (line.isEmpty()) {
                break;
            }
            if (proof.size() == MAX_PROOF_HASHES) {
                throw new IllegalArgumentException("tlog-proof has more than " + MAX_PROOF_HASHES + " proof hashes");
            }
            byte[] h = StrictBase64.decode(line, "tlog-proof hash (line " + lineNo + ")");
            if (h.length != Hash.SIZE) {
                throw new IllegalArgumentException("tlog-proof line " + lineNo + ": a hash is 32 bytes, got " + h.length);
            }
            proof.add(Hash.of(h));
        }
        Note note = Note.parse(file.substring(pos[0]));
        return new TlogProof(extra, index, proof, note);
    }

    private static String nextLine(String s, int[] pos, int lineNo) {
        int nl = s.indexOf('\n', pos[0]);
        if (nl < 0) {
            throw new IllegalArgumentException("tlog-proof ends before line " + lineNo + " is complete");
        }
        String line = s.substring(pos[0], nl);
        pos[0] = nl + 1;
        return line;
    }

    /**
     * Verifies that {@code leafHash} is at {@link #index()} in the log, following the steps of
     * c2sp.org/tlog-proof: the checkpoint's origin is {@code origin}; the checkpoint is signed by
     * {@code logKey}; every signature by a known witness verifies and at least {@code quorum} do;
     * the inclusion proof leads from the leaf to the checkpoint's root hash.
     *
     * @return the verified checkpoint
     * @throws TlogProofException saying which step failed, with its evidence
     */
    public Checkpoint verify(Hash leafHash, String origin, NoteVerifier logKey,
            Collection<? extends NoteVerifier> witnesses, int quorum) throws TlogProofException {
        if (!parsedCheckpoint.origin().equals(origin)) {
            throw new TlogProofException("checkpoint origin " + KeyNames.quote(parsedCheckpoint.origin())
                    + " is not the expected " + KeyNames.quote(origin));
        }
        List<NoteVerifier> known = new ArrayList<>(witnesses.size() + 1);
        known.add(logKey);
        known.addAll(witnesses);
        List<NoteVerifier> verified;
        try {
            verified = checkpoint.verify(known);
        } catch (NoteVerificationException e) {
            throw new TlogProofException("checkpoint " + origin + " at size " + parsedCheckpoint.size()
                    + " does not verify", e);
        }
        if (!verified.contains(logKey)) {
            throw new TlogProofException("checkpoint " + origin + " at size " + parsedCheckpoint.size()
                    + " has no signature by the log key " + logKey.name() + "+" + KeyNames.hex(logKey.keyId()));
        }
        int cosigned = 0;
        for (NoteVerifier w : witnesses) {
            if (verified.contains(w)) {
                cosigned++;
            }
        }
        if (cosigned < quorum) {
            throw new TlogProofException("checkpoint " + origin + " at size " + parsedCheckpoint.size() + " has "
                    + cosigned + " valid witness cosignatures; the policy requires " + quorum);
        }
        try {
            ProofVerifier.verifyInclusion(leafHash, index, parsedCheckpoint.size(), inclusionProof,
                    parsedCheckpoint.rootHash());
        } catch (ProofException e) {
            throw new TlogProofException("entry not proven in checkpoint " + origin + " at size "
                    + parsedCheckpoint.size(), e);
        }
        return parsedCheckpoint;
    }

    /** As {@link #verify}, for an encoded entry: the leaf hash is SHA-256(0x00 || entry). */
    public Checkpoint verifyEntry(byte[] entry, String origin, NoteVerifier logKey,
            Collection<? extends NoteVerifier> witnesses, int quorum) throws TlogProofException {
        return verify(Merkle.leafHash(entry), origin, logKey, witnesses, quorum);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlogProof p && p.index == index && java.util.Arrays.equals(p.extra, extra)
                && p.inclusionProof.equals(inclusionProof) && p.checkpoint.equals(checkpoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, inclusionProof, checkpoint) * 31 + java.util.Arrays.hashCode(extra);
    }

    @Override
    public String toString() {
        return format();
    }
}
