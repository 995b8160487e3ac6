package org.kalaja.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.io.TempDir;

class PeerVerifierTest {

    @Nested
    @RequiresPeerVerifier
    class AgainstALogTheLedgerWrote {
        private final PeerVerifier go;
        @TempDir Path dir;

        AgainstALogTheLedgerWrote(PeerVerifier go) {
            this.go = go;
        }

        @Test
        void goAcceptsItAndProvesInclusionAndConsistency() throws Exception {
            LedgerWrittenLog log = new LedgerWrittenLog(dir).append(300);
            Path old = dir.resolve("checkpoint.300");
            Files.write(old, log.signedCheckpoint());
            log.append(70_000 - 300); // three tile levels, each ending in a partial tile

            PeerVerifier.Result r = go.verify(dir.toString(), log.vkey(), List.of(), old, 0, 299, 65_536, 69_999)
                    .requireOk();

            assertThat(r.origin()).isEqualTo(LedgerWrittenLog.ORIGIN);
            assertThat(r.size()).isEqualTo(70_000);
            assertThat(r.root()).isEqualTo(log.root().base64());
            assertThat(r.entriesChecked()).isEqualTo(70_000);
            assertThat(r.inclusionChecked()).isEqualTo(4);
            assertThat(r.consistencyChecked()).isTrue();
        }

        @Test
        void goRejectsItWhenAnEntryBundleWasAlteredNamingTheBundle() throws Exception {
            LedgerWrittenLog log = new LedgerWrittenLog(dir).append(20);
            Path bundle = dir.resolve("tile/entries/000.p/20");
            Files.write(bundle, LedgerWrittenLog.flipBit(Files.readAllBytes(bundle), 40));

            PeerVerifier.Result r = go.verify(dir.toString(), log.vkey());

            assertThat(r.ok()).isFalse();
            assertThat(r.error()).contains("tile/entries/000.p/20").contains("leaf hash");
        }

        @Test
        void goRejectsItsCheckpointUnderAnotherLogsKey() throws Exception {
            LedgerWrittenLog log = new LedgerWrittenLog(dir).append(3);
            LedgerWrittenLog impostor = new LedgerWrittenLog(dir.resolve("other")).append(3);

            PeerVerifier.Result r = go.verify(dir.toString(), impostor.vkey());

            assertThat(r.ok()).isFalse();
            assertThat(r.error()).contains("checkpoint");
            assertThat(go.verify(dir.toString(), log.vkey()).ok()).isTrue();
        }
    }

    @Test
    void missingGoSkipsWithTheInstallHintOutsideCi() {
        ConditionEvaluationResult c = PeerVerifierExtension.condition(Optional.of(PeerVerifier.UNAVAILABLE), Map.of());

        assertThat(c.isDisabled()).isTrue();
        assertThat(c.getReason()).contains(
                "Go peer verifier unavailable: install golang-go golang-golang-x-mod-dev (scripts/install-test-deps)");
    }

    @Test
    void missingGoRunsTheTestSoItFailsInCi() {
        ConditionEvaluationResult c = PeerVerifierExtension.condition(
                Optional.of(PeerVerifier.UNAVAILABLE), Map.of("CI", "true"));

        assertThat(c.isDisabled()).isFalse();
    }

    @Test
    void resultCarriesTheVerifiersErrorIntoTheAssertion() {
        PeerVerifier.Result r = PeerVerifier.Result.parse("{\"ok\":false,\"error\":\"entry 7: leaf hash X, tile has Y\"}");

        assertThat(r.ok()).isFalse();
        assertThatThrownBy(r::requireOk)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("entry 7: leaf hash X, tile has Y");
    }
}
