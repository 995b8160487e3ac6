package org.kalaja.portal.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.catalogue.Catalogue;
import org.kalaja.portal.seal.SealedDocument;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.PortalException.Kind;
import org.kalaja.portal.store.Who;

class DecisionsTest {
    static final Who CIVIL = new Who("clerk:c-civil", "Elira Civil", "clerk", "127.0.0.1", "test");
    static final Who CIVIL_2 = new Who("clerk:c-civil2", "Arben Civil", "clerk", "127.0.0.1", "test");
    static final Who TIRANA = new Who("clerk:c-tirana", "Teuta Tirana", "clerk", "127.0.0.1", "test");
    static final Who ANA = new Who("citizen:ana", "Ana Hoxha", "citizen", "127.0.0.1", "test");

    @TempDir
    Path dir;
    PortalFixture fx;
    Decisions decisions;

    @BeforeEach
    void open() throws Exception {
        fx = PortalFixture.open(dir);
        decisions = new Decisions(fx.records(), Catalogue.builtIn(), fx.portal.inbox(), fx.portal.documents());
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private Application stored(Application a) {
        return decisions.get(a.institution().equals("civil-registry") ? CIVIL : TIRANA,
                a.institution(), a.ref());
    }

    private List<Message> letters() {
        return fx.portal.inbox().list(ANA, "ana");
    }

    @Test
    void queueListsOnlyTheClerksInstitution() {
        Application birth = DecisionsSeed.birth(fx.records(), "ana");
        Application permit = DecisionsSeed.permit(fx.records(), "ben");

        DecisionQueue civil = decisions.queue(CIVIL, "civil-registry", Set.of(), null, "", 50);
        DecisionQueue tirana = decisions.queue(TIRANA, "tirana-municipality", Set.of(), null, "", 50);

        assertThat(civil.items()).extracting(Application::ref).containsExactly(birth.ref());
        assertThat(tirana.items()).extracting(Application::ref).containsExactly(permit.ref());
        assertThat(civil.count(Status.SUBMITTED)).isEqualTo(1);
    }

    @Test
    void queuePagesThroughTwoHundredApplicationsOldestDueFirst() {
        Instant now = fx.records().clock().instant();
        LocalDate today = LocalDate.now(fx.records().clock());
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            // Due dates from 30 days late to 69 days ahead, in an order unrelated to the keys.
            LocalDate due = today.plusDays((i * 37) % 100 - 30);
            refs.add(DecisionsSeed.submit(fx.records(), "civil-registry", "birth-certificate", "c" + i, "Citizen " + i,
                    DecisionsSeed.BIRTH, now, due).ref());
        }
        List<Application> seen = new ArrayList<>();
        String after = "";
        int pages = 0;
        do {
            DecisionQueue q = decisions.queue(CIVIL, "civil-registry", Set.of(Status.SUBMITTED), null, after, 50);
            assertThat(q.matching()).isEqualTo(200);
            seen.addAll(q.items());
            after = q.next();
            pages++;
        } while (after != null);

        assertThat(pages).isEqualTo(4);
        assertThat(seen).extracting(Application::ref).containsExactlyInAnyOrderElementsOf(refs);
        assertThat(seen).isSortedAccordingTo(DecisionQueue.ORDER);
        DecisionQueue first = decisions.queue(CIVIL, "civil-registry", Set.of(), null, "", 50);
        // Offsets -30..-1 are late, each used twice: the 60 oldest are overdue, then none.
        assertThat(seen.subList(0, 60)).allMatch(first::overdue);
        assertThat(seen.subList(60, 200)).noneMatch(first::overdue);
    }

    @Test
    void queueFiltersByStatusAndServiceAndCountsEveryStatus() {
        Application a = DecisionsSeed.birth(fx.records(), "ana");
        DecisionsSeed.birth(fx.records(), "ana");
        decisions.reject(CIVIL, "civil-registry", a.ref(), a.version(), "The child is not in the civil register.");

        DecisionQueue rejected = decisions.queue(CIVIL, "civil-registry", Set.of(Status.REJECTED), "birth-certificate", "", 50);
        DecisionQueue otherService = decisions.queue(CIVIL, "civil-registry", Set.of(), "family-certificate", "", 50);

        assertThat(rejected.items()).extracting(Application::ref).containsExactly(a.ref());
        assertThat(rejected.count(Status.REJECTED)).isEqualTo(1);
        assertThat(rejected.count(Status.SUBMITTED)).isEqualTo(1);
        assertThat(otherService.items()).isEmpty();
    }

