package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.identity.Accounts;
import org.kalaja.portal.identity.Totp;
import org.kalaja.portal.store.Who;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The portal in a real browser (headless Chromium): what a citizen, a clerk and a visitor see, through
 * the pages alone. The steps here are shared with the other PortalBrowser*Test classes; each asserts it
 * arrived where a person would expect, so a broken step fails where it breaks.
 */
@Timeout(240)
class PortalBrowserTest {
    static final String SERVICE = "Apply for a birth certificate";
    private static final Pattern LOG_ENTRY = Pattern.compile("Recorded in the public log as entry (\\d+)");

    @TempDir
    Path tmp;

    /** A citizen as they registered. */
    record Citizen(String name, String personalNumber, String email, String password) {}

    /** A node serving the portal, and three browser profiles on it: a citizen's, a clerk's and a visitor's. */
    record People(RunningNode node, Browser citizen, Browser clerk, Browser visitor) implements AutoCloseable {
        /** Skips the test on a machine without Chromium. */
        static People open(Path dir) {
            Browser.assumeAvailable();
            RunningNode n = RunningNode.startWithPortal(dir.resolve("node"));
            List<Browser> opened = new ArrayList<>();
            try {
                for (String who : List.of("citizen", "clerk", "visitor")) opened.add(Browser.open(n.url("/"), dir.resolve(who)));
            } catch (RuntimeException e) {
                opened.forEach(Browser::close);
                n.close();
                throw e;
            }
            return new People(n, opened.get(0), opened.get(1), opened.get(2));
        }

        Browser get(String who) {
            return switch (who) {
                case "citizen" -> citizen;
                case "clerk" -> clerk;
                default -> visitor;
            };
        }

        /** No CSP violation or failed load in any of the three; the icon Chromium asks for by itself has its own test. */
        void assertConsolesClean() {
            for (Browser b : List.of(citizen, clerk, visitor)) {
                assertThat(b.consoleProblems()).as("console of %s", b.consoleMessages()).allMatch(m -> m.contains("/favicon.ico "));
            }
        }

        @Override
        public void close() {
            for (Browser b : List.of(citizen, clerk, visitor)) b.close();
            node.close();
        }
    }

    /** A node serving the portal and one browser profile on it. */
    record Solo(RunningNode node, Browser browser) implements AutoCloseable {
        /** Skips the test on a machine without Chromium. */
        static Solo open(Path dir) {
            Browser.assumeAvailable();
            RunningNode n = RunningNode.startWithPortal(dir.resolve("node"));
            try {
                return new Solo(n, Browser.open(n.url("/"), dir.resolve("profile")));
            } catch (RuntimeException e) {
                n.close();
                throw e;
            }
        }

        @Override
        public void close() {
            browser.close();
            node.close();
        }
    }

    @Test
    void theStatusPageRendersWithItsStylesUnderTheStrictContentSecurityPolicy() throws Exception {
        try (Solo solo = Solo.open(tmp)) {
            Browser b = solo.browser();
            b.go("/service-status");

            assertThat(b.h1()).isEqualTo("Service status");
            assertThat(b.find("html").getAttribute("lang")).isEqualTo("en");
            assertThat(b.text()).contains("All services are working");
            // The stylesheet loaded: the header has Kalaja's colour, not the browser's default white.
            assertThat(b.find("header").getCssValue("background-color")).isEqualTo("rgba(122, 30, 18, 1)");
            assertThat(b.find("body").getCssValue("font-family")).doesNotContain("GDS Transport");
            b.screenshot("status-page");
        }
    }

