package org.kalaja.portal.catalogue;

/** The kinds of question a service's form can ask; each has its GOV.UK component and its own checks. */
public enum FieldType {
    /** One line of text. */
    TEXT,
    /** Several lines of text. */
    TEXTAREA,
    /** A date, entered as day, month and year (GOV.UK date input); stored as ISO {@code yyyy-mm-dd}. */
    DATE,
    /** A whole number. */
    NUMBER,
    EMAIL,
    PHONE,
    /** An Albanian personal number (NID): a letter, 8 digits, a letter, e.g. {@code J85117101S}. */
    PERSONAL_NUMBER,
    /** One choice among options. */
    RADIOS,
    /** Any number of choices among options. */
    CHECKBOXES,
    /** One choice from a long list of options. */
    SELECT,
    /** Yes or no (radios with values {@code yes} and {@code no}). */
    YES_NO
}
