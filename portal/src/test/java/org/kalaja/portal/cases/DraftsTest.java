package org.kalaja.portal.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.Who;

class DraftsTest {
    static final Who ANA = InboxTest.ANA;
    static final Who BEN = InboxTest.BEN;

    @TempDir
    Path dir;
    PortalFixture fx;
    Drafts drafts;

    @BeforeEach
    void open() throws Exception {
        fx = PortalFixture.open(dir);
        drafts = new Drafts(fx.records());
    }

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void savingPagesKeepsEarlierAnswersAndMarksEmptyOptionalFieldsAnswered() {
        Draft d = drafts.start(ANA, "ana", "birth-certificate");
        drafts.save(ANA, "ana", d.id(), Map.of("name", List.of("Ana Hoxha")));
        drafts.save(ANA, "ana", d.id(), Map.of("middle-name", List.of(), "purposes", List.of("school", "travel")));

        Draft back = drafts.get(ANA, "ana", d.id());
        assertThat(back.values("name")).containsExactly("Ana Hoxha");
        assertThat(back.values("purposes")).containsExactly("school", "travel");
        assertThat(back.answered("middle-name")).isTrue();
        assertThat(back.answered("date-of-birth")).isFalse();
        assertThat(back.service()).isEqualTo("birth-certificate");
    }

    @Test
    void aSaveFromAStaleTabMergesInsteadOfLosingTheOtherPage() {
        Draft d = drafts.start(ANA, "ana", "birth-certificate");
        Draft stale = drafts.get(ANA, "ana", d.id());
        drafts.save(ANA, "ana", d.id(), Map.of("name", List.of("Ana")));
        // The second tab read the draft before the first tab saved; its save must not erase "name".
        assertThat(stale.answers()).isEmpty();
        drafts.save(ANA, "ana", d.id(), Map.of("town", List.of("Tirana")));

        assertThat(drafts.get(ANA, "ana", d.id()).answers()).containsOnlyKeys("name", "town");
    }

    @Test
    void anotherCitizenCannotSeeChangeOrDeleteTheDraft() {
        Draft d = drafts.start(ANA, "ana", "birth-certificate");

        assertThat(drafts.of(BEN, "ana")).isEmpty();
        assertThat(drafts.find(BEN, "ana", d.id())).isEmpty();
        assertThatThrownBy(() -> drafts.save(BEN, "ana", d.id(), Map.of("name", List.of("X"))))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> drafts.delete(BEN, "ana", d.id()))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> drafts.start(BEN, "ana", "birth-certificate"))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
        assertThat(drafts.of(ANA, "ana")).extracting(Draft::id).containsExactly(d.id());
    }

    @Test
    void listsMostRecentlyChangedFirstAndDeleteRemovesOnlyThatDraft() throws Exception {
        Draft older = drafts.start(ANA, "ana", "birth-certificate");
        Draft newer = drafts.start(ANA, "ana", "residence-certificate");
        Thread.sleep(2);
        drafts.save(ANA, "ana", older.id(), Map.of("name", List.of("Ana")));

        assertThat(drafts.of(ANA, "ana")).extracting(Draft::id).containsExactly(older.id(), newer.id());
        drafts.delete(ANA, "ana", older.id());
        drafts.delete(ANA, "ana", older.id());
        assertThat(drafts.of(ANA, "ana")).extracting(Draft::id).containsExactly(newer.id());
    }

    @Test
    void theReservedReferenceNeverChanges() {
        Draft d = drafts.start(ANA, "ana", "birth-certificate");
        Draft reserved = drafts.reserveRef(ANA, d);
        assertThat(References.valid(reserved.ref())).isTrue();
        // A second press with the draft read before the reservation gets the same reference.
        assertThat(drafts.reserveRef(ANA, d).ref()).isEqualTo(reserved.ref());
        assertThat(drafts.get(ANA, "ana", d.id()).ref()).isEqualTo(reserved.ref());
    }

    @Test
    void inSafeModeSavingFailsAndTheSavedAnswersStay() {
        Draft d = drafts.start(ANA, "ana", "birth-certificate");
        drafts.save(ANA, "ana", d.id(), Map.of("name", List.of("Ana")));
        fx.engine.barrier().close("test");

        assertThatThrownBy(() -> drafts.save(ANA, "ana", d.id(), Map.of("name", List.of("Changed"))))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.SAFE_MODE));
        assertThatThrownBy(() -> drafts.start(ANA, "ana", "birth-certificate"))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.SAFE_MODE));
        assertThat(drafts.get(ANA, "ana", d.id()).values("name")).containsExactly("Ana");
        assertThat(drafts.of(ANA, "ana")).hasSize(1);
    }
}
