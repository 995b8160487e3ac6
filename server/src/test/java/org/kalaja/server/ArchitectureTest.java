package org.kalaja.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kalaja.engine.Caller;
import org.kalaja.engine.RecordsEngine;

/** The dependency direction of DESIGN.md, kept by a test rather than by hope. */
class ArchitectureTest {
    static JavaClasses kalaja;

    @BeforeAll
    static void importClasses() {
        kalaja = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.kalaja");
    }

    @Test
    void ledgerDependsOnNothingButTheJdk() {
        classes().that().resideInAPackage("org.kalaja.ledger..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("org.kalaja.ledger..", "java..")
                .check(kalaja);
    }

    @Test
    void engineDependsOnNoDriverAndNotOnTheServer() {
        noClasses().that().resideInAPackage("org.kalaja.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.kalaja.store..", "org.kalaja.vault..", "org.kalaja.server..",
                        "org.kalaja.sentinel..", "org.kalaja.portal..", "org.kalaja.testkit..")
                .check(kalaja);
    }

    @Test
    void onlyIncidentUndoWritesPastSafeModeAndOnlyTheStateAuditRepairsState() {
        noClasses().that().resideOutsideOfPackages("org.kalaja.sentinel.undo..", "org.kalaja.engine..", "org.kalaja.testkit..")
                .should().callMethod(RecordsEngine.class, "compensate", Caller.class, String.class, String.class, byte[].class, long.class,
                        String.class)
                .check(kalaja);
        noClasses().that().resideOutsideOfPackages("org.kalaja.sentinel.state..", "org.kalaja.engine..", "org.kalaja.testkit..")
                .should().callMethod(RecordsEngine.class, "repairStates", Caller.class, byte[].class, List.class, List.class)
                .check(kalaja);
    }

    @Test
    void sentinelDependsOnNoDriverAndNotOnTheServer() {
        noClasses().that().resideInAPackage("org.kalaja.sentinel..")
                .should().dependOnClassesThat().resideInAnyPackage("org.kalaja.store..", "org.kalaja.vault..", "org.kalaja.server..",
                        "org.kalaja.portal..", "org.kalaja.testkit..")
                .check(kalaja);
    }

    @Test
    void portalDependsOnNoDriverAndNotOnTheServer() {
        noClasses().that().resideInAPackage("org.kalaja.portal..")
                .should().dependOnClassesThat().resideInAnyPackage("org.kalaja.store..", "org.kalaja.vault..", "org.kalaja.server..",
                        "org.kalaja.testkit..")
                .check(kalaja);
    }

    @Test
    void onlyThePortalsRecordsTouchTheEngineForPortalData() {
        // Authorization lives in the portal's services; the pages must not reach past them to the engine.
        noClasses().that().resideInAPackage("org.kalaja.portal.web..")
                .should().dependOnClassesThat().areAssignableTo(RecordsEngine.class)
                .check(kalaja);
    }

    @Test
    void s3VaultDependsOnNoStoreDriverAndNotOnTheServer() {
        noClasses().that().resideInAPackage("org.kalaja.vault.s3..")
                .should().dependOnClassesThat().resideInAnyPackage("org.kalaja.store..", "org.kalaja.server..", "org.kalaja.testkit..")
                .check(kalaja);
    }

    @Test
    void sqliteDriverDependsOnNeitherTheOtherDriverNorTheServer() {
        noClasses().that().resideInAPackage("org.kalaja.store.sqlite..")
                .should().dependOnClassesThat().resideInAnyPackage("org.kalaja.store.postgres..", "org.kalaja.server..")
                .check(kalaja);
    }

    @Test
    void postgresDriverDependsOnNeitherTheOtherDriverNorTheServer() {
        noClasses().that().resideInAPackage("org.kalaja.store.postgres..")
                .should().dependOnClassesThat().resideInAnyPackage("org.kalaja.store.sqlite..", "org.kalaja.server..")
                .check(kalaja);
    }

    @Test
    void onlyTheServerNamesConcreteDrivers() {
        noClasses().that().resideOutsideOfPackages("org.kalaja.server..", "org.kalaja.store..", "org.kalaja.vault..")
                .should().dependOnClassesThat().resideInAnyPackage("org.kalaja.store..", "org.kalaja.vault..")
                .check(kalaja);
    }
}
