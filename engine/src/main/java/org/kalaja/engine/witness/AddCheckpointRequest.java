package org.kalaja.engine.witness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;

/**
 * The body of a c2sp.org/tlog-witness {@code add-checkpoint} request:
 *
 * <pre>
 *   old &lt;size, decimal, no leading zeros&gt;\n
 *   &lt;base64 of a 32-byte hash&gt;\n        (0 to 63 consistency proof lines)
 *   \n
 *   &lt;signed checkpoint note&gt;
 * </pre>
 *
 * <p>Invariants: the old size is not negative, the proof has at most {@link #MAX_PROOF} hashes, the
 * note's text is a checkpoint. {@code parse(b).format()} is {@code b}: parsing is strict (canonical
 * decimal and canonical padded base64 only).
 */
record AddCheckpointRequest(long oldSize, List<Hash> proof, Note note, Checkpoint checkpoint) {
    /** The spec forbids a client to send more proof lines than this. */
    static final int MAX_PROOF = 63;
    /** The largest body {@link #parse} accepts: a note at its limit and a full proof. */
    static final int MAX_SIZE = Note.MAX_SIZE + 4 + 20 + (MAX_PROOF + 1) * 45;

    AddCheckpointRequest {
        if (oldSize < 0) {
            throw new IllegalArgumentException("old size must not be negative: " + oldSize);
        }
        if (proof.size() > MAX_PROOF) {
            throw new IllegalArgumentException("a consistency proof has at most " + MAX_PROOF + " hashes, got "
                    + proof.size());
        }
        proof = List.copyOf(proof);
    }

    /** A request for {@code note}, whose text MUST be a checkpoint. */
    static AddCheckpointRequest of(long oldSize, List<Hash> proof, Note note) {
        return new AddCheckpointRequest(oldSize, proof, note, Checkpoint.of(note));
    }

    /** The request body. */
    byte[] format() {
        StringBuilder b = new StringBuilder(64 + 45 * proof.size());
        b.append("old ").append(oldSize).append('\n');
        for (Hash h : proof) {
            b.append(h.base64()).append('\n');
        }
        b.append('\n').append(note.format());
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a request body.
     *
     * @throws IllegalArgumentException saying which line is wrong: a missing or non-canonical old
     *     size line, a proof line that is not canonical base64 of 32 bytes, more than 63 of them, no
     *     empty line, or a checkpoint note that does not parse
     */
    static AddCheckpointRequest parse(byte[] body) {
        if (body.length > MAX_SIZE) {
            throw new IllegalArgumentException("request body is " + body.length + " bytes; the limit is " + MAX_SIZE);
        }
        int end = indexOf(body, 0);
        if (end < 0) {
            throw new IllegalArgumentException("the body has no complete first line \"old <size>\"");
        }
        String first = ascii(body, 0, end);
        if (!first.startsWith("old ")) {
            throw new IllegalArgumentException("the first line must be \"old <size>\", got " + quote(first));
        }
        long old = parseDecimal(first.substring(4), "old size");
        List<Hash> proof = new ArrayList<>();
        int p = end + 1;
        while (true) {
            int nl = indexOf(body, p);
            if (nl < 0) {
                throw new IllegalArgumentException("no empty line separates the proof from the checkpoint");
            }
            if (nl == p) {
                p = nl + 1;
                break;
            }
            if (proof.size() == MAX_PROOF) {
                throw new IllegalArgumentException("more than " + MAX_PROOF + " consistency proof lines");
            }
            proof.add(parseHash(ascii(body, p, nl), proof.size() + 1));
            p = nl + 1;
        }
        Note note = Note.parse(Arrays.copyOfRange(body, p, body.length));
        return new AddCheckpointRequest(old, proof, note, Checkpoint.of(note));
    }

    /** A tree size as the protocol writes it: ASCII decimal, no sign, no leading zeros, at most 2^63 - 1. */
    static long parseDecimal(String s, String what) {
        boolean digits = !s.isEmpty() && s.length() <= 19 && s.chars().allMatch(c -> c >= '0' && c <= '9');
        if (!digits || (s.length() > 1 && s.charAt(0) == '0')) {
            throw new IllegalArgumentException(what + " must be decimal digits without leading zeros, got " + quote(s));
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " exceeds 2^63 - 1: " + s, e);
        }
    }

    private static Hash parseHash(String line, int number) {
        Hash h;
        try {
            h = Hash.fromBase64(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("consistency proof line " + number + " is not base64 of 32 bytes: "
                    + quote(line), e);
        }
        if (!h.base64().equals(line)) {
            throw new IllegalArgumentException("consistency proof line " + number + " is not canonical padded base64: "
                    + quote(line));
        }
        return h;
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The bytes as text, each non-ASCII byte shown as U+FFFD so errors never echo raw bytes. */
    private static String ascii(byte[] b, int from, int to) {
        StringBuilder s = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            s.append(b[i] >= 0x20 && b[i] < 0x7F ? (char) b[i] : '\uFFFD');
        }
        return s.toString();
    }

    private static String quote(String s) {
        return "\"" + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "\"";
    }
}
