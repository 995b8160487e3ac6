package org.kalaja.portal.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Reads one field of a service file and checks it is one {@link Answers} can validate and a page can render. */
final class FieldReader {
    static final Map<String, String> KEYS = YamlMap.keys(
            "id", "the field's id, the key of its answer, like 'date-of-birth'",
            "type", "the kind of question, one of " + types(),
            "label", "the question as the citizen reads it, like 'What is your date of birth?'",
            "hint", "help shown under the question",
            "required", "true (the default) or false",
            "requiredMessage", "the error shown when the answer is missing, like 'Enter your date of birth' or 'Select the reason…'",
            "options", "the choices of a RADIOS, CHECKBOXES or SELECT field, each with a value and a label",
            "minLength", "the fewest characters a TEXT or TEXTAREA answer may have",
            "maxLength", "the most characters a TEXT, TEXTAREA, EMAIL or PHONE answer may have",
            "pattern", "a regular expression a TEXT or TEXTAREA answer must match",
            "patternMessage", "the error shown when the answer does not match 'pattern', with an example",
            "min", "the smallest NUMBER, or earliest DATE (an ISO date like 2024-03-01, or today, today-N or today+N with N in days, or Nm months, or Ny years)",
            "max", "the largest NUMBER, or latest DATE (as 'min')");
    private static final Map<String, String> OPTION_KEYS = YamlMap.keys(
            "value", "the option's stored value, an id like 'passport'",
            "label", "the option as the citizen reads it");
    private static final List<Option> YES_NO = List.of(new Option("yes", "Yes"), new Option("no", "No"));

    private FieldReader() {}

    /** The field declared by {@code node}, or empty when it has problems (added to {@code problems}). */
    static Optional<Field> read(JsonNode node, String pageWhere, int position, List<String> problems) {
        String idText = node.path("id").isTextual() ? node.path("id").textValue() : "#" + position;
        String where = pageWhere + ", field '" + idText + "'";
        Optional<YamlMap> read = YamlMap.of(node, where, "a field", problems, KEYS);
        if (read.isEmpty()) return Optional.empty();
        YamlMap m = read.get();
        int before = problems.size();
        String id = m.id("id");
        FieldType type = type(m);
        String label = m.text("label");
        String hint = m.text("hint", "");
        boolean required = m.bool("required", true);
        String requiredMessage = m.text("requiredMessage");
        List<Option> options = options(m, type);
        Integer minLength = m.integer("minLength");
        Integer maxLength = m.integer("maxLength");
        String pattern = m.optText("pattern");
        String patternMessage = m.optText("patternMessage");
        String min = m.optText("min");
        String max = m.optText("max");
        if (type != null) {
            maxLength = lengths(m, type, minLength, maxLength);
            patterns(m, type, pattern, patternMessage);
            bounds(m, type, min, max);
        }
        if (problems.size() > before || type == null) return Optional.empty();
        return Optional.of(new Field(id, label, hint, type, required, options, minLength, maxLength, pattern, patternMessage,
                min, max, requiredMessage));
    }

    private static @Nullable FieldType type(YamlMap m) {
        String text = m.text("type");
        if (text.isEmpty()) return null;
        try {
            return FieldType.valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            m.problem("unknown field type '" + text + "'; use one of " + types());
            return null;
        }
    }

