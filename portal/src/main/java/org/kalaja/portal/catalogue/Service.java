package org.kalaja.portal.catalogue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One public e-service, as declared in its file {@code <id>.yaml} in the catalogue (docs/portal/SERVICES.md).
 * A service from {@link Catalogue} has unique page ids and unique field ids across all its pages, so
 * answers are keyed by field id alone.
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

    /** The pages asked given {@code answers} so far, in order (pages whose condition does not hold are left out). */
    public List<FormPage> pagesFor(Map<String, List<String>> answers) {
        return pages.stream().filter(p -> p.applies(answers)).toList();
    }

    public Optional<FormPage> page(String pageId) {
        return pages.stream().filter(p -> p.id().equals(pageId)).findFirst();
    }

    public Optional<Field> field(String fieldId) {
        return fields().stream().filter(f -> f.id().equals(fieldId)).findFirst();
    }
}
