package org.kalaja.portal.cases;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An application a citizen has started and not yet sent, stored in {@code portal.drafts} under key
 * {@code <accountId>:<id>}. A field id present in {@code answers} means its page was saved (an optional
 * field left empty is present with no values), which is how a resumed journey finds the first page
 * still to answer.
 *
 * @param id        random, lower-case letters and digits; part of the journey's URLs
 * @param accountId the citizen's account id
 * @param service   the service's id
 * @param answers   field id → values, as saved page by page
 * @param ref       the reference reserved when the citizen first pressed "Accept and send", or null:
 *                  once set it MUST NOT change, so sending twice makes one application
 * @param version   the record version read
 */
public record Draft(String id, String accountId, String service, Map<String, List<String>> answers, Instant created,
        Instant updated, @Nullable String ref, long version) {

    public Draft {
        answers = Map.copyOf(answers);
    }

    /** The storage key: {@code <accountId>:<id>}. */
    public String key() {
        return accountId + ":" + id;
    }

    /** The values saved for {@code fieldId}; empty when none. */
    public List<String> values(String fieldId) {
        return answers.getOrDefault(fieldId, List.of());
    }

    /** Whether the page holding {@code fieldId} has been saved. */
    public boolean answered(String fieldId) {
        return answers.containsKey(fieldId);
    }
}
