package org.kalaja.portal.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.catalogue.Condition;
import org.kalaja.portal.catalogue.Field;
import org.kalaja.portal.catalogue.FieldType;
import org.kalaja.portal.catalogue.FormPage;
import org.kalaja.portal.catalogue.Option;
import org.kalaja.portal.catalogue.Service;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.Who;

class ApplicationsTest {
    static final Who ANA = InboxTest.ANA;
    static final Who BEN = InboxTest.BEN;
    static final Applicant ANA_APPLICANT = new Applicant("ana", "Ana Hoxha", "J85117101S");
    static final Service SERVICE = new Service("birth-certificate", "Apply for a birth certificate", "Get a certificate of birth.",
            "civil-registry", "Birth certificate", List.of(
                    new FormPage("name", "What is your full name?", "", List.of(text("full-name", "What is your full name?", "Enter your full name"))),
                    new FormPage("for-whom", "Who is the certificate for?", "", List.of(new Field("for-whom", "Who is the certificate for?", "",
                            FieldType.RADIOS, true, List.of(new Option("self", "Me"), new Option("child", "My child")), null, null, null, null,
                            null, null, "Select who the certificate is for"))),
                    new FormPage("child-name", "What is your child's name?", "",
                            List.of(text("child-name", "What is your child's name?", "Enter your child's name")),
                            new Condition("for-whom", List.of("child")))),
            List.of("Your identity card"), List.of(), 5, "Free");

    @TempDir
    Path dir;
    PortalFixture fx;
    Drafts drafts;
    Applications applications;

    static Field text(String id, String label, String required) {
        return new Field(id, label, "", FieldType.TEXT, true, List.of(), null, 200, null, null, null, null, required);
    }

    @BeforeEach
    void open() throws Exception {
        fx = PortalFixture.open(dir);
        drafts = new Drafts(fx.records());
        applications = new Applications(fx.records(), drafts, id -> id.equals(SERVICE.id()) ? Optional.of(SERVICE) : Optional.empty());
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private Draft completeDraft() {
        Draft d = drafts.start(ANA, "ana", SERVICE.id());
        drafts.save(ANA, "ana", d.id(), Map.of("full-name", List.of("Ana Hoxha")));
        return drafts.save(ANA, "ana", d.id(), Map.of("for-whom", List.of("self")));
    }

    private Application send(Draft d) {
        Submission s = applications.submit(ANA, ANA_APPLICANT, d.id());
        assertThat(s).isInstanceOf(Submission.Sent.class);
        return ((Submission.Sent) s).application();
    }

    @Test
    void sendingMakesASubmittedApplicationWithAValidReferenceAndDeletesTheDraft() {
        Draft d = completeDraft();
        Application a = send(d);

        assertThat(References.valid(a.ref())).isTrue();
        assertThat(a.status()).isEqualTo(Status.SUBMITTED);
        assertThat(a.institution()).isEqualTo("civil-registry");
        assertThat(a.applicantName()).isEqualTo("Ana Hoxha");
        assertThat(a.personalNumber()).isEqualTo("J85117101S");
        assertThat(a.answers()).containsOnlyKeys("full-name", "for-whom");
        assertThat(a.history()).extracting(Application.Event::action).containsExactly("submitted");
        assertThat(a.due()).isEqualTo(Applications.due(a.submitted(), 5));
        assertThat(drafts.find(ANA, "ana", d.id())).isEmpty();
        assertThat(applications.mine(ANA, "ana", a.ref().toLowerCase(java.util.Locale.ROOT)).ref()).isEqualTo(a.ref());
        assertThat(fx.records().get(ApplicationCodec.COLLECTION, "civil-registry:" + a.ref())).isPresent();
    }

    @Test
    void pressingSendAgainAfterSuccessReturnsTheSameApplication() {
        Draft d = completeDraft();
        Application first = send(d);
        Application again = send(d);

        assertThat(again.ref()).isEqualTo(first.ref());
        assertThat(applications.ofApplicant(ANA, "ana")).hasSize(1);
        assertThat(applications.sentFrom(ANA, "ana", d.id())).map(Application::ref).contains(first.ref());
    }

    @Test
    void pressesRacingFromSeveralTabsMakeOneApplication() throws Exception {
        Draft d = completeDraft();
        var pool = Executors.newFixedThreadPool(4);
        try {
            var start = new CountDownLatch(1);
            List<Future<Submission>> presses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                presses.add(pool.submit(() -> {
                    start.await();
                    return applications.submit(ANA, ANA_APPLICANT, d.id());
                }));
            }
            start.countDown();
            Set<String> refs = new HashSet<>();
            for (var p : presses) refs.add(((Submission.Sent) p.get()).application().ref());
            assertThat(refs).hasSize(1);
        } finally {
            pool.shutdown();
        }
        assertThat(applications.ofApplicant(ANA, "ana")).hasSize(1);
        assertThat(fx.records().listPrefix(ApplicationCodec.COLLECTION, "civil-registry:", 10)).hasSize(1);
        assertThat(drafts.find(ANA, "ana", d.id())).isEmpty();
    }

    @Test
    void aSendInterruptedAfterTheIndexIsCompletedUnderTheSameReference() {
        Draft d = drafts.reserveRef(ANA, completeDraft());
        // The node stopped after the index entry: the application itself was never written.
        fx.records().put(ANA, ApplicationCodec.MINE, "ana:" + d.ref(), org.kalaja.portal.store.PortalRecords.JSON.createObjectNode()
                .put("institution", "civil-registry").put("service", SERVICE.id()).put("draft", d.id()), 0);
        assertThat(applications.ofApplicant(ANA, "ana")).isEmpty();

        Application a = send(d);
        assertThat(a.ref()).isEqualTo(d.ref());
        assertThat(applications.ofApplicant(ANA, "ana")).extracting(Application::ref).containsExactly(d.ref());
    }

