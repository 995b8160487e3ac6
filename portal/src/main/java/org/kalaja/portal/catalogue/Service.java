package org.kalaja.portal.catalogue;

import java.util.List;

/**
 * One public e-service, as declared in its file under the catalogue directory (docs/SERVICES.md).
 *
 * @param id                 stable id used in URLs, references and the application's record
 * @param name               what the service is called ("Apply for a birth certificate")
 * @param summary            one sentence on the start page
 * @param institution        the id of the institution that decides and seals
 * @param documentTitle      the title printed on the issued document ("Birth certificate")
 * @param pages              the form's pages in order
 * @param documentsRequired  what the citizen must have ready (shown on the start page)
 * @param approvals          the decisions needed before issue, in order; empty means one approval
 * @param serviceLevelDays   the working days the institution promises to decide within
 * @param fee                what it costs, in words ("Free", "500 lekë")
 */
public record Service(String id, String name, String summary, String institution, String documentTitle, List<FormPage> pages,
        List<String> documentsRequired, List<ApprovalStep> approvals, int serviceLevelDays, String fee) {
    public Service {
        pages = List.copyOf(pages);
        documentsRequired = List.copyOf(documentsRequired);
        approvals = List.copyOf(approvals);
    }

    /** Every field of the form, in page order. */
    public List<Field> fields() {
        return pages.stream().flatMap(p -> p.fields().stream()).toList();
    }
}
