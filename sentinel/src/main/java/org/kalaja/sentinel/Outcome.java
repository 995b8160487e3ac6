package org.kalaja.sentinel;

/** How an audited operation ended; {@link #UNKNOWN} when it is judged at admission, before it runs. */
public enum Outcome {
    SUCCESS, FAILURE, UNKNOWN;

    /** As ECS {@code event.outcome} spells it. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
