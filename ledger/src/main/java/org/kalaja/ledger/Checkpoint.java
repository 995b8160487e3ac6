package org.kalaja.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A log checkpoint, c2sp.org/tlog-checkpoint: the note text
 *
 * <pre>
 *   &lt;origin&gt;\n
 *   &lt;tree size, decimal, no leading zeros&gt;\n
 *   &lt;root hash, base64 of 32 bytes&gt;\n
 *   [&lt;extension line&gt;\n ...]
 * </pre>
 *
 * A signed checkpoint is a {@link Note} whose text is {@link #body()}; the log signs it with an
 * {@link SignatureType#ED25519} key, witnesses add {@link Cosignature}s.
 *
 * <p>Invariants: the origin and every extension line are non-empty and hold no newline, other
 * control character or lone surrogate; the size is not negative (Kalaja's sizes are Java longs, so
 * sizes above 2^63 - 1 are refused).
 */
public record Checkpoint(String origin, long size, Hash rootHash, List<String> extensions) {
    public Checkpoint {
        checkLine("origin", Objects.requireNonNull(origin, "origin"));
        Objects.requireNonNull(rootHash, "rootHash");
        if (size < 0) {
            throw new IllegalArgumentException("tree size must not be negative: " + size);
        }
        extensions = List.copyOf(extensions);
        for (String e : extensions) {
            checkLine("extension line", e);
        }
    }

    /** A checkpoint without extension lines. */
    public Checkpoint(String origin, long size, Hash rootHash) {
        this(origin, size, rootHash, List.of());
    }

    /** The note text. */
    public String body() {
        StringBuilder b = new StringBuilder(origin.length() + 70);
        b.append(origin).append('\n').append(size).append('\n').append(rootHash.base64()).append('\n');
        for (String e : extensions) {
            b.append(e).append('\n');
        }
        return b.toString();
    }

    /**
     * Parses a checkpoint note text.
     *
     * @throws IllegalArgumentException if the text has fewer than three lines or does not end in a
     *     newline, has an empty origin or an empty line, a size that is not canonical decimal (no
     *     sign, no leading zeros) or exceeds 2^63 - 1, or a root hash that is not canonical padded
     *     base64 of 32 bytes
     */
    public static Checkpoint parse(String body) {
        if (!body.endsWith("\n")) {
            throw new IllegalArgumentException("a checkpoint body must end with a newline");
        }
        List<String> lines = new ArrayList<>();
        int p = 0;
        while (p < body.length()) {
            int nl = body.indexOf('\n', p);
            lines.add(body.substring(p, nl));
            p = nl + 1;
        }
        if (lines.size() < 3) {
            throw new IllegalArgumentException("a checkpoint has at least 3 lines (origin, size, root hash), got "
                    + lines.size());
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isEmpty()) {
                throw new IllegalArgumentException("checkpoint line " + (i + 1) + " is empty");
            }
        }
        long size = parseDecimal(lines.get(1), "tree size");
        byte[] root = StrictBase64.decode(lines.get(2), "checkpoint root hash");
        if (root.length != Hash.SIZE) {
            throw new IllegalArgumentException("checkpoint root hash is " + root.length + " bytes, not 32");
        }
        return new Checkpoint(lines.get(0), size, Hash.of(root), lines.subList(3, lines.size()));
    }

    /** The checkpoint in a signed note. */
    public static Checkpoint of(Note note) {
        return parse(note.text());
    }

    /** Signs {@link #body()} (the log's key, normally). */
    public Note sign(NoteSigner... signers) {
        return Note.sign(body(), signers);
    }

    /** Parses a canonical ASCII decimal in [0, 2^63 - 1]. */
    static long parseDecimal(String s, String what) {
        if (s.isEmpty() || s.length() > 19) {
            throw new IllegalArgumentException(what + " must be 1 to 19 decimal digits, got " + KeyNames.quote(s));
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException(what + " must be decimal digits, got " + KeyNames.quote(s));
            }
        }
        if (s.length() > 1 && s.charAt(0) == '0') {
            throw new IllegalArgumentException(what + " must not have leading zeros, got " + KeyNames.quote(s));
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " exceeds 2^63 - 1: " + s, e);
        }
    }

    private static void checkLine(String what, String line) {
        if (line.isEmpty()) {
            throw new IllegalArgumentException("checkpoint " + what + " must not be empty");
        }
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) < 0x20) {
                throw new IllegalArgumentException(String.format(
                        "checkpoint %s must not hold control character U+%04X", what, (int) line.charAt(i)));
            }
        }
        if (Utf8.encodedLength(line) < 0) {
            throw new IllegalArgumentException("checkpoint " + what + " holds a lone surrogate");
        }
    }
}