    @Test
    void clerkOfAnotherInstitutionFindsNothingAndChangesNothing() {
        Application a = DecisionsSeed.birth(fx.records(), "ana");

        assertThatThrownBy(() -> decisions.get(TIRANA, "tirana-municipality", a.ref()))
                .isInstanceOf(PortalException.class).extracting(e -> ((PortalException) e).kind()).isEqualTo(Kind.NOT_FOUND);
        assertThatThrownBy(() -> decisions.approve(TIRANA, "tirana-municipality", a.ref(), a.version(), ""))
                .extracting(e -> ((PortalException) e).kind()).isEqualTo(Kind.NOT_FOUND);
        assertThatThrownBy(() -> decisions.reject(ANA, "civil-registry", a.ref(), a.version(), "no"))
                .extracting(e -> ((PortalException) e).kind()).isEqualTo(Kind.NOT_FOUND);
        assertThatThrownBy(() -> decisions.queue(ANA, "civil-registry", Set.of(), null, "", 50))
                .extracting(e -> ((PortalException) e).kind()).isEqualTo(Kind.NOT_FOUND);

        Application after = stored(a);
        assertThat(after.status()).isEqualTo(Status.SUBMITTED);
        assertThat(after.version()).isEqualTo(a.version());
    }

    @Test
    void twoStepServiceNeedsTwoApprovals() {
        Application a = DecisionsSeed.permit(fx.records(), "ana");

        Application first = decisions.approve(TIRANA, "tirana-municipality", a.ref(), a.version(), "Project matches the plan.");
        assertThat(first.status()).isEqualTo(Status.IN_REVIEW);
        assertThat(first.stepsDone()).isEqualTo(1);
        assertThat(decisions.nextStep(first)).map(s -> s.id()).hasValue("mayor-approval");

        Application second = decisions.approve(TIRANA, "tirana-municipality", a.ref(), first.version(), "");
        assertThat(second.status()).isEqualTo(Status.APPROVED);
        assertThat(second.history()).extracting(Application.Event::action).containsExactly("submitted", "approved", "approved");
        assertThat(letters()).extracting(Message::subject)
                .containsExactly("Your application " + a.ref() + " was approved",
                        "Your application " + a.ref() + " passed technical review by the Directorate of Urban Planning");
    }

    @Test
    void staleVersionIsAConflictAndOnlyOneDecisionIsRecorded() {
        Application a = DecisionsSeed.birth(fx.records(), "ana");
        decisions.approve(CIVIL, "civil-registry", a.ref(), a.version(), "");

        assertThatThrownBy(() -> decisions.reject(CIVIL_2, "civil-registry", a.ref(), a.version(), "Missing documents"))
                .isInstanceOf(PortalException.class).hasMessage(Decisions.CONFLICT_MESSAGE)
                .extracting(e -> ((PortalException) e).kind()).isEqualTo(Kind.CONFLICT);
        Application after = stored(a);
        assertThat(after.status()).isEqualTo(Status.APPROVED);
        assertThat(after.history()).extracting(Application.Event::action).containsExactly("submitted", "approved");
    }

