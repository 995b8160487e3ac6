package org.kalaja.testkit;

import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a {@link RequiresCephRgw} test only where Ceph is installed, except in CI, where the test runs
 * and fails before its body so the missing packages are reported, not skipped. The cluster lives in
 * the root context's store, so JUnit closes it once, after the last test of the run.
 */
final class CephRgwExtension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CephRgwExtension.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return condition(CephRgw.missing(), System.getenv());
    }

    /** Skip with the reason only outside CI; in CI, run so that {@link #requireInstalled} fails the test. */
    static ConditionEvaluationResult condition(Optional<String> missing, Map<String, String> env) {
        return missing.isPresent() && !PeerVerifierExtension.isCi(env)
                ? ConditionEvaluationResult.disabled(missing.get())
                : ConditionEvaluationResult.enabled(missing.isEmpty() ? "Ceph RGW available" : "CI=true: missing Ceph fails the test");
    }

    static void requireInstalled(Optional<String> missing) {
        missing.ifPresent(reason -> {
            throw new AssertionError(reason + " (CI=true forbids skipping this test)");
        });
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        cluster(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == CephRgw.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return cluster(context);
    }

    private static CephRgw cluster(ExtensionContext context) {
        requireInstalled(CephRgw.missing());
        Running running = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Running.class, k -> Running.start(), Running.class);
        if (running.rgw() == null) {
            throw new IllegalStateException("Ceph RGW did not start (it is tried once per run; see the cause)", running.failure());
        }
        return running.rgw();
    }

    /** The cluster, or why it did not start (so that a failed start is not retried by every test); closed by JUnit. */
    private record Running(@Nullable CephRgw rgw, @Nullable RuntimeException failure)
            implements ExtensionContext.Store.CloseableResource {
        static Running start() {
            try {
                return new Running(CephRgw.start(), null);
            } catch (RuntimeException e) {
                return new Running(null, e);
            }
        }

        @Override
        public void close() {
            if (rgw != null) rgw.close();
        }
    }
}
