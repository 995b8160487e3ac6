package org.kalaja.portal.catalogue;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One question of a service's form, with its validation. Answers are lists of strings: one value for
 * most types, any number for {@link FieldType#CHECKBOXES}; dates are ISO {@code yyyy-mm-dd}.
 *
 * @param id             stable id: the answer's key and the HTML input's id
 * @param label          the question as the citizen reads it
 * @param hint           help shown under the label, or ""
 * @param required       whether an answer is needed; {@link #requiredMessage} says what to do otherwise
 * @param options        the choices of RADIOS, CHECKBOXES and SELECT (empty otherwise)
 * @param minLength      for text types, or null
 * @param maxLength      for text types, or null (the catalogue applies a default)
 * @param pattern        a regular expression the whole answer must match, or null
 * @param patternMessage the error shown when {@code pattern} does not match
 * @param min            for NUMBER: the smallest value; for DATE: an ISO date or {@code today}, or null
 * @param max            as {@code min}, the largest
 * @param requiredMessage the error shown when a required answer is missing (GOV.UK: "Enter your…", "Select…")
 */
public record Field(String id, String label, String hint, FieldType type, boolean required, List<Option> options,
        @Nullable Integer minLength, @Nullable Integer maxLength, @Nullable String pattern, @Nullable String patternMessage,
        @Nullable String min, @Nullable String max, String requiredMessage) {
    public Field {
        options = List.copyOf(options);
    }
}
