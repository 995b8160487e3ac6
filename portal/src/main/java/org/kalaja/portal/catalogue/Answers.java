package org.kalaja.portal.catalogue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Checks and shows a citizen's answers, with GOV.UK Design System error messages. Every method accepts
 * answers exactly as a form posted them: values are trimmed, blank values dropped, line ends made
 * {@code \n}, and personal and business numbers upper-cased ({@link #normalise}) before anything else;
 * what is stored MUST be the normalised values. A value {@link #check} accepts is also one
 * {@link #display} can show. Answers for a page whose condition does not hold MUST NOT be kept
 * ({@link #applicable}).
 */
public final class Answers {
    private static final Pattern PERSONAL_NUMBER = Pattern.compile("[A-T][0-9]{8}[A-W]");
    private static final Pattern BUSINESS_NUMBER = Pattern.compile("[A-Z][0-9]{8}[A-Z]");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");
    // Albanian numbers: 0 then 8 or 9 digits (069 123 4567, 04 222 3333); international: + or 00 and 7 to 15 digits.
    private static final Pattern PHONE = Pattern.compile("0[1-9][0-9]{7,8}|(\\+|00)[1-9][0-9]{6,14}");
    private static final Pattern PHONE_SEPARATORS = Pattern.compile("[\\s().-]");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]{1,15}");
    // Fields' patterns, compiled once: the catalogue is fixed while the portal runs, so this stays small.
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
    private static final Pattern NAME_PREFIX = Pattern.compile("^(Enter|Select|Choose|Give|Tell us)( your| the| a| an)? ");

    private Answers() {}

    /** The values a form posted for {@code field}, cleaned as the class comment says. */
    public static List<String> normalise(Field field, List<String> raw) {
        List<String> out = new ArrayList<>();
        for (String value : raw) {
            String v = value.replace("\r\n", "\n").replace('\r', '\n').strip();
            if (field.type() == FieldType.PERSONAL_NUMBER || field.type() == FieldType.BUSINESS_NUMBER) {
                v = v.replace(" ", "").toUpperCase(Locale.ROOT);
            }
            if (!v.isEmpty() && !out.contains(v)) out.add(v);
        }
        return List.copyOf(out);
    }

    /**
     * The error to show for {@code values} as the answer to {@code field}, or empty when the answer is
     * acceptable. {@code today} resolves relative date bounds ({@code today}, {@code today-1}).
     */
    public static Optional<String> check(Field field, List<String> values, LocalDate today) {
        List<String> v = normalise(field, values);
        if (v.isEmpty()) return field.required() ? Optional.of(field.requiredMessage()) : Optional.empty();
        if (field.type() == FieldType.CHECKBOXES) {
            return v.stream().allMatch(x -> field.option(x).isPresent()) ? Optional.empty() : Optional.of(field.requiredMessage());
        }
        // Every other type takes one answer; a form that posts two was not made by our pages.
        if (v.size() > 1) return Optional.of(field.requiredMessage());
        return Optional.ofNullable(checkOne(field, v.get(0), today));
    }

    private static @Nullable String checkOne(Field f, String v, LocalDate today) {
        String name = name(f);
        return switch (f.type()) {
            case TEXT, TEXTAREA -> {
                if (f.minLength() != null && v.codePointCount(0, v.length()) < f.minLength()) {
                    yield name + " must be " + f.minLength() + " characters or more";
                }
                yield tooLong(f, name, v, f.pattern() != null && !PATTERNS.computeIfAbsent(f.pattern(), Pattern::compile).matcher(v).matches()
                        ? f.patternMessage() : null);
            }
            case EMAIL -> tooLong(f, name, v, EMAIL.matcher(v).matches() ? null
                    : "Enter an email address in the correct format, like name@example.com");
            case PHONE -> tooLong(f, name, v, PHONE.matcher(PHONE_SEPARATORS.matcher(v).replaceAll("")).matches() ? null
                    : name + " must be an Albanian number, like 069 123 4567, or an international number, like +44 20 7946 0958");
            case PERSONAL_NUMBER -> PERSONAL_NUMBER.matcher(v).matches() ? null
                    : "Enter a personal number in the correct format, like J85117101S";
            case BUSINESS_NUMBER -> BUSINESS_NUMBER.matcher(v).matches() ? null
                    : "Enter a NUIS in the correct format, like L91234567A";
            case NUMBER -> checkNumber(f, name, v);
            case DATE -> checkDate(f, name, v, today);
            case RADIOS, SELECT, YES_NO, CHECKBOXES -> f.option(v).isPresent() ? null : f.requiredMessage();
        };
    }

    /** The too-long error if {@code v} is longer than allowed, else {@code formatError}. */
    private static @Nullable String tooLong(Field f, String name, String v, @Nullable String formatError) {
        return f.maxLength() != null && v.codePointCount(0, v.length()) > f.maxLength()
                ? name + " must be " + f.maxLength() + " characters or less" : formatError;
    }

    private static @Nullable String checkNumber(Field f, String name, String v) {
        String digits = v.replace(" ", "");
        if (!WHOLE_NUMBER.matcher(digits).matches()) return name + " must be a whole number, like 12";
        long n = Long.parseLong(digits);
        if (f.min() != null && n < Long.parseLong(f.min())) return name + " must be " + f.min() + " or more";
        if (f.max() != null && n > Long.parseLong(f.max())) return name + " must be " + f.max() + " or less";
        return null;
    }

    private static @Nullable String checkDate(Field f, String name, String v, LocalDate today) {
        String[] parts = v.split("-", -1);
        if (parts.length == 3) {
            String[] what = {"year", "month", "day"};
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < 3; i++) if (parts[i].isBlank()) missing.add(what[i]);
            if (missing.size() == 1 || missing.size() == 2) {
                return name + " must include a " + String.join(" and ", missing.reversed());
            }
        }
        Optional<LocalDate> date = DateBound.isoDate(v);
        if (date.isEmpty()) return "Enter a real date";
        if (f.max() != null) {
            DateBound max = DateBound.parse(f.max()).orElseThrow();
            if (date.get().isAfter(max.resolve(today))) return max.tooLate(name, today);
        }
        if (f.min() != null) {
            DateBound min = DateBound.parse(f.min()).orElseThrow();
            if (date.get().isBefore(min.resolve(today))) return min.tooEarly(name, today);
        }
        return null;
    }

    /** The errors on {@code page} given {@code answers} (field id → values): field id → message, in field order. */
    public static Map<String, String> checkPage(FormPage page, Map<String, List<String>> answers, LocalDate today) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (Field f : page.fields()) {
            check(f, answers.getOrDefault(f.id(), List.of()), today).ifPresent(m -> errors.put(f.id(), m));
        }
        return errors;
    }

    /**
     * The errors of a whole application, as checked again before it is submitted: every field of every
     * page that applies given {@code answers}; field id → message, in form order. Empty means it may be sent.
     */
    public static Map<String, String> checkAll(Service service, Map<String, List<String>> answers, LocalDate today) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (FormPage p : service.pagesFor(answers)) errors.putAll(checkPage(p, answers, today));
        return errors;
    }

    /**
     * The answers to keep: normalised, only for fields of pages that apply, without empty answers. A page
     * stops applying when the choice it depends on changes; its answers then go, as the citizen would expect.
     */
    public static Map<String, List<String>> applicable(Service service, Map<String, List<String>> answers) {
        Map<String, List<String>> kept = new LinkedHashMap<>();
        for (FormPage p : service.pagesFor(answers)) {
            for (Field f : p.fields()) {
                List<String> v = normalise(f, answers.getOrDefault(f.id(), List.of()));
                if (!v.isEmpty()) kept.put(f.id(), v);
            }
        }
        return kept;
    }

    /**
     * An answer as "Check your answers" and clerks show it: option labels (checkboxes comma-joined),
     * dates as "3 March 2024", other values as normalised; "" when there is no answer.
     */
    public static String display(Field field, List<String> values) {
        List<String> v = normalise(field, values);
        if (field.type().choice()) {
            return v.stream().map(x -> field.option(x).map(Option::label).orElse(x)).collect(Collectors.joining(", "));
        }
        if (field.type() == FieldType.DATE) {
            return v.stream().map(x -> DateBound.isoDate(x).map(DateBound::display).orElse(x)).collect(Collectors.joining(", "));
        }
        return String.join(", ", v);
    }

    /**
     * The ISO value of a GOV.UK date input's three boxes: "" when all are blank, {@code yyyy-mm-dd} (day and
     * month padded to two digits) otherwise. A value that is not a real date is still returned, shaped so
     * that {@link #check} refuses it ("Enter a real date", or "… must include a month" when a box is blank)
     * and {@link #dateParts} gives the boxes back.
     */
    public static String isoDate(String day, String month, String year) {
        String d = day.strip(), m = month.strip(), y = year.strip();
        if (d.isEmpty() && m.isEmpty() && y.isEmpty()) return "";
        return y + "-" + pad(m) + "-" + pad(d);
    }

    private static String pad(String part) {
        return part.length() == 1 && Character.isDigit(part.charAt(0)) ? "0" + part : part;
    }

    /** The boxes (day, month, year) to show again for a value {@link #isoDate} made; three blanks when it is not one. */
    public static List<String> dateParts(String iso) {
        String[] parts = iso.split("-", -1);
        if (parts.length != 3) return List.of("", "", "");
        return List.of(parts[2], parts[1], parts[0]);
    }

    /** The field's name for errors, capitalised: "Enter your date of birth" gives "Date of birth". */
    static String name(Field f) {
        String rest = NAME_PREFIX.matcher(f.requiredMessage()).replaceFirst("");
        if (rest.equals(f.requiredMessage()) || rest.isEmpty()) rest = f.label().replaceAll("[?:]$", "");
        return Character.toUpperCase(rest.charAt(0)) + rest.substring(1);
    }
}