    private static List<Option> options(YamlMap m, @Nullable FieldType type) {
        List<JsonNode> nodes = m.list("options");
        if (type == FieldType.YES_NO) {
            if (!nodes.isEmpty()) m.problem("a YES_NO field has the options yes and no; remove 'options', or make it RADIOS");
            return YES_NO;
        }
        if (type != null && !type.choice()) {
            if (!nodes.isEmpty()) m.problem("'options' is only for RADIOS, CHECKBOXES and SELECT, not " + type + "; remove it");
            return List.of();
        }
        if (type != null && nodes.isEmpty()) {
            m.problem("a " + type + " field needs 'options': add a list of choices, each '- value: … label: …'");
        }
        List<Option> options = new ArrayList<>();
        Set<String> values = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Optional<YamlMap> om = YamlMap.of(nodes.get(i), m.where() + ", option " + (i + 1), "an option", m.problems(), OPTION_KEYS);
            if (om.isEmpty()) continue;
            Option o = new Option(om.get().id("value"), om.get().text("label"));
            if (!o.value().isEmpty() && !values.add(o.value())) {
                m.problem("duplicate option value '" + o.value() + "'; every option of a field needs its own value");
            }
            options.add(o);
        }
        return options;
    }

    /** Checks the length limits and returns the maximum to apply, the type's default when none is declared. */
    private static @Nullable Integer lengths(YamlMap m, FieldType type, @Nullable Integer minLength, @Nullable Integer maxLength) {
        if (minLength != null && !type.freeText()) m.problem("'minLength' is only for TEXT and TEXTAREA, not " + type + "; remove it");
        Integer standard = switch (type) {
            case TEXT -> 200;
            case TEXTAREA -> 2000;
            case EMAIL -> 254;
            case PHONE -> 30;
            default -> null;
        };
        if (standard == null) {
            if (maxLength != null) m.problem("'maxLength' is only for TEXT, TEXTAREA, EMAIL and PHONE, not " + type + "; remove it");
            return null;
        }
        if (minLength != null && minLength < 1) m.problem("'minLength' is " + minLength + "; it must be 1 or more");
        if (maxLength != null && maxLength < 1) m.problem("'maxLength' is " + maxLength + "; it must be 1 or more");
        int max = maxLength == null ? standard : maxLength;
        if (minLength != null && minLength > max) {
            m.problem("'minLength' (" + minLength + ") is more than 'maxLength' (" + max + "); make 'minLength' the smaller");
        }
        return max;
    }

    private static void patterns(YamlMap m, FieldType type, @Nullable String pattern, @Nullable String patternMessage) {
        if (pattern == null) {
            if (patternMessage != null) m.problem("'patternMessage' without 'pattern'; add the pattern or remove the message");
            return;
        }
        if (!type.freeText()) {
            m.problem("'pattern' is only for TEXT and TEXTAREA, not " + type + " (which has its own format check); remove it");
            return;
        }
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            m.problem("'pattern' is not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex()
                    + " of '" + pattern + "'; fix it (Java regular expression syntax)");
        }
        if (patternMessage == null || patternMessage.isBlank()) {
            m.problem("'pattern' needs a 'patternMessage', the error shown when the answer does not match, with an example"
                    + " (like 'Enter the property number in the correct format, like 123/45')");
        }
    }

    private static void bounds(YamlMap m, FieldType type, @Nullable String min, @Nullable String max) {
        if (min == null && max == null) return;
        if (type == FieldType.NUMBER) {
            Long lo = number(m, "min", min), hi = number(m, "max", max);
            if (lo != null && hi != null && lo > hi) m.problem("'min' (" + min + ") is more than 'max' (" + max + "); swap them");
        } else if (type == FieldType.DATE) {
            DateBound lo = date(m, "min", min), hi = date(m, "max", max);
            if (lo != null && hi != null && lo.surelyAfter(hi)) {
                m.problem("'min' (" + min + ") is after 'max' (" + max + "), so no date could be accepted; swap them");
            }
        } else {
            m.problem("'min' and 'max' are only for NUMBER and DATE, not " + type + "; remove them");
        }
    }

    private static @Nullable Long number(YamlMap m, String key, @Nullable String text) {
        if (text == null) return null;
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            m.problem("'" + key + "' is '" + text + "'; a NUMBER field's " + key + " must be a whole number, like 1");
            return null;
        }
    }

    private static @Nullable DateBound date(YamlMap m, String key, @Nullable String text) {
        if (text == null) return null;
        Optional<DateBound> bound = DateBound.parse(text);
        if (bound.isEmpty()) {
            m.problem("'" + key + "' is '" + text + "'; a DATE field's " + key + " must be a real ISO date like 2024-03-01,"
                    + " or today, today-N or today+N (N days, or Nm months, or Ny years, like today-18y)");
        }
        return bound.orElse(null);
    }

    private static String types() {
        return Arrays.stream(FieldType.values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
