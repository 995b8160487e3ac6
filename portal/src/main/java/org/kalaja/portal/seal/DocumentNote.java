package org.kalaja.portal.seal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.kalaja.ledger.Note;

/**
 * The canonical text of a sealed document: the text of a C2SP signed note that the institution's
 * seal key signs. Byte layout (UTF-8, every line ending in {@code \n}, in this order):
 *
 * <pre>
 *   kalaja.document/v1
 *   id &lt;D + 16 Crockford base32&gt;
 *   institution &lt;institution id&gt; &lt;institution name&gt;
 *   title &lt;title&gt;
 *   holder &lt;holder name&gt;
 *   personal-number &lt;NID&gt;
 *   issued &lt;ISO-8601 instant, UTC, whole seconds, e.g. 2025-03-01T09:30:00Z&gt;
 *   application &lt;reference&gt;
 *   field &lt;label&gt;: &lt;value&gt;        (zero or more, in printed order)
 * </pre>
 *
 * Escaping ({@link #clean}): every value is one line: control characters (C0, DEL, C1), U+2028 and
 * U+2029 become spaces, a lone surrogate becomes U+FFFD, runs of spaces collapse into one, both ends are
 * trimmed, and an empty value is written {@code -}. In a field label every {@code :} also becomes a
 * space, so the first {@code ": "} of a field line always ends the label. The institution id matches
 * {@code [a-z0-9][a-z0-9.-]*}.
 *
 * <p>Invariants: {@code parse(n.text())} equals {@code n}; {@link #parse} accepts only canonical text
 * (a value that {@link #clean} would change is refused), so one document has exactly one text and one
 * seal. The components of a constructed note are already clean.
 */
public record DocumentNote(String id, String institution, String institutionName, String title, String holder,
        String personalNumber, Instant issued, String application, List<Field> fields) {
    /** The first line of every document note. */
    public static final String HEADER = "kalaja.document/v1";
    /** The most field lines a document may have. */
    public static final int MAX_FIELDS = 200;
    /** The largest document text, in UTF-8 bytes (well inside one log entry). */
    public static final int MAX_TEXT = 32 * 1024;

    private static final Pattern INSTITUTION = Pattern.compile("[a-z0-9][a-z0-9.-]{0,62}");

    /** One {@code field} line. */
    public record Field(String label, String value) {
        public Field {
            label = clean(label.replace(':', ' '));
            value = clean(value);
        }
    }

    public DocumentNote {
        if (!Documents.isDocumentId(id)) throw new IllegalArgumentException("not a document id: " + id);
        if (!INSTITUTION.matcher(institution).matches()) {
            throw new IllegalArgumentException("an institution id is lower-case letters, digits, '.' and '-', got " + institution);
        }
        institutionName = clean(institutionName);
        title = clean(title);
        holder = clean(holder);
        personalNumber = clean(personalNumber);
        issued = issued.truncatedTo(ChronoUnit.SECONDS);
        application = clean(application);
        fields = List.copyOf(fields);
        if (fields.size() > MAX_FIELDS) throw new IllegalArgumentException("a document has at most " + MAX_FIELDS + " fields");
    }

    /** The note text the seal signs, ending with a newline. */
    public String text() {
        StringBuilder b = new StringBuilder(512).append(HEADER).append('\n')
                .append("id ").append(id).append('\n')
                .append("institution ").append(institution).append(' ').append(institutionName).append('\n')
                .append("title ").append(title).append('\n')
                .append("holder ").append(holder).append('\n')
                .append("personal-number ").append(personalNumber).append('\n')
                .append("issued ").append(issued).append('\n')
                .append("application ").append(application).append('\n');
        for (Field f : fields) b.append("field ").append(f.label()).append(": ").append(f.value()).append('\n');
        return b.toString();
    }

    /**
     * Parses a canonical document text (a note's text, ending with a newline).
     *
     * @throws IllegalArgumentException naming the first line that is not canonical
     */
    public static DocumentNote parse(String text) {
        if (text.length() > MAX_TEXT || !text.endsWith("\n")) {
            throw new IllegalArgumentException("a document text ends with a newline and has at most " + MAX_TEXT + " characters");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 8 || !lines[0].equals(HEADER)) {
            throw new IllegalArgumentException("a document text starts with " + HEADER + " and has at least 8 lines");
        }
        String id = value(lines, 1, "id");
        String inst = value(lines, 2, "institution");
        int sp = inst.indexOf(' ');
        if (sp < 0) throw new IllegalArgumentException("line 3: institution needs an id and a name");
        Instant issued;
        String when = value(lines, 6, "issued");
        try {
            issued = Instant.parse(when);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("line 7: issued is not an ISO instant: " + when, e);
        }
        List<Field> fields = new ArrayList<>();
        for (int i = 8; i < lines.length; i++) {
            String f = value(lines, i, "field");
            int colon = f.indexOf(": ");
            if (colon < 0) throw new IllegalArgumentException("line " + (i + 1) + ": a field is \"<label>: <value>\"");
            fields.add(new Field(f.substring(0, colon), f.substring(colon + 2)));
        }
        DocumentNote n = new DocumentNote(id, inst.substring(0, sp), inst.substring(sp + 1), value(lines, 3, "title"),
                value(lines, 4, "holder"), value(lines, 5, "personal-number"), issued, value(lines, 7, "application"), fields);
        if (!n.text().equals(text)) throw new IllegalArgumentException("the document text is not in canonical form");
        return n;
    }

    /** Parses the text of a signed note ({@link Note#parse} then {@link #parse}). */
    public static DocumentNote parseSigned(String signedNote) {
        return parse(Note.parse(signedNote).text());
    }

    private static String value(String[] lines, int i, String keyword) {
        String prefix = keyword + " ";
        if (!lines[i].startsWith(prefix)) throw new IllegalArgumentException("line " + (i + 1) + " must start with \"" + prefix + "\"");
        return lines[i].substring(prefix.length());
    }

    /**
     * A value as the canonical text holds it: one line, single spaces, trimmed, {@code -} when empty.
     */
    public static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean space = true; // drops leading spaces
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean pair = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
                if (pair) {
                    b.append(c).append(s.charAt(++i));
                } else {
                    b.append('\uFFFD');
                }
                space = false;
                continue;
            }
            boolean blank = c <= 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';
            if (blank) {
                if (!space) b.append(' ');
                space = true;
            } else {
                b.append(c);
                space = false;
            }
        }
        int end = b.length();
        if (end > 0 && b.charAt(end - 1) == ' ') b.setLength(end - 1);
        return b.isEmpty() ? "-" : b.toString();
    }
}