    @Test
    void twoClerksApprovingAtOnceRecordOneDecision() throws Exception {
        Application a = DecisionsSeed.birth(fx.records(), "ana");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> outcomes = new ArrayList<>();
            for (Who clerk : List.of(CIVIL, CIVIL_2)) {
                Callable<String> decide = () -> {
                    start.await();
                    try {
                        decisions.approve(clerk, "civil-registry", a.ref(), a.version(), "");
                        return "done";
                    } catch (PortalException e) {
                        return e.kind().name();
                    }
                };
                outcomes.add(pool.submit(decide));
            }
            start.countDown();
            List<String> results = new ArrayList<>();
            for (Future<String> f : outcomes) results.add(f.get());
            assertThat(results).containsExactlyInAnyOrder("done", "CONFLICT");
        } finally {
            pool.shutdownNow();
        }
        assertThat(stored(a).history()).extracting(Application.Event::action).containsExactly("submitted", "approved");
        assertThat(letters()).hasSize(1);
    }

    @Test
    void rejectNeedsAReasonAndWritesItToTheApplicant() {
        Application a = DecisionsSeed.birth(fx.records(), "ana");

        assertThatThrownBy(() -> decisions.reject(CIVIL, "civil-registry", a.ref(), a.version(), "  "))
                .extracting(e -> ((PortalException) e).kind()).isEqualTo(Kind.INVALID);
        assertThat(stored(a).status()).isEqualTo(Status.SUBMITTED);

        Application r = decisions.reject(CIVIL, "civil-registry", a.ref(), a.version(), "The child is registered in Durrës.");
        assertThat(r.status()).isEqualTo(Status.REJECTED);
        assertThat(r.lastNote("rejected")).isEqualTo("The child is registered in Durrës.");
        Message letter = letters().get(0);
        assertThat(letter.subject()).isEqualTo("Your application " + a.ref() + " was rejected");
        assertThat(letter.body()).contains("Reason: The child is registered in Durrës.");
        assertThat(letter.institutionName()).isEqualTo("General Directorate of Civil Status");
        assertThat(letter.ref()).isEqualTo(a.ref());
    }

    @Test
    void requestingInformationWaitsForTheApplicantAndAsksTheQuestion() {
        Application a = DecisionsSeed.birth(fx.records(), "ana");

        Application q = decisions.requestInformation(CIVIL, "civil-registry", a.ref(), a.version(), "What is the father's name?");

        assertThat(q.status()).isEqualTo(Status.INFORMATION_REQUESTED);
        assertThat(letters().get(0).body()).contains("What is the father's name?");
        assertThatThrownBy(() -> decisions.approve(CIVIL, "civil-registry", a.ref(), q.version(), ""))
                .extracting(e -> ((PortalException) e).kind()).isEqualTo(Kind.INVALID);
    }

    @Test
    void issuingSealsTheDocumentAndTellsTheApplicantWhereItIs() {
        Application a = DecisionsSeed.birth(fx.records(), "ana");
        assertThatThrownBy(() -> decisions.issue(CIVIL, "civil-registry", a.ref(), a.version()))
                .extracting(e -> ((PortalException) e).kind()).isEqualTo(Kind.INVALID);
        Application approved = decisions.approve(CIVIL, "civil-registry", a.ref(), a.version(), "");

        Application issued = decisions.issue(CIVIL, "civil-registry", a.ref(), approved.version());

        assertThat(issued.status()).isEqualTo(Status.ISSUED);
        SealedDocument d = fx.portal.documents().forHolder(ANA, "ana", issued.documentId());
        assertThat(d.title()).isEqualTo("Birth certificate");
        assertThat(d.revoked()).isFalse();
        assertThat(d.content().application()).isEqualTo(a.ref());
        assertThat(d.note()).contains("Drita Hoxha").contains("3 March 2019");
        Message letter = letters().get(0);
        assertThat(letter.subject()).isEqualTo("Your birth certificate is ready");
        assertThat(letter.body()).contains("/documents/" + d.id());
    }

    @Test
    void bulkDecidesEachApplicationAndReportsThoseItCannot() {
        Application a = DecisionsSeed.birth(fx.records(), "ana");
        Application b = DecisionsSeed.birth(fx.records(), "ana");
        Application c = DecisionsSeed.birth(fx.records(), "ana");
        Application rejected = decisions.reject(CIVIL, "civil-registry", b.ref(), b.version(), "Duplicate application");
        Map<String, Long> seen = new LinkedHashMap<>();
        seen.put(a.ref(), a.version());
        seen.put(b.ref(), rejected.version());
        seen.put(c.ref(), -1L);
        seen.put("KAL-0000-0000", -1L);

        List<DecisionResult> results = decisions.bulk(CIVIL, "civil-registry", seen, Decisions.Action.APPROVE, "");

        assertThat(results).extracting(DecisionResult::ref).containsExactly(a.ref(), b.ref(), c.ref(), "KAL-0000-0000");
        assertThat(results).extracting(DecisionResult::outcome).containsExactly(DecisionResult.Outcome.DONE,
                DecisionResult.Outcome.NOT_ALLOWED, DecisionResult.Outcome.DONE, DecisionResult.Outcome.NOT_FOUND);
        assertThat(results.get(1).message()).contains("Rejected");
        assertThat(stored(a).status()).isEqualTo(Status.APPROVED);
        assertThat(stored(b).status()).isEqualTo(Status.REJECTED);
    }

    @Test
    void bulkRejectWithoutReasonTriesNothing() {
        Application a = DecisionsSeed.birth(fx.records(), "ana");

        assertThatThrownBy(() -> decisions.bulk(CIVIL, "civil-registry", Map.of(a.ref(), a.version()), Decisions.Action.REJECT, ""))
                .extracting(e -> ((PortalException) e).kind()).isEqualTo(Kind.INVALID);
        assertThat(stored(a).status()).isEqualTo(Status.SUBMITTED);
    }

    @Test
    void inSafeModeNothingIsDecidedAndBulkSaysWhy() {
        Application a = DecisionsSeed.birth(fx.records(), "ana");
        Application b = DecisionsSeed.birth(fx.records(), "ana");
        fx.engine.barrier().close("test");

        assertThatThrownBy(() -> decisions.approve(CIVIL, "civil-registry", a.ref(), a.version(), ""))
                .extracting(e -> ((PortalException) e).kind()).isEqualTo(Kind.SAFE_MODE);
        Map<String, Long> seen = new LinkedHashMap<>();
        seen.put(a.ref(), a.version());
        seen.put(b.ref(), b.version());
        List<DecisionResult> results = decisions.bulk(CIVIL, "civil-registry", seen, Decisions.Action.APPROVE, "");

        assertThat(results).extracting(DecisionResult::outcome).containsOnly(DecisionResult.Outcome.NOT_DONE);
        assertThat(results.get(1).message()).startsWith("Not tried: decisions are paused");
        assertThat(decisions.get(CIVIL, "civil-registry", a.ref()).version()).isEqualTo(a.version());
        assertThat(decisions.get(CIVIL, "civil-registry", b.ref()).status()).isEqualTo(Status.SUBMITTED);
    }
}
