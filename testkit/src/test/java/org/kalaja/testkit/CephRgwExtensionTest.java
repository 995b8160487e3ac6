package org.kalaja.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/** The S3 tests are skipped where Ceph is missing, except in CI, where they fail naming the packages. */
class CephRgwExtensionTest {
    private static final Optional<String> MISSING = Optional.of(CephRgw.UNAVAILABLE + "; missing radosgw");

    @Test
    void missingCephSkipsWithTheInstallHintOutsideCi() {
        ConditionEvaluationResult c = CephRgwExtension.condition(MISSING, Map.of("CI", "false"));

        assertThat(c.isDisabled()).isTrue();
        assertThat(c.getReason()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("install ceph-mon ceph-osd radosgw (scripts/install-test-deps)").contains("missing radosgw"));
    }

    @Test
    void missingCephRunsTheTestInCiAndFailsItNamingThePackages() {
        assertThat(CephRgwExtension.condition(MISSING, Map.of("CI", "true")).isDisabled()).isFalse();
        assertThatThrownBy(() -> CephRgwExtension.requireInstalled(MISSING))
                .isInstanceOf(AssertionError.class).hasMessageContaining("ceph-mon ceph-osd radosgw")
                .hasMessageContaining("CI=true");
    }

    @Test
    void installedCephRuns() {
        assertThat(CephRgwExtension.condition(Optional.empty(), Map.of()).isDisabled()).isFalse();
        CephRgwExtension.requireInstalled(Optional.empty());
    }
}
