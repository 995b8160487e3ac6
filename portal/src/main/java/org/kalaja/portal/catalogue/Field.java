package org.kalaja.portal.catalogue;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One question of a service's form, with its validation ({@link Answers}). Answers are lists of strings:
 * one value for most types, any number for {@link FieldType#CHECKBOXES}; dates are ISO {@code yyyy-mm-dd}.
 * A field from {@link Catalogue} has options exactly when its type is a {@link FieldType#choice() choice}
 * (YES_NO gets {@code yes}/{@code no}), a non-null {@code maxLength} for TEXT, TEXTAREA, EMAIL and PHONE,
 * a compilable {@code pattern} only on TEXT and TEXTAREA (with its message), and {@code min <= max}.
 *
 * @param id             stable id: the answer's key and the HTML input's id; unique within the service
 * @param label          the question as the citizen reads it
 * @param hint           help shown under the label, or ""
 * @param required       whether an answer is needed; {@link #requiredMessage} says what to do otherwise
 * @param options        the choices of RADIOS, CHECKBOXES, SELECT and YES_NO (empty otherwise)
 * @param minLength      for TEXT and TEXTAREA, or null
 * @param maxLength      for TEXT, TEXTAREA, EMAIL and PHONE (the catalogue applies a default), else null
 * @param pattern        a regular expression the whole trimmed answer must match, or null
 * @param patternMessage the error shown when {@code pattern} does not match
 * @param min            for NUMBER: the smallest value; for DATE: an ISO date, {@code today}, or {@code today-N}
 *                       / {@code today+N} (days; {@code Nm} months, {@code Ny} years, like {@code today-18y}), or null
 * @param max            as {@code min}, the largest
 * @param requiredMessage the error shown when a required answer is missing (GOV.UK: "Enter your…", "Select…");
 *                       the words after "Enter your"/"Select the" also name the field in other errors
 */
public record Field(String id, String label, String hint, FieldType type, boolean required, List<Option> options,
        @Nullable Integer minLength, @Nullable Integer maxLength, @Nullable String pattern, @Nullable String patternMessage,
        @Nullable String min, @Nullable String max, String requiredMessage) {
    public Field {
        options = List.copyOf(options);
    }

    /** The option whose value is {@code value}, if this field offers it. */
    public Optional<Option> option(String value) {
        return options.stream().filter(o -> o.value().equals(value)).findFirst();
    }
}
