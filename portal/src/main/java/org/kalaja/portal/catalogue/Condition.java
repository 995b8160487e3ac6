package org.kalaja.portal.catalogue;

import java.util.List;
import java.util.Map;

/**
 * When a form page is asked: only if the answer to an earlier choice field is one of {@code values}
 * ("What is your child's name?" only when the certificate is for a child). The catalogue guarantees that
 * {@code field} is a choice field on an earlier page and every value is one of its options.
 *
 * @param field  the id of the choice field the page depends on
 * @param values the option values that make the page apply, at least one
 */
public record Condition(String field, List<String> values) {
    public Condition {
        values = List.copyOf(values);
    }

    /** Whether {@code answers} (field id → values) selects one of {@link #values}. */
    public boolean holds(Map<String, List<String>> answers) {
        return answers.getOrDefault(field, List.of()).stream().map(String::trim).anyMatch(values::contains);
    }
}
