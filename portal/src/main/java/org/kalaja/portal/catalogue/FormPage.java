package org.kalaja.portal.catalogue;

import java.util.List;

/**
 * One page of a service's form: GOV.UK's "one thing per page", so usually one field.
 *
 * @param id     stable id used in the page's URL
 * @param title  the page's heading (the question when the page has one field)
 * @param fields the questions asked on this page, at least one
 */
public record FormPage(String id, String title, String hint, List<Field> fields) {
    public FormPage {
        fields = List.copyOf(fields);
    }
}
