package org.kalaja.portal.cases;

/**
 * Where an application is. The citizen sees {@link #label()} and a GOV.UK tag colour.
 *
 * <pre>
 * SUBMITTED ──approve (more steps)──► IN_REVIEW ──approve (last step)──► APPROVED ──issue──► ISSUED
 *     │   ▲                              │
 *     │   └── information provided ── INFORMATION_REQUESTED ◄── request information (from either)
 *     └──reject (from SUBMITTED, IN_REVIEW, INFORMATION_REQUESTED)──► REJECTED
 * </pre>
 */
public enum Status {
    SUBMITTED("Submitted", "govuk-tag--blue"),
    IN_REVIEW("In review", "govuk-tag--light-blue"),
    INFORMATION_REQUESTED("More information needed", "govuk-tag--orange"),
    APPROVED("Approved", "govuk-tag--turquoise"),
    ISSUED("Document issued", "govuk-tag--green"),
    REJECTED("Rejected", "govuk-tag--red");

    private final String label;
    private final String tagClass;

    Status(String label, String tagClass) {
        this.label = label;
        this.tagClass = tagClass;
    }

    public String label() {
        return label;
    }

    /** The GOV.UK tag modifier class for this status. */
    public String tagClass() {
        return tagClass;
    }

    /** Whether a clerk still has to act. */
    public boolean open() {
        return this == SUBMITTED || this == IN_REVIEW || this == APPROVED;
    }

    /** Whether nothing more can happen to the application. */
    public boolean finished() {
        return this == ISSUED || this == REJECTED;
    }
}
