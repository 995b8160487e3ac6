package org.kalaja.portal.cases;

import java.util.Map;

/** What pressing "Accept and send" did: the application was sent, or some answers need fixing first. */
public sealed interface Submission {

    /** Sent (now or by an earlier press of the same button): the application as stored. */
    record Sent(Application application) implements Submission {}

    /**
     * Nothing was sent: the answers, checked again, have errors (a date bound moved on, the service's form
     * changed since the draft was saved).
     *
     * @param errors field id → message, in form order; never empty
     */
    record Incomplete(Draft draft, Map<String, String> errors) implements Submission {
        public Incomplete {
            errors = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(errors));
        }
    }
}
