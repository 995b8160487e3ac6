package org.kalaja.portal.catalogue;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One page of a service's form: GOV.UK's "one thing per page", so usually one field.
 *
 * @param id     stable id used in the page's URL; unique within the service
 * @param title  the page's heading (the field's label when the page has one field)
 * @param hint   help under the heading, or ""
 * @param fields the questions asked on this page, at least one
 * @param when   the condition under which the page is asked, or null for always
 */
public record FormPage(String id, String title, String hint, List<Field> fields, @Nullable Condition when) {
    public FormPage {
        fields = List.copyOf(fields);
    }

    /** A page asked whatever the earlier answers. */
    public FormPage(String id, String title, String hint, List<Field> fields) {
        this(id, title, hint, fields, null);
    }

    /** Whether this page is asked, given the answers so far; a page that is not MUST NOT keep answers. */
    public boolean applies(Map<String, List<String>> answers) {
        return when == null || when.holds(answers);
    }
}
