package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safe mode as people meet it in a browser: the engine's barrier closed (an attack being contained),
 * every page says so, reading and checking keep working, and anything that would write shows the
 * "service unavailable" page with status 503, keeps the answers, and works again once the barrier opens.
 */
@Timeout(300)
class PortalBrowserSafeModeTest {
    private static final String BANNER = "New applications and decisions are paused while we protect the service.";
    private static final String UNAVAILABLE = "Sorry, the service is unavailable";

    @TempDir
    Path tmp;

    @Test
    void inSafeModePeopleReadAndVerifyButWritesShowTheUnavailablePageUntilTheBarrierOpens() throws Exception {
        try (PortalBrowserTest.People p = PortalBrowserTest.People.open(tmp)) {
            RunningNode n = p.node();
            Browser citizen = p.citizen();
            Browser clerk = p.clerk();
            Browser visitor = p.visitor();
            PortalBrowserTest.Citizen me = PortalBrowserTest.createAccount(citizen,
                    new PortalBrowserTest.Citizen("Luan Shehu", "H81231011N", "luan@example.al", "copper valley evening"));
            PortalBrowserTest.answerForMyself(citizen);
            String issuedRef = PortalBrowserTest.send(citizen);
            String documentId = PortalBrowserTest.signInNewClerkAndIssue(n, clerk, "Teuta Gjoni", "teuta.gjoni@civil-registry.al",
                    issuedRef, me.name());
            PortalBrowserTest.answerForMyself(citizen);
            String waitingRef = PortalBrowserTest.send(citizen);
            PortalBrowserTest.answerForMyself(citizen);
            String checkPath = citizen.path();

            n.node.engine().barrier().close("test: an attack is being contained");

            citizen.click("Sign out");
            assertThat(citizen.path()).isEqualTo("/sign-in");
            assertBanner(citizen, "safe-01-sign-in");
            citizen.fill("Email address", me.email());
            citizen.fill("Password", me.password());
            citizen.click("Sign in");
            assertThat(citizen.h1()).as("signing in needs no write").isEqualTo("Your applications");
            assertThat(citizen.status()).isEqualTo(200);
            assertThat(citizen.text()).contains(issuedRef, waitingRef).contains("Applications you have not finished");
            assertBanner(citizen, "safe-02-dashboard");

            citizen.click("Inbox");
            assertBanner(citizen, "safe-03-inbox");
            citizen.click("Your birth certificate is ready");
            assertThat(citizen.h1()).as("an unread letter opens").isEqualTo("Your birth certificate is ready");
            assertThat(citizen.status()).isEqualTo(200);
            citizen.go("/documents/" + documentId);
            assertThat(citizen.h1()).isEqualTo("Birth certificate");
            assertThat(citizen.status()).isEqualTo(200);
            assertBanner(citizen, "safe-04-document");
            assertThat(citizen.fetch("/documents/" + documentId + "/sealed.txt").body()).startsWith("kalaja.document/v1\nid " + documentId);

            visitor.go("/verify");
            visitor.fill("Document number", documentId);
            visitor.click("Check document");
            assertThat(visitor.h1()).isEqualTo("This document is genuine");
            assertBanner(visitor, "safe-05-verified");

            citizen.go("/services/birth-certificate");
            assertBanner(citizen, "safe-06-start");
            citizen.click("Start now");
            assertUnavailable(citizen, "safe-07-start-refused");
            assertThat(PortalBrowserAccessibilityTest.audit(citizen, null)).as("the unavailable page's accessibility").isEmpty();

            citizen.go(checkPath);
            assertThat(citizen.h1()).as("answers already given can be read").isEqualTo("Check your answers before sending your application");
            assertBanner(citizen, "safe-08-check");
            citizen.click("Accept and send");
            assertUnavailable(citizen, "safe-09-send-refused");
            citizen.go(checkPath);
            assertThat(PortalBrowserTest.summaryValue(citizen, "Who is the birth certificate for?")).as("the answers are kept").isEqualTo("Myself");

            clerk.go("/clerk/applications/" + waitingRef);
            assertBanner(clerk, "safe-10-clerk");
            clerk.click("Approve the application");
            assertUnavailable(clerk, "safe-11-decision-refused");

            n.node.engine().barrier().open();

            citizen.go(checkPath);
            assertThat(citizen.all(".kalaja-safe-mode")).as("no banner once writes are back").isEmpty();
            String ref = PortalBrowserTest.send(citizen);
            assertThat(citizen.status()).isEqualTo(200);
            assertThat(ref).isNotIn(issuedRef, waitingRef);
            citizen.screenshot("safe-12-sent-after-reopening");
            clerk.go("/clerk/applications/" + waitingRef);
            clerk.click("Approve the application");
            assertThat(clerk.find(".govuk-notification-banner--success").getText()).contains("Application approved");

            p.assertConsolesClean();
        }
    }

    @Test
    void theUnavailablePageNamesTheCounterOfTheServiceRefused() throws Exception {
        try (PortalBrowserTest.Solo solo = PortalBrowserTest.Solo.open(tmp)) {
            RunningNode n = solo.node();
            Browser citizen = solo.browser();
            PortalBrowserTest.createAccount(citizen,
                    new PortalBrowserTest.Citizen("Agim Rama", "G70102033L", "agim@example.al", "amber window orchard"));
            n.node.engine().barrier().close("test: an attack is being contained");
            citizen.go("/services/birth-certificate");
            citizen.click("Start now");
            assertUnavailable(citizen, "safe-13-counter");
            assertThat(citizen.text()).contains("General Directorate of Civil Status", "civil status office (Zyra e Gjendjes Civile)");
        }
    }

    private static void assertBanner(Browser b, String screenshot) throws Exception {
        b.screenshot(screenshot);
        assertThat(b.find(".kalaja-safe-mode").getText()).as("safe-mode banner on %s", b.path()).contains(BANNER);
    }

    /** The GOV.UK "service unavailable" pattern: 503, when it will be back, the answers kept, another way. */
    private static void assertUnavailable(Browser b, String screenshot) throws Exception {
        b.screenshot(screenshot);
        assertThat(b.h1()).isEqualTo(UNAVAILABLE);
        assertThat(b.status()).isEqualTo(503);
        assertThat(b.title()).startsWith(UNAVAILABLE);
        assertThat(b.text()).contains("as soon as the incident is contained", "We have saved the answers you already gave",
                "the institution's counter");
    }
}
