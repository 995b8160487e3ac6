package org.kalaja.portal.catalogue;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A DATE field's {@code min} or {@code max}: a fixed ISO date, or a number of days from the day the
 * answer is checked ({@code today}, {@code today-1}, {@code today+30}). Relative bounds are resolved
 * at each check, never at load, so a node that runs for months keeps "in the past" honest.
 *
 * @param fixed       the fixed date, or null when relative
 * @param offsetDays  days from today when relative
 */
record DateBound(@Nullable LocalDate fixed, long offsetDays) {
    private static final Pattern RELATIVE = Pattern.compile("today(?:([+-])([0-9]{1,5}))?");
    static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter DISPLAY = DateTimeFormatter.ofPattern("d MMMM uuuu", Locale.UK);

    /** The bound {@code spec} declares, or empty if it is neither an ISO date nor {@code today[±N]}. */
    static Optional<DateBound> parse(String spec) {
        Matcher m = RELATIVE.matcher(spec);
        if (m.matches()) {
            long n = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
            return Optional.of(new DateBound(null, "-".equals(m.group(1)) ? -n : n));
        }
        return isoDate(spec).map(d -> new DateBound(d, 0));
    }

    /** {@code text} as a real calendar date in strict ISO form ({@code 2024-02-30} is not one). */
    static Optional<LocalDate> isoDate(String text) {
        try {
            return Optional.of(LocalDate.parse(text, ISO));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** "3 March 2024", as GOV.UK writes dates. */
    static String display(LocalDate date) {
        return DISPLAY.format(date);
    }

    LocalDate resolve(LocalDate today) {
        return fixed != null ? fixed : today.plusDays(offsetDays);
    }

    /** Whether this bound is always on or before {@code other}, whatever today is (false when not comparable). */
    boolean surelyAfter(DateBound other) {
        if (fixed != null && other.fixed != null) return fixed.isAfter(other.fixed);
        return fixed == null && other.fixed == null && offsetDays > other.offsetDays;
    }

    /** The error for an answer after this (maximum) bound; {@code name} is the capitalised field name. */
    String tooLate(String name, LocalDate today) {
        if (fixed == null && offsetDays == 0) return name + " must be today or in the past";
        if (fixed == null && offsetDays == -1) return name + " must be in the past";
        return name + " must be on or before " + display(resolve(today));
    }

    /** The error for an answer before this (minimum) bound. */
    String tooEarly(String name, LocalDate today) {
        if (fixed == null && offsetDays == 0) return name + " must be today or in the future";
        if (fixed == null && offsetDays == 1) return name + " must be in the future";
        return name + " must be on or after " + display(resolve(today));
    }
}
