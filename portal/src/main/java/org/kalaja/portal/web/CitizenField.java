package org.kalaja.portal.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.catalogue.Answers;
import org.kalaja.portal.catalogue.Field;
import org.kalaja.portal.catalogue.FieldType;
import org.kalaja.portal.catalogue.FormPage;
import org.kalaja.portal.catalogue.Option;

/**
 * One question of a form page as the template renders it: the field, what the citizen typed or saved,
 * and its error. Ids follow the GOV.UK Frontend conventions so the error summary's {@code #<field id>}
 * lands on the right input: a text input, select or textarea has the field's id; the first radio or
 * checkbox has it (the others {@code <id>-2}, {@code <id>-3}…); a date's day box has it (month and year
 * boxes {@code <id>-month}, {@code <id>-year}, named {@code <id>-day}/{@code -month}/{@code -year}).
 *
 * @param values  what to show in the inputs: the posted values after an error, else the saved ones
 * @param error   the message to show by the field, or null
 * @param heading whether the question is the page's only one, so its label is the page's {@code <h1>}
 */
public record CitizenField(Field field, List<String> values, @Nullable String error, boolean heading) {
    public CitizenField {
        values = List.copyOf(values);
    }

    /** The fields of {@code page} with their values and errors ({@code field id → message}). */
    static List<CitizenField> of(FormPage page, Map<String, List<String>> values, Map<String, String> errors) {
        List<CitizenField> out = new ArrayList<>();
        for (Field f : page.fields()) {
            out.add(new CitizenField(f, values.getOrDefault(f.id(), List.of()), errors.get(f.id()), page.fields().size() == 1));
        }
        return out;
    }

    /** The answers a form posted for {@code page}, exactly as typed (a date as its ISO shape). */
    static Map<String, List<String>> posted(FormPage page, io.javalin.http.Context ctx) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (Field f : page.fields()) {
            List<String> v = switch (f.type()) {
                case DATE -> {
                    String iso = Answers.isoDate(param(ctx, f.id() + "-day"), param(ctx, f.id() + "-month"), param(ctx, f.id() + "-year"));
                    yield iso.isEmpty() ? List.of() : List.of(iso);
                }
                case CHECKBOXES -> ctx.formParams(f.id());
                default -> ctx.formParam(f.id()) == null ? List.of() : List.of(param(ctx, f.id()));
            };
            out.put(f.id(), List.copyOf(v));
        }
        return out;
    }

    private static String param(io.javalin.http.Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v;
    }

    public String id() {
        return field.id();
    }

    public FieldType type() {
        return field.type();
    }

    public boolean hasHint() {
        return !field.hint().isEmpty() || type() == FieldType.TEXTAREA || type() == FieldType.CHECKBOXES;
    }

    /** The hint under the label; a textarea's says its limit, as there is no script to count. */
    public String hint() {
        String limit = type() == FieldType.TEXTAREA && field.maxLength() != null ? "You can enter up to " + field.maxLength() + " characters." : "";
        String all = type() == FieldType.CHECKBOXES ? "Select all that apply." : "";
        return String.join(" ", List.of(field.hint(), limit, all).stream().filter(s -> !s.isEmpty()).toList());
    }

    /** The {@code aria-describedby} of the input or fieldset: its hint and error ids, or "" for none. */
    public String describedBy() {
        List<String> ids = new ArrayList<>();
        if (hasHint()) ids.add(id() + "-hint");
        if (error != null) ids.add(id() + "-error");
        return String.join(" ", ids);
    }

    /** The first value, or "". */
    public String value() {
        return values.isEmpty() ? "" : values.get(0);
    }

    /** The date's boxes: day, month, year. */
    public List<String> dateParts() {
        return Answers.dateParts(value());
    }

    public boolean checked(Option o) {
        return values.contains(o.value());
    }

    /** The id of option {@code i} (0-based) of a radios or checkboxes field. */
    public String optionId(int i) {
        return i == 0 ? id() : id() + "-" + (i + 1);
    }

    /** Whether the field is a group of inputs (fieldset and legend) rather than one labelled input. */
    public boolean grouped() {
        return switch (type()) {
            case DATE, RADIOS, CHECKBOXES, YES_NO -> true;
            default -> false;
        };
    }

    public String inputType() {
        return switch (type()) {
            case EMAIL -> "email";
            case PHONE -> "tel";
            default -> "text";
        };
    }

    /** The browser's autofill hint, so people with motor or memory impairments type less (WCAG 1.3.5). */
    public String autocomplete() {
        return switch (type()) {
            case EMAIL -> "email";
            case PHONE -> "tel";
            default -> "off";
        };
    }

    public String inputClass() {
        String width = switch (type()) {
            case PERSONAL_NUMBER, BUSINESS_NUMBER -> " govuk-input--width-10";
            case NUMBER -> " govuk-input--width-5";
            case PHONE -> " govuk-input--width-20";
            default -> "";
        };
        return "govuk-input" + width + (error == null ? "" : " govuk-input--error");
    }

    /** {@code numeric} for numbers, so phones show a keypad; GOV.UK avoids {@code type=number}. */
    public String inputMode() {
        return type() == FieldType.NUMBER ? "numeric" : "text";
    }

    public String labelClass() {
        return heading ? "govuk-label govuk-label--l" : "govuk-label govuk-label--s";
    }

    public String legendClass() {
        return "govuk-fieldset__legend " + (heading ? "govuk-fieldset__legend--l" : "govuk-fieldset__legend--s");
    }

    public String groupClass() {
        return "govuk-form-group" + (error == null ? "" : " govuk-form-group--error");
    }
}
