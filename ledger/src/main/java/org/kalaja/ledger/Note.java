package org.kalaja.ledger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A signed note, c2sp.org/signed-note: a text ending in a newline, a blank line, and one or more
 * signature lines
 *
 * <pre>  — &lt;key name&gt; &lt;base64(4-byte big-endian key ID || signature)&gt;\n</pre>
 *
 * (U+2014 em dash, space, name, space, base64). The whole note is UTF-8 with no control character
 * but newline. The text may contain empty lines; the last blank line of a note separates text and
 * signatures.
 *
 * <p>Parsing is strict and canonical ({@code parse(b).format()} is {@code b}): at most
 * {@link #MAX_SIZE} bytes and {@link #MAX_SIGNATURES} signatures, canonical padded base64, valid key
 * names, at least one byte of signature after the key ID. Every parse failure is an {@link
 * IllegalArgumentException}. Parsing does not verify: call {@link #verify}.
 */
public final class Note {
    /** The largest note {@link #parse} accepts, in bytes. */
    public static final int MAX_SIZE = 1 << 20;
    /** The most signature lines {@link #parse} accepts (the spec asks for at least 16). */
    public static final int MAX_SIGNATURES = 100;

    private static final String SIG_PREFIX = "\u2014 ";

    /** One signature line: key name, key ID and the signature bytes after the key ID. */
    public record Signature(String name, int keyId, byte[] signature) {
        public Signature {
            KeyNames.check(Objects.requireNonNull(name, "name"));
            if (signature.length == 0) {
                throw new IllegalArgumentException("a signature needs at least one byte after the key ID");
            }
            signature = signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        /** The line, with its final newline. */
        public String line() {
            byte[] b = new byte[4 + signature.length];
            b[0] = (byte) (keyId >>> 24);
            b[1] = (byte) (keyId >>> 16);
            b[2] = (byte) (keyId >>> 8);
            b[3] = (byte) keyId;
            System.arraycopy(signature, 0, b, 4, signature.length);
            return SIG_PREFIX + name + " " + StrictBase64.encode(b) + "\n";
        }

        boolean sameKey(String otherName, int otherId) {
            return keyId == otherId && name.equals(otherName);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Signature s && s.keyId == keyId && s.name.equals(name)
                    && Arrays.equals(s.signature, signature);
        }

        @Override
        public int hashCode() {
            return (name.hashCode() * 31 + keyId) * 31 + Arrays.hashCode(signature);
        }

        @Override
        public String toString() {
            return name + "+" + KeyNames.hex(keyId);
        }
    }

    private final String text;
    private final byte[] textBytes;
    private final List<Signature> signatures;

    /**
     * A note from its parts.
     *
     * @throws IllegalArgumentException if the text does not end in a newline, holds a control
     *     character other than newline or a lone surrogate, or there are no signatures
     */
    public Note(String text, List<Signature> signatures) {
        checkText(Objects.requireNonNull(text, "text"));
        if (signatures.isEmpty()) {
            throw new IllegalArgumentException("a signed note needs at least one signature");
        }
        this.text = text;
        this.textBytes = text.getBytes(StandardCharsets.UTF_8);
        this.signatures = List.copyOf(signatures);
    }

    /**
     * Signs {@code text} with each signer in turn.
     *
     * @throws IllegalArgumentException if the text is not a valid note text, no signer is given, or
     *     two signers share a name and key ID
     */
    public static Note sign(String text, NoteSigner... signers) {
        checkText(text);
        if (signers.length == 0) {
            throw new IllegalArgumentException("sign with at least one signer");
        }
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        List<Signature> sigs = new ArrayList<>();
        for (NoteSigner s : signers) {
            for (Signature existing : sigs) {
                if (existing.sameKey(s.name(), s.keyId())) {
                    throw new IllegalArgumentException("two signers are both " + existing);
                }
            }
            sigs.add(new Signature(s.name(), s.keyId(), s.sign(t)));
        }
        return new Note(text, sigs);
    }

    /**
     * This note with more signatures over the same text; a new signature replaces an existing one by
     * the same key (name and key ID), others stay in place.
     */
    public Note withSignatures(NoteSigner... signers) {
        Note n = this;
        for (NoteSigner s : signers) {
            n = n.withSignature(new Signature(s.name(), s.keyId(), s.sign(textBytes)));
        }
        return n;
    }

    /** This note with {@code signature} added, replacing one by the same key. */
    public Note withSignature(Signature signature) {
        List<Signature> sigs = new ArrayList<>(signatures.size() + 1);
        for (Signature s : signatures) {
            if (!s.sameKey(signature.name(), signature.keyId())) {
                sigs.add(s);
            }
        }
        sigs.add(signature);
        return new Note(text, sigs);
    }

    /** The text, including its final newline. */
    public String text() {
        return text;
    }

    /** The UTF-8 bytes of the text: what every signature signs. */
    public byte[] textBytes() {
        return textBytes.clone();
    }

    public List<Signature> signatures() {
        return signatures;
    }

    /** The signed note as text. */
    public String format() {
        StringBuilder b = new StringBuilder(text.length() + 1 + 120 * signatures.size());
        b.append(text).append('\n');
        for (Signature s : signatures) {
            b.append(s.line());
        }
        return b.toString();
    }

    /** The signed note as UTF-8 bytes. */
    public byte[] toBytes() {
        return format().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Verifies this note against trusted keys, as c2sp.org/signed-note requires: signature lines
     * whose name and key ID match no known key are ignored; every line that matches a known key MUST
     * verify; at least one MUST.
     *
     * @return the known keys whose signatures verified, in the order of their first signature line
     * @throws NoteVerificationException if a signature by a known key fails, or none is present
     * @throws IllegalArgumentException if two known keys share a name and key ID (ambiguous)
     */
    public List<NoteVerifier> verify(Collection<? extends NoteVerifier> known) throws NoteVerificationException {
        Map<String, NoteVerifier> byKey = new HashMap<>();
        for (NoteVerifier v : known) {
            NoteVerifier prev = byKey.putIfAbsent(v.name() + "+" + KeyNames.hex(v.keyId()), v);
            if (prev != null && !prev.equals(v)) {
                throw new IllegalArgumentException("ambiguous known keys: two are " + v.name() + "+" + KeyNames.hex(v.keyId()));
            }
        }
        LinkedHashSet<NoteVerifier> verified = new LinkedHashSet<>();
        for (Signature s : signatures) {
            NoteVerifier v = byKey.get(s.name() + "+" + KeyNames.hex(s.keyId()));
            if (v == null) {
                continue;
            }
            if (!v.verify(textBytes, s.signature)) {
                throw new NoteVerificationException("invalid signature by known key " + s + " on note "
                        + KeyNames.quote(firstLine()));
            }
            verified.add(v);
        }
        if (verified.isEmpty()) {
            throw new NoteVerificationException("note " + KeyNames.quote(firstLine())
                    + " has no signature by a known key; it is signed by " + signatures + ", known keys are "
                    + byKey.keySet());
        }
        return List.copyOf(verified);
    }

    private String firstLine() {
        return text.substring(0, text.indexOf('\n'));
    }

    /** Parses a signed note from UTF-8 text; see the class comment for what is refused. */
    public static Note parse(String note) {
        if (Utf8.encodedLength(note) < 0) {
            throw new IllegalArgumentException("note holds a lone surrogate");
        }
        return parse(note.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses a signed note; see the class comment for what is refused.
     *
     * @throws IllegalArgumentException saying what is wrong and, where it helps, at which byte
     */
    public static Note parse(byte[] note) {
        if (note.length > MAX_SIZE) {
            throw new IllegalArgumentException("note is " + note.length + " bytes; the limit is " + MAX_SIZE);
        }
        int bad = Utf8.firstInvalid(note, 0, note.length);
        if (bad >= 0) {
            throw new IllegalArgumentException("note is not valid UTF-8 at byte " + bad);
        }
        for (int i = 0; i < note.length; i++) {
            if ((note[i] & 0xFF) < 0x20 && note[i] != '\n') {
                throw new IllegalArgumentException(String.format("note holds control character 0x%02x at byte %d",
                        note[i], i));
            }
        }
        String s = new String(note, StandardCharsets.UTF_8);
        int split = s.lastIndexOf("\n\n");
        if (split < 0) {
            throw new IllegalArgumentException("note has no blank line before its signatures");
        }
        String text = s.substring(0, split + 1);
        String sigs = s.substring(split + 2);
        if (sigs.isEmpty()) {
            throw new IllegalArgumentException("note has no signature lines");
        }
        if (!sigs.endsWith("\n")) {
            throw new IllegalArgumentException("note does not end with a newline");
        }
        List<Signature> list = new ArrayList<>();
        int p = 0;
        while (p < sigs.length()) {
            int nl = sigs.indexOf('\n', p);
            String line = sigs.substring(p, nl);
            p = nl + 1;
            if (list.size() == MAX_SIGNATURES) {
                throw new IllegalArgumentException("note has more than " + MAX_SIGNATURES + " signatures");
            }
            list.add(parseSignatureLine(line, list.size() + 1));
        }
        return new Note(text, list);
    }

    private static Signature parseSignatureLine(String line, int number) {
        if (!line.startsWith(SIG_PREFIX)) {
            throw new IllegalArgumentException("signature line " + number + " does not start with \"\u2014 \": "
                    + KeyNames.quote(line));
        }
        int sp = line.indexOf(' ', SIG_PREFIX.length());
        if (sp < 0) {
            throw new IllegalArgumentException("signature line " + number + " has no space between name and signature");
        }
        String name = line.substring(SIG_PREFIX.length(), sp);
        if (!KeyNames.isValid(name)) {
            KeyNames.check(name); // throws with the reason
        }
        byte[] b = StrictBase64.decode(line.substring(sp + 1), "signature " + number);
        if (b.length < 5) {
            throw new IllegalArgumentException("signature " + number + " is " + b.length
                    + " bytes; it needs a 4-byte key ID and at least one byte of signature");
        }
        int id = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        return new Signature(name, id, Arrays.copyOfRange(b, 4, b.length));
    }

    static void checkText(String text) {
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("a note text must end with a newline");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new IllegalArgumentException(String.format(
                        "a note text must not hold control character U+%04X (at position %d)", (int) c, i));
            }
        }
        if (Utf8.encodedLength(text) < 0) {
            throw new IllegalArgumentException("a note text must not hold a lone surrogate");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Note n && n.text.equals(text) && n.signatures.equals(signatures);
    }

    @Override
    public int hashCode() {
        return text.hashCode() * 31 + signatures.hashCode();
    }

    @Override
    public String toString() {
        return format();
    }
}
