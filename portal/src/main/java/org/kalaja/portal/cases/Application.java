package org.kalaja.portal.cases;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A submitted application, as stored in {@code portal.applications} under key {@code <institution>:<ref>}
 * (so an institution's queue is one key range). The applicant finds theirs through
 * {@code portal.my-applications} ({@code <accountId>:<ref>}).
 *
 * @param ref           the reference the citizen quotes ({@link References}); unique across the portal
 * @param service       the service's id
 * @param institution   the deciding institution's id
 * @param applicant     the applicant's account id
 * @param applicantName the applicant's name as their account holds it
 * @param personalNumber the applicant's personal number (NID) as their account holds it
 * @param answers       field id → values, as validated at submission
 * @param stepsDone     approval steps taken so far (index into the service's approval steps)
 * @param due           the date the service level promises a decision by
 * @param documentId    the issued document's id once ISSUED, else null
 * @param history       everything that happened, oldest first
 * @param version       the record version read (for the next write's precondition); 0 before the first write
 */
public record Application(String ref, String service, String institution, String applicant, String applicantName,
        String personalNumber, Status status, Map<String, List<String>> answers, int stepsDone, Instant submitted, Instant updated,
        LocalDate due, @Nullable String documentId, List<Event> history, long version) {

    public Application {
        answers = Map.copyOf(answers);
        history = List.copyOf(history);
    }

    /**
     * One thing that happened to an application.
     *
     * @param actor  who did it ({@code citizen:<id>}, {@code clerk:<id>})
     * @param action {@code submitted}, {@code approved}, {@code rejected}, {@code information_requested},
     *               {@code information_provided}, {@code issued}
     * @param note   the clerk's reason or question, the citizen's answer, or ""
     */
    public record Event(Instant at, String actor, String action, String note) {}

    /** The storage key: {@code <institution>:<ref>}. */
    public String key() {
        return institution + ":" + ref;
    }

    /** The latest clerk note of kind {@code action} (a rejection reason, a question), or "". */
    public String lastNote(String action) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).action().equals(action)) return history.get(i).note();
        }
        return "";
    }
}
