package org.kalaja.portal.catalogue;

/**
 * The kinds of question a service's form can ask; each has its GOV.UK component and its own checks
 * ({@link Answers#check}). Pages MUST render a type they do not know as a one-line text input.
 */
public enum FieldType {
    /** One line of text; at most 200 characters unless the field says otherwise. */
    TEXT,
    /** Several lines of text; at most 2000 characters unless the field says otherwise. */
    TEXTAREA,
    /** A date, entered as day, month and year (GOV.UK date input); stored as ISO {@code yyyy-mm-dd}. */
    DATE,
    /** A whole number. */
    NUMBER,
    /** An email address ({@code name@example.com}). */
    EMAIL,
    /** An Albanian ({@code 069 123 4567}) or international ({@code +44 20 7946 0958}) phone number. */
    PHONE,
    /** An Albanian personal number (NID): a letter, 8 digits, a letter, e.g. {@code J85117101S}; stored upper-case. */
    PERSONAL_NUMBER,
    /** An Albanian business number (NUIS/NIPT): a letter, 8 digits, a letter, e.g. {@code L91234567A}; stored upper-case. */
    BUSINESS_NUMBER,
    /** One choice among options. */
    RADIOS,
    /** Any number of choices among options. */
    CHECKBOXES,
    /** One choice from a long list of options. */
    SELECT,
    /** Yes or no (radios with values {@code yes} and {@code no}). */
    YES_NO;

    /** Whether answers are option values (the field has options, declared or, for YES_NO, fixed). */
    public boolean choice() {
        return this == RADIOS || this == CHECKBOXES || this == SELECT || this == YES_NO;
    }

    /** Whether the field's length limits apply (and {@code pattern}, for the free-text types). */
    boolean freeText() {
        return this == TEXT || this == TEXTAREA;
    }
}
