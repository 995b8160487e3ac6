package org.kalaja.sentinel.sigma;

/** Where a document came from, so that every refusal names the file and the rule. */
record Origin(String file, String rule) {
    RuleException refuse(String feature) {
        return new RuleException(file, rule, feature);
    }
}
