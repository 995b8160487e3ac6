package org.kalaja.portal.cases;

/**
 * What happened to one application of a bulk decision. A bulk action MUST report one result per
 * reference it was given, in the order given, so the clerk sees which were decided and which were not.
 *
 * @param ref     the application's reference as given
 * @param outcome what happened
 * @param message one sentence for the clerk ("Approved", "Already rejected: it cannot be approved", …)
 */
public record DecisionResult(String ref, Outcome outcome, String message) {

    public enum Outcome {
        /** The decision is recorded and the applicant was written to. */
        DONE,
        /** Someone changed the application since the clerk saw it; nothing was written. */
        CONFLICT,
        /** The application's status does not allow this decision; nothing was written. */
        NOT_ALLOWED,
        /** No such application in this institution; nothing was written. */
        NOT_FOUND,
        /** The write was refused (decisions paused, the clerk contained, the store busy); nothing was written. */
        NOT_DONE
    }

    public boolean done() {
        return outcome == Outcome.DONE;
    }
}
