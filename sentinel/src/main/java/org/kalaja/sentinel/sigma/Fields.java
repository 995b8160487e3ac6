package org.kalaja.sentinel.sigma;

import org.jspecify.annotations.Nullable;

/**
 * An event as Sigma rules see it: values by their ECS field name ({@code event.action},
 * {@code user.id}, {@code source.ip}, {@code kalaja.collection}, …). The same names are used by the
 * rules, by the ECS export and by the in-process evaluator, so a shipped rule also runs unchanged in a
 * SIEM over the export.
 */
public interface Fields {
    /**
     * The value of {@code ecsName}: a {@link String}, {@link Long}, {@link Boolean}, a
     * {@link java.util.List} of those (matched when any element matches), or null when the event has no
     * such field.
     */
    @Nullable Object get(String ecsName);
}
