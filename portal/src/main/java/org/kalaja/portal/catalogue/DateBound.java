package org.kalaja.portal.catalogue;

import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A DATE field's {@code min} or {@code max}: a fixed ISO date, or a time from the day the answer is checked:
 * {@code today}, {@code today-1} (days), {@code today+30d}, {@code today-6m} (months), {@code today-18y} (years).
 * Relative bounds are resolved at each check, never at load, so a node that runs for months keeps
 * "in the past" honest.
 *
 * @param fixed   the fixed date, or null when relative
 * @param offset  the time from today when relative
 */
record DateBound(@Nullable LocalDate fixed, Period offset) {
    private static final Pattern RELATIVE = Pattern.compile("today(?:([+-])([0-9]{1,5})([dmy]?))?");
    // Relative bounds are compared on days either side of a leap day, where months and years differ most.
    private static final List<LocalDate> SAMPLE_DAYS = List.of(LocalDate.of(2024, 2, 28), LocalDate.of(2024, 3, 1), LocalDate.of(2023, 12, 31));
    static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter DISPLAY = DateTimeFormatter.ofPattern("d MMMM uuuu", Locale.UK);

    /** The bound {@code spec} declares, or empty if it is neither an ISO date nor {@code today[±N[d|m|y]]}. */
    static Optional<DateBound> parse(String spec) {
        Matcher m = RELATIVE.matcher(spec);
        if (m.matches()) {
            int n = m.group(2) == null ? 0 : Integer.parseInt(m.group(2)) * ("-".equals(m.group(1)) ? -1 : 1);
            Period offset = switch (m.group(3) == null ? "" : m.group(3)) {
                case "y" -> Period.ofYears(n);
                case "m" -> Period.ofMonths(n);
                default -> Period.ofDays(n);
            };
            return Optional.of(new DateBound(null, offset));
        }
        return isoDate(spec).map(d -> new DateBound(d, Period.ZERO));
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
        return fixed != null ? fixed : today.plus(offset);
    }

    /** Whether this bound is after {@code other} whatever today is (false when one is fixed and the other relative). */
    boolean surelyAfter(DateBound other) {
        if ((fixed == null) != (other.fixed == null)) return false;
        return SAMPLE_DAYS.stream().allMatch(day -> resolve(day).isAfter(other.resolve(day)));
    }

    /** The error for an answer after this (maximum) bound; {@code name} is the capitalised field name. */
    String tooLate(String name, LocalDate today) {
        if (fixed == null && offset.isZero()) return name + " must be today or in the past";
        if (fixed == null && offset.equals(Period.ofDays(-1))) return name + " must be in the past";
        return name + " must be on or before " + display(resolve(today));
    }

    /** The error for an answer before this (minimum) bound. */
    String tooEarly(String name, LocalDate today) {
        if (fixed == null && offset.isZero()) return name + " must be today or in the future";
        if (fixed == null && offset.equals(Period.ofDays(1))) return name + " must be in the future";
        return name + " must be on or after " + display(resolve(today));
    }
}
