package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * WCAG 2.2 AA basics on the portal's key pages, in Chromium: what a keyboard or screen-reader user
 * needs first (language, one h1, titles, labels, error summary links that move focus, a skip link that
 * works, a reachable submit button), what the strict CSP demands (no inline style or script), and text
 * contrast computed from the colours the browser actually applied.
 *
 * <p>One node for the class: a citizen with a sent, an issued and an unfinished application, and a clerk
 * of the civil registry, all made through the pages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class PortalBrowserAccessibilityTest {
    @TempDir
    static Path dir;
    private PortalBrowserTest.People people;
    private String issuedRef;
    private String waitingRef;
    private String donePath;
    private String checkPath;
    private String documentId;

    @BeforeAll
    void aCitizenWithApplicationsInEveryPlaceAndAClerk() throws Exception {
        people = PortalBrowserTest.People.open(dir);
        Browser citizen = people.citizen();
        PortalBrowserTest.Citizen me = PortalBrowserTest.createAccount(citizen,
                new PortalBrowserTest.Citizen("Dritan Hoxha", "I90512045K", "dritan@example.al", "olive terrace morning"));
        PortalBrowserTest.answerForMyself(citizen);
        issuedRef = PortalBrowserTest.send(citizen);
        donePath = citizen.path();
        documentId = PortalBrowserTest.signInNewClerkAndIssue(people.node(), people.clerk(), "Mira Leka", "mira.leka@civil-registry.al",
                issuedRef, me.name());
        PortalBrowserTest.answerForMyself(citizen);
        waitingRef = PortalBrowserTest.send(citizen);
        PortalBrowserTest.answerForMyself(citizen);
        checkPath = citizen.path();
    }

    @AfterAll
    void close() {
        if (people != null) people.close();
    }

    /**
     * A page as someone reaches it: who, where, what they do there first, and the page's main button.
     */
    record Visit(String who, Supplier<String> path, Consumer<Browser> then, @Nullable String submit) {}


    Stream<Arguments> keyPages() {
        Consumer<Browser> none = b -> { };
        return Stream.of(
                page("home", "visitor", () -> "/", none, null),
                page("start page, signed out", "visitor", () -> "/services/birth-certificate", none, "Sign in to start"),
                page("start page", "citizen", () -> "/services/birth-certificate", none, "Start now"),
                page("question with an error", "citizen", () -> "/services/birth-certificate", b -> {
                    b.click("Start now");
                    b.click("Continue");
                }, "Continue"),
                page("date question with an error", "citizen", () -> "/services/birth-certificate", b -> {
                    b.click("Start now");
                    b.choose("My child (under 18)");
                    b.click("Continue");
                    b.fill("What is your child's full name?", "Lea Hoxha");
                    b.click("Continue");
                    b.fill("Year", "2016");
                    b.click("Continue");
                }, "Continue"),
                page("check answers", "citizen", () -> checkPath, none, "Accept and send"),
                page("confirmation", "citizen", () -> donePath, none, null),
                page("dashboard", "citizen", () -> "/account", none, null),
                page("citizen's application", "citizen", () -> "/account/applications/" + issuedRef, none, null),
                page("inbox", "citizen", () -> "/inbox", none, null),
                page("letter", "citizen", () -> "/inbox", b -> b.click("Your birth certificate is ready"), null),
                page("documents", "citizen", () -> "/documents", none, null),
                page("document", "citizen", () -> "/documents/" + documentId, none, null),
                page("clerk queue", "clerk", () -> "/clerk", none, "Apply to selected applications"),
                page("clerk queue with errors", "clerk", () -> "/clerk", b -> b.click("Apply to selected applications"),
                        "Apply to selected applications"),
                page("clerk's application", "clerk", () -> "/clerk/applications/" + waitingRef, none, "Approve the application"),
                page("verify", "visitor", () -> "/verify", none, "Check document"),
                page("verify with an error", "visitor", () -> "/verify?id=not-a-number", none, "Check document"),
                page("verification result", "visitor", () -> "/verify/" + documentId, none, null),
                page("status", "visitor", () -> "/service-status", none, null),
                page("sign-in", "visitor", () -> "/sign-in", none, "Sign in"),
                page("sign-in with an error", "visitor", () -> "/sign-in", b -> b.click("Sign in"), "Sign in"),
                page("create account with errors", "visitor", () -> "/create-account", b -> b.click("Create account"), "Create account"),
                page("page not found", "visitor", () -> "/services/no-such-service", none, null));
    }

    private static Arguments page(String name, String who, Supplier<String> path, Consumer<Browser> then, @Nullable String submit) {
        return Arguments.of(name, new Visit(who, path, then, submit));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyPages")
    void keyPageMeetsTheAccessibilityBasics(String name, Visit visit) throws Exception {
        Browser b = people.get(visit.who());
        b.go(visit.path().get());
        visit.then().accept(b);
        b.screenshot("a11y-" + name.replaceAll("[^A-Za-z0-9]+", "-"));
        List<String> problems = audit(b, visit.submit());
        assertThat(problems).as("%s (%s)", name, b.path()).isEmpty();
    }

    /**
     * What is wrong on the page {@code b} shows, as sentences; empty when it passes. Uses the keyboard, so
     * call it on a freshly loaded page; it clicks the error summary's links last.
     *
     * @param submit the text of the page's main button, or null for a page without a form (then the first
     *               control in {@code <main>} must be reachable)
     */
    static List<String> audit(Browser b, @Nullable String submit) {
        List<String> problems = new ArrayList<>();
        keyboard(b, submit, problems);
        @SuppressWarnings("unchecked")
        List<String> structure = (List<String>) b.script(STRUCTURE);
        problems.addAll(structure);
        problems.addAll(contrast(b));
        for (WebElement link : b.all(".govuk-error-summary a")) {
            String target = link.getDomAttribute("href");
            link.click();
            String focused = b.focused().getDomAttribute("id");
            if (target == null || !target.equals("#" + focused)) {
                problems.add("error summary link " + target + " ('" + link.getText() + "') leaves the focus on " + describe(b.focused()));
            }
        }
        for (String m : b.consoleProblems()) {
            // Chromium's own request for /favicon.ico has its own test in PortalBrowserTest.
            if (!m.contains("/favicon.ico ")) problems.add("console: " + m);
        }
        return problems;
    }

    private static void keyboard(Browser b, @Nullable String submit, List<String> problems) {
        b.tab();
        WebElement skip = b.focused();
        if (!"#main-content".equals(skip.getDomAttribute("href")) || !skip.getDomAttribute("class").contains("govuk-skip-link")) {
            problems.add("the first Tab does not reach the skip link but " + describe(skip));
            return;
        }
        if (skip.getRect().getWidth() <= 1) problems.add("the skip link stays invisible when it has the focus");
        b.press(Keys.ENTER);
        b.tab();
        WebElement main = b.find("main#main-content");
        if (!(Boolean) b.script("return arguments[0].contains(document.activeElement)", main)) {
            problems.add("after the skip link, Tab goes to " + describe(b.focused()) + ", not into <main id=main-content>");
            return;
        }
        WebElement target = submit != null ? b.button(submit)
                : b.all("main a[href], main button, main input:not([type=hidden]), main select, main textarea").stream()
                        .filter(WebElement::isDisplayed).findFirst().orElse(null);
        if (target == null) return;
        for (int i = 0; i < 80; i++) {
            if (b.focused().equals(target)) return;
            b.tab();
        }
        problems.add("80 presses of Tab from the main content never reach " + describe(target));
    }

    private static String describe(WebElement e) {
        String id = e.getDomAttribute("id");
        String text = e.getText().strip().replaceAll("\\s+", " ");
        return "<" + e.getTagName() + (id == null ? "" : " id=" + id) + "> '" + (text.length() > 60 ? text.substring(0, 60) + "…" : text) + "'";
    }

    /** Checks read from the DOM in one pass: structure, labels, ids, error summary targets, CSP-safe markup. */
    private static final String STRUCTURE = """
            const p = [];
            const lang = document.documentElement.getAttribute('lang');
            if (!lang) p.push('<html> has no lang');
            const h1 = document.querySelectorAll('h1');
            if (h1.length !== 1) p.push(h1.length + ' h1 elements: ' + Array.from(h1).map(h => h.textContent.trim()).join(' | '));
            const title = document.title.trim();
            const errors = document.querySelector('.govuk-error-summary') !== null;
            if (!title) p.push('empty <title>');
            if (errors && !title.startsWith('Error: ')) p.push('page with errors has title "' + title + '", not "Error: …"');
            if (!errors && title.startsWith('Error: ')) p.push('title says Error but there is no error summary');
            const seen = new Set();
            for (const e of document.querySelectorAll('[id]')) {
              if (seen.has(e.id)) p.push('duplicate id ' + e.id);
              seen.add(e.id);
            }
            for (const f of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
              const label = f.id ? document.querySelector('label[for="' + CSS.escape(f.id) + '"]') : null;
              const legend = f.closest('fieldset')?.querySelector('legend');
              if (!(label && label.textContent.trim()) && !(legend && legend.textContent.trim())) {
                p.push(f.tagName.toLowerCase() + ' name=' + f.name + ' has no <label for> and no fieldset legend');
              }
              const d = f.getAttribute('aria-describedby');
              if (d) for (const id of d.split(/\\s+/)) if (!document.getElementById(id)) p.push(f.name + ' aria-describedby names missing id ' + id);
            }
            for (const a of document.querySelectorAll('.govuk-error-summary a')) {
              const id = (a.getAttribute('href') || '').replace(/^#/, '');
              if (!document.getElementById(id)) p.push('error summary link #' + id + ' targets nothing');
            }
            if (document.querySelector('[style]')) p.push('inline style= attribute on <' + document.querySelector('[style]').tagName.toLowerCase() + '>');
            if (document.querySelector('script')) p.push('<script> element');
            if (document.querySelector('style')) p.push('<style> element');
            for (const e of document.querySelectorAll('*')) {
              for (const a of e.attributes) if (a.name.startsWith('on')) p.push('inline handler ' + a.name + ' on <' + e.tagName.toLowerCase() + '>');
            }
            return p;
            """;

    /** For each element with its own visible text: its colour, size, weight and the background colours up to the root. */
    private static final String COLOURS = """
            const out = [];
            for (const e of document.querySelectorAll('body *')) {
              const own = Array.from(e.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
              if (!own) continue;
              const r = e.getBoundingClientRect();
              const s = getComputedStyle(e);
              if (r.width <= 1 || r.height <= 1 || s.visibility !== 'visible') continue;
              const backgrounds = [];
              for (let a = e; a; a = a.parentElement) {
                const c = getComputedStyle(a);
                if (c.backgroundImage !== 'none') backgrounds.push('image');
                backgrounds.push(c.backgroundColor);
              }
              out.push({what: e.tagName.toLowerCase() + '.' + e.className + " '" + own.slice(0, 40) + "'", color: s.color,
                        size: parseFloat(s.fontSize), weight: parseInt(s.fontWeight), backgrounds: backgrounds});
            }
            return out;
            """;

    /**
     * WCAG 1.4.3: 4.5:1 for text, 3:1 for large text (24px, or 18.66px bold). The background is composed
     * from the element's and its ancestors' background colours over a white canvas; text over a
     * background image is not judged.
     */
    @SuppressWarnings("unchecked")
    static List<String> contrast(Browser b) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) b.script(COLOURS)) {
            List<String> backgrounds = (List<String>) e.get("backgrounds");
            if (backgrounds.contains("image")) continue;
            double[] bg = {1, 1, 1};
            for (int i = backgrounds.size() - 1; i >= 0; i--) bg = over(rgba(backgrounds.get(i)), bg);
            double[] fg = over(rgba((String) e.get("color")), bg);
            double size = ((Number) e.get("size")).doubleValue();
            int weight = ((Number) e.get("weight")).intValue();
            double need = size >= 24 || size >= 18.66 && weight >= 700 ? 3.0 : 4.5;
            double ratio = ratio(fg, bg);
            if (ratio < need) {
                problems.add(String.format(Locale.ROOT, "contrast %.2f:1 (needs %.1f) for %s: %s on %s", ratio, need, e.get("what"),
                        e.get("color"), backgrounds));
            }
        }
        return problems;
    }

    /** {@code rgb(r, g, b)} or {@code rgba(r, g, b, a)} as four numbers in 0..1. */
    static double[] rgba(String css) {
        String inner = css.substring(css.indexOf('(') + 1, css.lastIndexOf(')'));
        String[] parts = inner.split("[,\\s/]+");
        if (!css.startsWith("rgb") || parts.length < 3) throw new IllegalArgumentException("not an sRGB colour: " + css);
        double a = parts.length > 3 ? Double.parseDouble(parts[3]) : 1;
        return new double[] {Double.parseDouble(parts[0]) / 255, Double.parseDouble(parts[1]) / 255, Double.parseDouble(parts[2]) / 255, a};
    }

    private static double[] over(double[] top, double[] under) {
        double a = top[3];
        return new double[] {top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a)};
    }

    static double ratio(double[] x, double[] y) {
        double lx = luminance(x);
        double ly = luminance(y);
        return (Math.max(lx, ly) + 0.05) / (Math.min(lx, ly) + 0.05);
    }

    private static double luminance(double[] c) {
        double[] l = new double[3];
        for (int i = 0; i < 3; i++) l[i] = c[i] <= 0.04045 ? c[i] / 12.92 : Math.pow((c[i] + 0.055) / 1.055, 2.4);
        return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
    }
}