    @Test
    void citizenAppliesClerkIssuesAndAVisitorFindsTheBirthCertificateGenuine() throws Exception {
        try (People p = People.open(tmp)) {
            RunningNode n = p.node();
            Browser citizen = p.citizen();
            Browser clerk = p.clerk();
            Browser visitor = p.visitor();
            Citizen me = createAccount(citizen, new Citizen("Elira Kola", "J85403021S", "elira@example.al", "river stone lantern"));
            citizen.screenshot("journey-01-account");

            citizen.click("Apply for a service");
            citizen.click(SERVICE);
            assertThat(citizen.h1()).isEqualTo(SERVICE);
            citizen.screenshot("journey-02-start");
            citizen.click("Start now");
            assertThat(citizen.h1()).isEqualTo("Who is the birth certificate for?");

            citizen.click("Continue");
            assertThat(citizen.status()).isEqualTo(400);
            assertThat(citizen.title()).startsWith("Error: ");
            WebElement summaryLink = citizen.find(".govuk-error-summary a");
            assertThat(summaryLink.getText()).isEqualTo("Select who the birth certificate is for");
            assertThat(summaryLink.getDomAttribute("href")).isEqualTo("#for-whom");
            assertThat(citizen.find("fieldset").getDomAttribute("aria-describedby")).contains("for-whom-error");
            assertThat(citizen.find("#for-whom-error").getText()).contains("Select who the birth certificate is for");
            citizen.screenshot("journey-03-question-error");
            summaryLink.click();
            assertThat(citizen.focused().getDomAttribute("id")).as("the error summary link moves focus to the first radio").isEqualTo("for-whom");

            citizen.choose("My child (under 18)");
            citizen.click("Continue");
            assertThat(citizen.h1()).isEqualTo("What is your child's full name?");
            citizen.fill("What is your child's full name?", "Ana Kola");
            citizen.click("Continue");
            assertThat(citizen.h1()).isEqualTo("What is your child's date of birth?");
            citizen.fill("Day", "14");
            citizen.fill("Month", "6");
            citizen.fill("Year", "2016");
            citizen.click("Continue");
            assertThat(citizen.h1()).isEqualTo("What is your child's personal number? (optional)");
            citizen.click("Continue");
            assertThat(citizen.h1()).isEqualTo("Why do you need the certificate?");
            citizen.choose("To use abroad (residence, citizenship or study)");
            citizen.click("Continue");
            assertThat(citizen.h1()).isEqualTo("Which language should the certificate be in?");
            citizen.choose("Multilingual (Albanian, English and French)");
            citizen.click("Continue");

            assertThat(citizen.h1()).isEqualTo("Check your answers before sending your application");
            assertThat(answer(citizen, "Who is the birth certificate for?")).isEqualTo("My child (under 18)");
            assertThat(answer(citizen, "What is your child's date of birth?")).isEqualTo("14 June 2016");
            assertThat(answer(citizen, "Which language should the certificate be in?")).isEqualTo("Multilingual (Albanian, English and French)");
            citizen.screenshot("journey-04-check");
            change(citizen, "What is your child's full name?");
            assertThat(citizen.h1()).isEqualTo("What is your child's full name?");
            assertThat(citizen.labelled("What is your child's full name?").getDomProperty("value")).isEqualTo("Ana Kola");
            citizen.fill("What is your child's full name?", "Ana Elira Kola");
            citizen.click("Continue");
            assertThat(citizen.h1()).as("a change returns to the check page").isEqualTo("Check your answers before sending your application");
            assertThat(answer(citizen, "What is your child's full name?")).isEqualTo("Ana Elira Kola");

            String ref = send(citizen);
            assertThat(citizen.text()).contains("What happens next").contains("General Directorate of Civil Status");
            citizen.screenshot("journey-05-confirmation");

            String documentId = signInNewClerkAndIssue(n, clerk, "Besa Dervishi", "besa.dervishi@civil-registry.al", ref, me.name());

            citizen.click("Inbox");
            assertThat(citizen.h1()).isEqualTo("Inbox");
            citizen.screenshot("journey-10-inbox");
            citizen.click("Your birth certificate is ready");
            assertThat(citizen.h1()).isEqualTo("Your birth certificate is ready");
            assertThat(citizen.text()).contains(ref);
            citizen.find("a[href='/documents/" + documentId + "']").click();

            assertThat(citizen.h1()).isEqualTo("Birth certificate");
            assertThat(citizen.text()).contains(me.name()).contains(me.personalNumber()).contains(ref).contains(documentId);
            WebElement qr = citizen.find(".kalaja-qr img");
            assertThat(qr.getDomAttribute("src")).startsWith("data:image/");
            assertThat(qr.getDomAttribute("alt")).contains("/verify/" + documentId);
            assertThat(((Number) citizen.script("return arguments[0].naturalWidth", qr)).intValue())
                    .as("the QR code image loads under the CSP").isPositive();
            Matcher entry = LOG_ENTRY.matcher(citizen.text());
            assertThat(entry.find()).as("the page names the document's log entry").isTrue();
            String logIndex = entry.group(1);
            assertThat(Long.parseLong(logIndex)).isLessThan(n.logSize());
            citizen.screenshot("journey-11-document");

            String sealedHref = citizen.button("Download the sealed text").getDomAttribute("href");
            HttpResponse<String> sealed = citizen.fetch(sealedHref);
            assertThat(sealed.statusCode()).isEqualTo(200);
            assertThat(sealed.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(sealed.body()).startsWith("kalaja.document/v1\nid " + documentId + "\n")
                    .contains("\nholder " + me.name() + "\n", "\napplication " + ref + "\n", "\n— civil-registry");

            visitor.go("/verify");
            visitor.fill("Document number", documentId.toLowerCase(java.util.Locale.ROOT));
            visitor.click("Check document");
            assertThat(visitor.path()).isEqualTo("/verify/" + documentId);
            assertThat(visitor.h1()).isEqualTo("This document is genuine");
            assertThat(summaryValue(visitor, "Log entry")).isEqualTo(logIndex);
            assertThat(visitor.text()).as("a visitor sees the personal number masked").doesNotContain(me.personalNumber());
            visitor.screenshot("journey-12-verified");

            p.assertConsolesClean();
        }
    }

    @Test
    void theConsoleCheckSeesACspViolationAndAMissingStylesheet() throws Exception {
        try (Solo solo = Solo.open(tmp)) {
            Browser b = solo.browser();
            b.go("/verify");
            assertThat(b.consoleProblems()).as("console of %s", b.consoleMessages()).isEmpty();
            // What a careless template would do: an inline style, and a stylesheet that is not served.
            b.script("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">inline</p>'"
                    + " + '<link rel=\"stylesheet\" href=\"/assets/missing.css\">')");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline && b.consoleProblems().stream().noneMatch(m -> m.contains("/assets/missing.css"))) {
                Thread.sleep(100);
            }
            assertThat(b.consoleProblems()).as("console of %s", b.consoleMessages())
                    .anyMatch(m -> m.contains("Content Security Policy") && m.contains("style"))
                    .anyMatch(m -> m.contains("/assets/missing.css"));
        }
    }