    @Test
    void answersWithErrorsSendNothingAndKeepTheDraft() {
        Draft d = drafts.start(ANA, "ana", SERVICE.id());
        drafts.save(ANA, "ana", d.id(), Map.of("full-name", List.of("Ana"), "for-whom", List.of("child")));

        Submission s = applications.submit(ANA, ANA_APPLICANT, d.id());
        assertThat(s).isInstanceOfSatisfying(Submission.Incomplete.class,
                i -> assertThat(i.errors()).containsExactly(Map.entry("child-name", "Enter your child's name")));
        assertThat(drafts.find(ANA, "ana", d.id())).isPresent();
        assertThat(applications.ofApplicant(ANA, "ana")).isEmpty();
    }

    @Test
    void answersToPagesThatNoLongerApplyAreNotSent() {
        Draft d = drafts.start(ANA, "ana", SERVICE.id());
        drafts.save(ANA, "ana", d.id(), Map.of("full-name", List.of("Ana"), "for-whom", List.of("child"), "child-name", List.of("Bora")));
        drafts.save(ANA, "ana", d.id(), Map.of("for-whom", List.of("self")));

        assertThat(send(d).answers()).containsOnlyKeys("full-name", "for-whom");
    }

    @Test
    void anotherCitizenCannotSendReadOrAnswerSomeoneElsesApplication() {
        Draft d = completeDraft();
        assertThatThrownBy(() -> applications.submit(BEN, ANA_APPLICANT, d.id())).isInstanceOfSatisfying(PortalException.class,
                e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
        Application a = send(d);

        assertThat(applications.ofApplicant(BEN, "ana")).isEmpty();
        assertThat(applications.ofApplicant(BEN, "ben")).isEmpty();
        assertThatThrownBy(() -> applications.mine(BEN, "ana", a.ref())).isInstanceOfSatisfying(PortalException.class,
                e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> applications.mine(BEN, "ben", a.ref())).isInstanceOfSatisfying(PortalException.class,
                e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> applications.provideInformation(BEN, "ana", a.ref(), a.version(), "x"))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
    }

    @Test
    void answeringTheClerksQuestionSendsTheApplicationBack() {
        Application a = send(completeDraft());
        Application asked = askQuestion(a, "Which hospital were you born in?");

        assertThatThrownBy(() -> applications.provideInformation(ANA, "ana", a.ref(), asked.version(), "  "))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.INVALID));
        assertThatThrownBy(() -> applications.provideInformation(ANA, "ana", a.ref(), a.version(), "Mother Teresa"))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.CONFLICT));

        Application answered = applications.provideInformation(ANA, "ana", a.ref(), asked.version(), "Mother Teresa hospital");
        assertThat(answered.status()).isEqualTo(Status.SUBMITTED);
        assertThat(answered.history()).extracting(Application.Event::action)
                .containsExactly("submitted", "information_requested", "information_provided");
        assertThat(answered.lastNote("information_provided")).isEqualTo("Mother Teresa hospital");
        assertThatThrownBy(() -> applications.provideInformation(ANA, "ana", a.ref(), answered.version(), "again"))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.INVALID));
    }

    /** What the back office does when it asks a question (its own code is tested in DecisionsTest). */
    private Application askQuestion(Application a, String question) {
        Instant now = Instant.now();
        List<Application.Event> history = new ArrayList<>(a.history());
        history.add(new Application.Event(now, "clerk:c1", "information_requested", question));
        Application asked = new Application(a.ref(), a.service(), a.institution(), a.applicant(), a.applicantName(), a.personalNumber(),
                Status.INFORMATION_REQUESTED, a.answers(), 0, a.submitted(), now, a.due(), null, history, a.version());
        return ApplicationCodec.fromJson(fx.records().put(InboxTest.CLERK, ApplicationCodec.COLLECTION, a.key(),
                ApplicationCodec.toJson(asked), a.version()));
    }

    @Test
    void inSafeModeSendingIsRefusedAndTheDraftIsKept() {
        Draft d = completeDraft();
        fx.engine.barrier().close("test");

        assertThatThrownBy(() -> applications.submit(ANA, ANA_APPLICANT, d.id())).isInstanceOfSatisfying(PortalException.class,
                e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.SAFE_MODE));
        assertThat(drafts.get(ANA, "ana", d.id()).values("full-name")).containsExactly("Ana Hoxha");
        assertThat(applications.ofApplicant(ANA, "ana")).isEmpty();

        fx.engine.barrier().open();
        send(d);
        assertThat(applications.ofApplicant(ANA, "ana")).hasSize(1);
    }

    @Test
    void theDecideByDateCountsWorkingDaysOnly() {
        Instant friday = ZonedDateTime.of(2026, 3, 6, 23, 30, 0, 0, Applications.ZONE).toInstant();
        assertThat(Applications.due(friday, 1)).isEqualTo(LocalDate.of(2026, 3, 9));
        assertThat(Applications.due(friday, 5)).isEqualTo(LocalDate.of(2026, 3, 13));
        Instant saturday = ZonedDateTime.of(2026, 3, 7, 9, 0, 0, 0, Applications.ZONE).toInstant();
        assertThat(Applications.due(saturday, 10)).isEqualTo(LocalDate.of(2026, 3, 20));
        // Late evening in Tirana is already the next day there, whatever the server's zone.
        Instant sundayNightUtc = ZonedDateTime.of(2026, 3, 8, 23, 30, 0, 0, java.time.ZoneOffset.UTC).toInstant();
        assertThat(Applications.due(sundayNightUtc, 1)).isEqualTo(LocalDate.of(2026, 3, 10));
    }
}
