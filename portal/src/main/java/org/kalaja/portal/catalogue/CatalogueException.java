package org.kalaja.portal.catalogue;

import java.util.List;

/**
 * A catalogue that MUST NOT be served: at least one file is missing, unreadable or wrong. Each of
 * {@link #problems()} names the file (and, where it applies, the service, page and field) and says what to
 * fix; the message lists them all, one a line, so an operator fixes every file in one pass.
 */
public final class CatalogueException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    CatalogueException(String source, List<String> problems) {
        super("The service catalogue in " + source + " cannot be used (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, each starting with the file's name. */
    public List<String> problems() {
        return problems;
    }
}