    @Test
    void theIconEveryBrowserAsksForIsServedNotA404() throws Exception {
        try (Solo solo = Solo.open(tmp)) {
            Browser b = solo.browser();
            b.go("/");
            assertThat(b.h1()).isEqualTo("Public services online");
            // Chromium requests /favicon.ico on its own after the page loads, unless the page names an icon.
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < deadline && b.consoleProblems().isEmpty()) Thread.sleep(100);
            assertThat(b.consoleProblems()).as("console of %s", b.consoleMessages()).isEmpty();
        }
    }

    /** Creates {@code c}'s account from the home page; lands on the dashboard signed in. */
    static Citizen createAccount(Browser b, Citizen c) {
        b.go("/");
        b.click("Sign in");
        b.click("Create an account");
        assertThat(b.h1()).isEqualTo("Create an account");
        b.fill("Full name", c.name());
        b.fill("Personal number", c.personalNumber());
        b.fill("Email address", c.email());
        b.fill("Create a password", c.password());
        b.fill("Confirm your password", c.password());
        b.click("Create account");
        assertThat(b.path()).isEqualTo("/account");
        assertThat(b.h1()).isEqualTo("Your applications");
        return c;
    }

    /** From anywhere, starts a birth certificate for oneself and answers every question; ends on the check page. */
    static void answerForMyself(Browser b) {
        b.go("/services/birth-certificate");
        b.click("Start now");
        b.choose("Myself");
        b.click("Continue");
        b.choose("To enrol in school or university");
        b.click("Continue");
        b.choose("Albanian");
        b.click("Continue");
        assertThat(b.h1()).isEqualTo("Check your answers before sending your application");
    }

    /** Sends the application on the check page; returns the reference the confirmation shows. */
    static String send(Browser b) {
        b.click("Accept and send");
        assertThat(b.h1()).isEqualTo("Application sent");
        return b.find("#reference").getText();
    }

    /**
     * An admin creates a clerk of the civil registry (the only service call: there is no admin in a new
     * portal); the clerk signs in with the one-time password, chooses a password, enrols TOTP, and
     * approves and issues {@code ref} from the queue. Returns the document number.
     */
    static String signInNewClerkAndIssue(RunningNode n, Browser clerk, String name, String email, String ref,
            String applicant) throws Exception {
        Accounts.NewStaff staff = n.portal.identity().accounts().createStaff(Who.SYSTEM, "clerk", "civil-registry", name, email);
        clerk.go("/sign-in");
        clerk.fill("Email address", email);
        clerk.fill("Password", staff.oneTimePassword());
        clerk.click("Sign in");
        assertThat(clerk.h1()).isEqualTo("Choose your own password");
        clerk.fill("New password", "quiet harbour ledger 42");
        clerk.fill("Confirm your new password", "quiet harbour ledger 42");
        clerk.click("Save password");
        assertThat(clerk.h1()).isEqualTo("Set up your authenticator app");
        clerk.screenshot("journey-06-totp");
        byte[] secret = Totp.fromBase32(clerk.find(".kalaja-totp-secret").getText()).orElseThrow();
        clerk.fill("Security code", Totp.code(secret, Instant.now().getEpochSecond() / Totp.STEP_SECONDS));
        clerk.click("Continue");
        assertThat(clerk.h1()).isEqualTo("Applications to decide");
        clerk.screenshot("journey-07-queue");

        clerk.click(ref);
        assertThat(clerk.h1()).isEqualTo("Application " + ref);
        assertThat(summaryValue(clerk, "Applicant")).isEqualTo(applicant);
        clerk.click("Approve the application");
        assertThat(clerk.find(".govuk-notification-banner--success").getText()).contains("Application approved");
        clerk.screenshot("journey-08-approved");
        clerk.click("Issue the birth certificate");
        assertThat(clerk.find(".govuk-notification-banner--success").getText()).contains("Document issued");
        clerk.screenshot("journey-09-issued");
        return summaryValue(clerk, "Document");
    }

    /** The value of the summary-list row whose key is {@code key}. */
    static String summaryValue(Browser b, String key) {
        return b.driver.findElement(By.xpath("//div[contains(@class,'govuk-summary-list__row')][dt[normalize-space()=\"" + key
                + "\"]]/dd[contains(@class,'govuk-summary-list__value')]")).getText();
    }

    private static String answer(Browser b, String question) {
        return summaryValue(b, question);
    }

    /** Follows the Change link of {@code question} on the check page. */
    private static void change(Browser b, String question) {
        b.driver.findElement(By.xpath("//div[contains(@class,'govuk-summary-list__row')][dt[normalize-space()=\"" + question
                + "\"]]//a[starts-with(normalize-space(),'Change')]")).click();
    }
}
