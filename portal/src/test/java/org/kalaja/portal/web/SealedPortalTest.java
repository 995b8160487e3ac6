package org.kalaja.portal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.LogVerifier;
import org.kalaja.engine.seal.Keyring;
import org.kalaja.ledger.VerifierKey;
import org.kalaja.portal.cases.Message;
import org.kalaja.portal.identity.Account;
import org.kalaja.testkit.ClearText;

/**
 * The portal's personal data is sealed (issue 6): the database files hold none of a citizen's name, email,
 * personal number, answers or letters; destroying one citizen's keys erases everything of theirs, every
 * page then says so plainly, and no one else loses anything; the log still verifies.
 */
class SealedPortalTest {
    private static final Caller DPO = Caller.of("admin:data-protection-officer", "127.0.0.1", "erasure");

    @TempDir
    Path dir;
    private AuthzWorld w;

    @BeforeEach
    void world() throws Exception {
        w = new AuthzWorld(dir);
    }

    @AfterEach
    void close() {
        w.close();
    }

    @Test
    void theStoreFilesHoldNoNameEmailPersonalNumberAnswerOrLetterInClear() throws Exception {
        String stored = storedBytes();
        assertThat(ClearText.contains(stored, w.a.pending)).as("control: application references are keys, in clear").isTrue();
        String sealKey = w.fx.records().get("seal-keys", AuthzWorld.X).orElseThrow().json().path("vkey").asText();
        assertThat(ClearText.contains(stored, sealKey)).as("control: the plain seal-keys body is found").isTrue();
        for (AuthzWorld.Citizen c : List.of(w.a, w.b)) {
            Message letter = w.fx.portal.inbox().open(c.who(), c.account.id(), c.letter);
            List<String> secrets = List.of(c.account.name(), c.account.email(), c.account.personalNumber(), c.answerMarker,
                    letter.subject(), letter.body(), "Which hospital was the birth registered in?");
            for (String secret : secrets) {
                assertThat(ClearText.contains(stored, secret)).as("%s's \"%s\" in the store's files", c.label, secret).isFalse();
            }
        }
        assertThat(ClearText.contains(stored, "elira.hasani@gjendjecivile.gov.al")).as("a clerk's email").isFalse();
        assertThat(ClearText.contains(stored, "Elira Hasani")).as("a clerk's name").isFalse();
    }

    @Test
    void shreddingACitizenErasesTheirPagesLeavesOthersWhole() throws Exception {
        assertThat(w.clerkX.browser().get("/clerk?institution=" + AuthzWorld.X).body()).contains(w.a.pending);
        shred(w.a.account);

        AuthzBrowser a = w.citizenA.browser();
        for (String page : List.of("/account", "/account/applications/" + w.a.pending, "/inbox/" + w.a.letter,
                "/documents/" + w.a.document)) {
            HttpResponse<String> r = a.get(page);
            assertThat(r.statusCode()).as("%s of the erased citizen", page).isEqualTo(410);
            assertThat(r.body()).contains("This information was erased").doesNotContain(w.a.answerMarker);
        }
        HttpResponse<String> queue = w.clerkX.browser().get("/clerk?institution=" + AuthzWorld.X);
        assertThat(queue.statusCode()).as("the queue of the erased citizen's institution").isEqualTo(200);
        assertThat(queue.body()).doesNotContain(w.a.pending).doesNotContain(w.a.account.name());
        HttpResponse<String> clerkView = w.clerkX.browser().get("/clerk/applications/" + w.a.pending + "?institution=" + AuthzWorld.X);
        assertThat(clerkView.statusCode()).isEqualTo(410);

        AuthzBrowser b = w.citizenB.browser();
        assertThat(b.get("/account").body()).contains(w.b.pending, w.b.issued);
        assertThat(b.get("/account/applications/" + w.b.pending).body()).contains(w.b.answerMarker);
        assertThat(b.get("/inbox/" + w.b.letter).statusCode()).isEqualTo(200);
        assertThat(b.get("/documents/" + w.b.document).statusCode()).isEqualTo(200);
        assertThat(w.clerkY.browser().get("/clerk?institution=" + AuthzWorld.Y).body()).contains(w.b.pending);

        w.fx.log.integrate();
        LogVerifier.Report report = LogVerifier.verify(w.fx.store, Optional.of(VerifierKey.parse(w.fx.log.vkey())), s -> { });
        assertThat(report.entries()).isEqualTo(w.fx.store.size());
    }

    @Test
    void anErasedPersonCanNeitherSignInNorBlockTheirEmailAndNumberFromANewAccount() {
        shred(w.a.account);
        HttpResponse<String> signIn = w.browser("erased").post("/sign-in", "email", w.a.account.email(), "password", AuthzWorld.password());
        assertThat(signIn.statusCode()).isEqualTo(400);
        assertThat(signIn.body()).contains("Enter a correct email address and password");
        Account again = w.fx.portal.identity().accounts().registerCitizen(CitizenBrowser.REQUEST, "Arta Zenelaj",
                w.a.account.personalNumber(), w.a.account.email(), AuthzWorld.password());
        assertThat(again.id()).isNotEqualTo(w.a.account.id());
        assertThat(w.fx.portal.identity().accounts().byEmail(w.a.account.email())).map(Account::id).contains(again.id());
        assertThat(w.fx.portal.identity().accounts().byPersonalNumber(w.a.account.personalNumber())).map(Account::id).contains(again.id());
    }

    @Test
    void verificationPassesForALiveDocumentAndSaysErasedForAShreddedOne() {
        AuthzBrowser anyone = w.anonymous.browser();
        shred(w.a.account);
        HttpResponse<String> live = anyone.get("/api/v1/documents/" + w.b.document + "/verification");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).contains("\"genuine\":true").contains("\"holder_name\":\"" + w.b.account.name() + "\"");
        assertThat(anyone.get("/verify/" + w.b.document).body()).contains("This document is genuine");

        HttpResponse<String> gone = anyone.get("/api/v1/documents/" + w.a.document + "/verification");
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(gone.body()).contains("\"error\":\"erased\"").doesNotContain(w.a.account.name());
        HttpResponse<String> page = anyone.get("/verify/" + w.a.document);
        assertThat(page.statusCode()).isEqualTo(410);
        assertThat(page.body()).contains("This document was erased").contains("right to erasure").doesNotContain(w.a.account.name());
    }

    /** An erasure request met: the citizen's keys destroyed, then every KEK that wrapped them. */
    private void shred(Account citizen) {
        Keyring ring = w.fx.engine.keyring().orElseThrow();
        assertThat(ring.shred(DPO, citizen.id(), "erasure request ER-2026-17")).isNotEmpty();
        ring.rotate(DPO, () -> { });
    }

    /** Every byte of every file in the store's directory (the database, its WAL and shared memory). */
    private String storedBytes() throws IOException {
        return ClearText.under(w.fx.storeDir);
    }
}
