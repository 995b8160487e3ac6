package org.kalaja.sentinel.sigma;

/**
 * A rules file Kalaja refuses to load: malformed YAML, a document that is not a valid Sigma rule, or a
 * Sigma feature outside the supported subset. Loading MUST fail rather than drop or weaken a rule, so the
 * message always names the file, the rule (title and id, when the document has them) and the feature.
 */
public final class RuleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String rule;
    private final String feature;

    public RuleException(String file, String rule, String feature) {
        super(file + (rule.isEmpty() ? "" : ", rule " + rule) + ": " + feature);
        this.file = file;
        this.rule = rule;
        this.feature = feature;
    }

    /** The file (or classpath resource) that holds the refused document. */
    public String file() {
        return file;
    }

    /** {@code 'title' (id)} of the refused rule, "" when the document could not be read as a rule at all. */
    public String rule() {
        return rule;
    }

    /** What is wrong or unsupported, e.g. {@code unsupported modifier 'base64'}. */
    public String feature() {
        return feature;
    }
}
