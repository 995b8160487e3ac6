package org.kalaja.sentinel.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How far a record's new version replaced readable content by opaque content (ciphertext, random
 * bytes): the signal of ransomware overwriting records, as {@code kalaja.change.opaque_score} and
 * {@code kalaja.change.fields_lost_pct}.
 *
 * <p>Both versions are flattened to leaf paths. With P the previous paths and N the new ones:
 * {@code lost} = |P∖N|/|P|; {@code opaqued} = the share of P's paths whose value went from a
 * readable to an opaque string; {@code share} = opaque string bytes / string bytes in N;
 * {@code opaqueScore = round(100 × (lost + opaqued) × (0.5 + 0.5 × share))} and
 * {@code fieldsLostPct = round(100 × lost)}. So encrypting a whole record or every field scores
 * about 100, while adding an encrypted attachment, replacing one opaque value by another, or a new
 * record scores 0: entropy alone never scores, only readable content turned opaque does, and a
 * version without any opaque string scores 0 however many fields it lost.
 *
 * <p>A string is opaque when it is (essentially) base64, base64url or hex that decodes to at least 32
 * bytes whose byte entropy is close to that of random bytes of that length, or when at least 20% of
 * its characters are control, private-use or replacement characters. {@link #mayBeOpaque} is the
 * cheap prefilter the write path runs first: without a long base64 or hex run (or many escaped or
 * private-use characters) nothing in a body can be opaque, and the previous version need not be read.
 *
 * <p>Stateless and thread-safe.
 */
public final class ChangeScore {
    /** Shortest base64 run that can hold 32 bytes (hex runs of 64 are base64 runs too). */
    static final int MIN_RUN = 43;
    private static final int MIN_BYTES = 32;
    private static final int MAX_SAMPLE = 64 * 1024;
    private static final boolean[] B64 = new boolean[128];
    private static final Pattern DATA_URI = Pattern.compile("^data:[^,]{0,200};base64,");

    static {
        for (char c = 'A'; c <= 'Z'; c++) B64[c] = true;
        for (char c = 'a'; c <= 'z'; c++) B64[c] = true;
        for (char c = '0'; c <= '9'; c++) B64[c] = true;
        B64['+'] = B64['/'] = B64['-'] = B64['_'] = true;
    }

    /** The scores of one change; both from 0 to 100. */
    public record Result(int opaqueScore, int fieldsLostPct) {
        public static final Result NONE = new Result(0, 0);

        /** As ECS fields, for {@link org.kalaja.sentinel.AuditEvent#with}. */
        public Map<String, Object> fields() {
            return Map.of("kalaja.change.opaque_score", (long) opaqueScore, "kalaja.change.fields_lost_pct", (long) fieldsLostPct);
        }
    }

    private ChangeScore() {}

    /**
     * One pass over the raw JSON: false when no string in {@code json} can be opaque, so the opacity
     * score is 0 whatever the previous version held.
     */
    public static boolean mayBeOpaque(byte[] json) {
        int run = 0;
        int odd = 0;
        for (int i = 0; i < json.length; i++) {
            int b = json[i] & 0xff;
            if (b < 128 && B64[b]) {
                if (++run >= MIN_RUN) return true;
                continue;
            }
            run = 0;
            // \\uXXXX escapes (control characters) and the UTF-8 lead bytes of private-use and U+FFFD.
            if ((b == '\\' && i + 1 < json.length && json[i + 1] == 'u') || b == 0xEE || b == 0xEF || b == 0xF3 || b == 0xF4) {
                if (++odd >= 8) return true;
            }
        }
        return false;
    }

    /**
     * Whether a put of {@code next} is worth the read of the previous version that {@link #score}
     * needs: when it may hold opaque strings ({@link #mayBeOpaque}), or has so few top-level fields
     * ({@value #THIN_FIELDS} or fewer) that it may be emptying a record. Most writes (a clerk editing
     * fields of a record) are neither, and cost the write path one pass over their bytes. A write that
     * replaces every field with as many plain junk fields is not scored: the mass-deletion rule
     * counts deletions and emptied records, not such rewrites.
     */
    public static boolean worthScoring(byte[] next) {
        return mayBeOpaque(next) || topLevelFields(next) <= THIN_FIELDS;
    }

    static final int THIN_FIELDS = 3;

    /** The number of members of the top-level JSON object, counted without parsing it (commas at depth 1). */
    static int topLevelFields(byte[] json) {
        int depth = 0;
        int commas = 0;
        boolean inString = false;
        boolean any = false;
        for (int i = 0; i < json.length; i++) {
            byte b = json[i];
            if (inString) {
                if (b == '\\') i++;
                else if (b == '"') inString = false;
                continue;
            }
            switch (b) {
                case '"' -> {
                    inString = true;
                    if (depth == 1) any = true;
                }
                case '{', '[' -> depth++;
                case '}', ']' -> depth--;
                case ',' -> {
                    if (depth == 1) commas++;
                }
                default -> { }
            }
        }
        return any ? commas + 1 : 0;
    }

    /**
     * Scores the change from {@code previous} (null for a new record or a deleted one) to {@code next}.
     * Bodies that are not JSON are read as one string.
     */
    public static Result score(byte @Nullable [] previous, byte[] next) {
        if (previous == null || previous.length == 0) return Result.NONE;
        Map<String, JsonNode> before = leaves(previous);
        Map<String, JsonNode> after = leaves(next);
        if (before.isEmpty()) return Result.NONE;
        int lostCount = 0;
        int opaquedCount = 0;
        boolean maybe = mayBeOpaque(next);
        for (Map.Entry<String, JsonNode> p : before.entrySet()) {
            JsonNode now = after.get(p.getKey());
            if (now == null) {
                lostCount++;
            } else if (maybe && now.isTextual() && !now.equals(p.getValue()) && opaque(now.asText())
                    && !(p.getValue().isTextual() && opaque(p.getValue().asText()))) {
                opaquedCount++;
            }
        }
        double lost = (double) lostCount / before.size();
        double opaqued = (double) opaquedCount / before.size();
        int fieldsLost = (int) Math.round(100 * lost);
        if (!maybe) return new Result(0, fieldsLost);
        long stringBytes = 0;
        long opaqueBytes = 0;
        for (JsonNode n : after.values()) {
            if (!n.isTextual()) continue;
            int len = n.asText().length();
            stringBytes += len;
            if (opaque(n.asText())) opaqueBytes += len;
        }
        if (opaqueBytes == 0) return new Result(0, fieldsLost); // nothing opaque: removing fields is not opacity
        double share = (double) opaqueBytes / stringBytes;
        int score = (int) Math.round(100 * Math.min(1, lost + opaqued) * (0.5 + 0.5 * share));
        return new Result(score, fieldsLost);
    }

    /** Whether {@code s} is opaque content, as the class comment defines it. */
    static boolean opaque(String s) {
        if (s.length() >= 16 && oddShare(s) >= 0.2) return true;
        if (s.length() < MIN_RUN) return false;
        String t = DATA_URI.matcher(s.replaceAll("\\s+", "")).replaceFirst("");
        int bestStart = 0;
        int best = 0;
        for (int i = 0, start = 0; i <= t.length(); i++) {
            char c = i < t.length() ? t.charAt(i) : ' ';
            if (c < 128 && B64[c]) continue;
            if (i - start > best) {
                best = i - start;
                bestStart = start;
            }
            start = i + 1;
        }
        // A short wrapper such as ENC(...) or enc:v1: may surround the run.
        if (best < MIN_RUN || best < 0.8 * t.replace("=", "").length()) return false;
        byte[] bytes = decode(t.substring(bestStart, bestStart + best));
        return bytes != null && bytes.length >= MIN_BYTES && entropy(bytes) >= threshold(Math.min(bytes.length, MAX_SAMPLE));
    }

    private static byte @Nullable [] decode(String run) {
        String sample = run.length() > MAX_SAMPLE * 2 ? run.substring(0, MAX_SAMPLE * 2) : run;
        if (sample.length() % 2 == 0 && sample.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return HexFormat.of().parseHex(sample);
        }
        // A length of 4k+1 cannot be base64: the last character is a stray one.
        String b = sample.length() % 4 == 1 ? sample.substring(0, sample.length() - 1) : sample;
        b = b.length() > MAX_SAMPLE / 3 * 4 ? b.substring(0, MAX_SAMPLE / 3 * 4) : b;
        boolean url = b.indexOf('-') >= 0 || b.indexOf('_') >= 0;
        if (url && (b.indexOf('+') >= 0 || b.indexOf('/') >= 0)) return null;
        try {
            return (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(b + "==".substring(0, (4 - b.length() % 4) % 4));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The entropy random bytes of this length almost always reach: 0.9 × log2 n for short samples,
     * then 0.94 × the expected entropy of n random bytes (8 bits less the small-sample bias), which is
     * Zeek's 7.5 bits per byte at 1,000 bytes. A plain 0.9 × 8 would miss a third of 256-byte ciphertexts.
     */
    static double threshold(int n) {
        if (n < 128) return 0.9 * Math.log(n) / Math.log(2);
        return 0.94 * (8 - 255.0 / (2 * n * Math.log(2)));
    }

    /** Shannon entropy of the first {@value #MAX_SAMPLE} bytes, in bits per byte. */
    static double entropy(byte[] bytes) {
        int n = Math.min(bytes.length, MAX_SAMPLE);
        int[] counts = new int[256];
        for (int i = 0; i < n; i++) counts[bytes[i] & 0xff]++;
        double h = 0;
        for (int c : counts) {
            if (c == 0) continue;
            double p = (double) c / n;
            h -= p * Math.log(p);
        }
        return h / Math.log(2);
    }

    private static double oddShare(String s) {
        int odd = 0;
        int total = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            total++;
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.PRIVATE_USE || cp == 0xFFFD) odd++;
        }
        return (double) odd / total;
    }

    /** Leaf paths of a JSON body (JSON Pointer), empty containers included as leaves. */
    static Map<String, JsonNode> leaves(byte[] json) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        JsonNode root;
        try {
            root = AccessCodec.JSON.readTree(json);
        } catch (IOException e) {
            root = null;
        }
        if (root == null) {
            out.put("", AccessCodec.JSON.getNodeFactory().textNode(new String(json, java.nio.charset.StandardCharsets.UTF_8)));
            return out;
        }
        flatten("", root, out);
        return out;
    }

    private static void flatten(String path, JsonNode node, Map<String, JsonNode> out) {
        if (node.isContainerNode() && !node.isEmpty()) {
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) flatten(path + "/" + i, node.get(i), out);
            } else {
                node.fields().forEachRemaining(f -> flatten(path + "/" + f.getKey().replace("~", "~0").replace("/", "~1"), f.getValue(), out));
            }
        } else {
            out.put(path, node);
        }
    }
}
