package org.kalaja.portal.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One YAML mapping of a catalogue file being read. Every problem is added to {@code problems} as one line
 * that starts with {@code where} (file, service, page, field) and says what to fix; a getter that finds a
 * problem returns a harmless default so reading goes on and the author sees every problem at once.
 */
final class YamlMap {
    static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,40}");

    private final JsonNode node;
    private final String where;
    private final List<String> problems;
    private final Map<String, String> keys;

    private YamlMap(JsonNode node, String where, List<String> problems, Map<String, String> keys) {
        this.node = node;
        this.where = where;
        this.problems = problems;
        this.keys = keys;
    }

    /**
     * Reads {@code node} as a mapping allowed the properties {@code keys} (name → what it is, in the order
     * the documentation lists them); empty, with a problem, if it is not a mapping.
     */
    static Optional<YamlMap> of(JsonNode node, String where, String what, List<String> problems, Map<String, String> keys) {
        if (!node.isObject()) {
            problems.add(where + ": " + what + " must be a mapping of properties (key: value), found " + describe(node));
            return Optional.empty();
        }
        YamlMap map = new YamlMap(node, where, problems, keys);
        node.fieldNames().forEachRemaining(map::checkKnown);
        return Optional.of(map);
    }

    /** The allowed properties of a kind of mapping, from name and description pairs, in documentation order. */
    static Map<String, String> keys(String... pairs) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) keys.put(pairs[i], pairs[i + 1]);
        return Collections.unmodifiableMap(keys);
    }

    String where() {
        return where;
    }

    List<String> problems() {
        return problems;
    }

    void problem(String text) {
        problems.add(where + ": " + text);
    }

    JsonNode get(String key) {
        return node.path(key);
    }

    boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    private void checkKnown(String key) {
        if (keys.containsKey(key)) return;
        String guess = keys.keySet().stream().filter(k -> distance(k, key) <= 2).min(Comparator.comparingInt(k -> distance(k, key)))
                .map(k -> "did you mean '" + k + "'? ").orElse("");
        problem("unknown property '" + key + "'; " + guess + "the properties allowed here are " + String.join(", ", keys.keySet()));
    }

    /** A required non-blank text; "" after a problem. */
    String text(String key) {
        String value = optText(key);
        if (value == null) {
            if (!has(key)) problem("'" + key + "' is missing; add " + keys.get(key));
            return "";
        }
        if (value.isBlank()) problem("'" + key + "' is empty; give " + keys.get(key));
        return value.strip();
    }

    String text(String key, String absent) {
        String value = optText(key);
        return value == null ? absent : value.strip();
    }

    /** A text, or null when absent or not text (then with a problem). */
    @Nullable String optText(String key) {
        if (!has(key)) return null;
        JsonNode v = node.get(key);
        if (v.isTextual()) return v.textValue();
        if (v.isBoolean()) {
            problem("'" + key + "' must be text, found " + v.asText() + " (YAML reads yes, no, on, off as true or false: put the text in quotes)");
        } else if (v.isNumber()) {
            return v.asText(); // an id or a value such as 2024 reads as a number; its text is what the author meant
        } else {
            problem("'" + key + "' must be text, found " + describe(v));
        }
        return null;
    }

    /** A required id matching {@link #ID}; "" after a problem. */
    String id(String key) {
        String value = text(key);
        if (!value.isEmpty() && !ID.matcher(value).matches()) {
            problem("'" + key + "' is '" + value + "'; an id MUST be lower-case letters, digits and hyphens, start with a letter"
                    + " and be at most 41 characters, like '" + suggestId(value) + "'");
            return "";
        }
        return value;
    }

    boolean bool(String key, boolean absent) {
        if (!has(key)) return absent;
        JsonNode v = node.get(key);
        if (v.isBoolean()) return v.booleanValue();
        problem("'" + key + "' must be true or false, found " + describe(v));
        return absent;
    }

    /** A whole number, or null when absent or not one (then with a problem). */
    @Nullable Integer integer(String key) {
        if (!has(key)) return null;
        JsonNode v = node.get(key);
        if (v.isInt()) return v.intValue();
        problem("'" + key + "' must be a whole number, like 5, found " + describe(v));
        return null;
    }

    /** A list (empty when absent, or not a list: then with a problem). */
    List<JsonNode> list(String key) {
        if (!has(key)) return List.of();
        JsonNode v = node.get(key);
        if (!v.isArray()) {
            problem("'" + key + "' must be a list (lines starting with '- '), found " + describe(v));
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        v.forEach(out::add);
        return out;
    }

    /** A list of non-blank texts; a single text counts as a list of one. */
    List<String> texts(String key) {
        if (has(key) && node.get(key).isValueNode()) {
            String one = optText(key);
            return one == null ? List.of() : List.of(one.strip());
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : list(key)) {
            if (item.isTextual() && !item.textValue().isBlank()) out.add(item.textValue().strip());
            else problem("every item of '" + key + "' must be a text, found " + describe(item));
        }
        return out;
    }

    static String describe(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) return "nothing";
        if (v.isObject()) return "a mapping";
        if (v.isArray()) return "a list";
        return "'" + v.asText() + "'";
    }

    private static String suggestId(String value) {
        String s = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^[^a-z]+|-+$", "");
        s = s.isEmpty() ? "birth-certificate" : s;
        return s.length() > 41 ? s.substring(0, 41) : s;
    }

    /** Edits between two property names, ignoring case: 0 for "maxlength" and "maxLength". */
    private static int distance(String known, String typed) {
        String a = known.toLowerCase(Locale.ROOT), b = typed.toLowerCase(Locale.ROOT);
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            prev = cur;
        }
        return prev[b.length()];
    }
}
