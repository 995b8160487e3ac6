package org.kalaja.testkit;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a {@link RequiresPeerVerifier} test only where the peer verifier is available, except in CI,
 * where the test runs and fails before its body so the missing tool is reported, not skipped.
 */
final class PeerVerifierExtension implements ExecutionCondition, BeforeEachCallback, ParameterResolver {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return condition(PeerVerifierBuild.missing(), System.getenv());
    }

    /** Skip with the reason only outside CI; in CI, run so {@link #beforeEach} fails. */
    static ConditionEvaluationResult condition(Optional<String> missing, Map<String, String> env) {
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("Go peer verifier available");
        }
        if (isCi(env)) {
            return ConditionEvaluationResult.enabled("CI=true: a missing Go peer verifier fails the test");
        }
        return ConditionEvaluationResult.disabled(missing.get());
    }

    static boolean isCi(Map<String, String> env) {
        return "true".equalsIgnoreCase(env.getOrDefault("CI", "").strip());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        verifier();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PeerVerifier.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return verifier();
    }

    private static PeerVerifier verifier() {
        return PeerVerifier.locate().orElseThrow(() -> new AssertionError(
                PeerVerifier.unavailableReason() + " (CI=true forbids skipping this test)"));
    }
}
