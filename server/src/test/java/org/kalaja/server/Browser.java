package org.kalaja.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its ChromeDriver (packages chromium and chromium-driver,
 * installed by scripts/install-test-deps). No browser is downloaded: Selenium is given both binaries.
 * Screenshots go to {@code target/screenshots/} for a person to look at.
 *
 * <p>Each browser keeps what the page alone cannot show: the HTTP status of every page it loaded (from
 * ChromeDriver's performance log, since WebDriver has no status API) and every console message (CSP
 * violations and failed loads appear there). Reading either drains ChromeDriver's buffers into this
 * object, so nothing is lost between two reads.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();

    final WebDriver driver;
    private final String base;
    private final List<String> console = new ArrayList<>();
    private final Set<String> documents = new HashSet<>();
    private int lastStatus = -1;
    private String lastUrl = "";

    private Browser(WebDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    /** Whether this machine has Chromium and its driver; scripts/install-test-deps installs them. */
    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    }

    /** Skips the calling test, with how to fix it, on a machine without Chromium and its driver. */
    static void assumeAvailable() {
        org.junit.jupiter.api.Assumptions.assumeTrue(available(), "Chromium and chromium-driver are not installed: run scripts/install-test-deps");
    }

    static Browser open(String base, Path profile) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        // The flags that keep Chromium from reaching out to the (closed) network on every start.
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1200,1000", "--lang=en-GB", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        // Network events only: enough for statuses, and the buffer stays small.
        o.setExperimentalOption("perfLoggingPrefs", Map.of("enableNetwork", true, "enablePage", false));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, o);
        d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(d, base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    }

    void go(String path) {
        driver.get(base + path);
    }

    String path() {
        String url = driver.getCurrentUrl();
        return url == null ? "" : url.substring(base.length());
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Types {@code text} into the input labelled {@code label} (found through its {@code <label for>}). */
    void fill(String label, String text) {
        WebElement input = labelled(label);
        input.clear();
        input.sendKeys(text);
    }

    /** The input, select or textarea whose {@code <label for>} reads {@code label}. */
    WebElement labelled(String label) {
        WebElement l = driver.findElement(By.xpath("//label[normalize-space()=" + xpathLiteral(label) + "]"));
        return driver.findElement(By.id(l.getDomAttribute("for")));
    }

    /** Clicks the radio or checkbox labelled {@code label}. */
    void choose(String label) {
        driver.findElement(By.xpath("//label[normalize-space()=" + xpathLiteral(label) + "]")).click();
    }

    /**
     * Clicks the button or link whose text is {@code text} and, unless it is a link within the page, waits
     * until the next page has loaded: a form's POST answers with a redirect, and the old page stays in
     * place until then.
     */
    void click(String text) {
        WebElement target = button(text);
        String href = target.getDomAttribute("href");
        WebElement page = find("html");
        target.click();
        if (href != null && href.startsWith("#")) return;
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.until(d -> gone(page));
        wait.until(d -> "complete".equals(script("return document.readyState")));
    }

    /**
     * Whether {@code element} belongs to a page that was replaced. Mid-navigation ChromeDriver sometimes
     * answers "Node with given id does not belong to the document" instead of a stale-element error
     * (seen in CI); both mean the old page is gone.
     */
    private static boolean gone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return true;
        } catch (org.openqa.selenium.WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) return true;
            throw e;
        }
    }

    /**
     * The button or link whose text (or value) is {@code text}: a button before a link, and the page's own
     * content before the header's (the form's "Sign in" button, not the menu's "Sign in" link).
     */
    WebElement button(String text) {
        String named = "[normalize-space()=" + xpathLiteral(text) + " or @value=" + xpathLiteral(text) + "]";
        for (String xpath : List.of("//main//button" + named + "|//main//input[@type='submit']" + named, "//main//a" + named,
                "//button" + named + "|//a" + named)) {
            List<WebElement> found = driver.findElements(By.xpath(xpath));
            if (!found.isEmpty()) return found.getFirst();
        }
        throw new org.openqa.selenium.NoSuchElementException("no button or link '" + text + "' on " + path());
    }

    String h1() {
        return find("h1").getText();
    }

    String text() {
        return find("body").getText();
    }

    String title() {
        return driver.getTitle();
    }

    /** The element that has the keyboard focus. */
    WebElement focused() {
        return driver.switchTo().activeElement();
    }

    /** Presses {@code key} on whatever has the focus, as a keyboard user does. */
    void press(CharSequence key) {
        new Actions(driver).sendKeys(key).perform();
    }

    void tab() {
        press(Keys.TAB);
    }

    /** Runs {@code script} in the page (through DevTools, so the page's CSP does not apply to it). */
    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The HTTP status of the page now shown (after redirects), as the browser received it. */
    int status() {
        drain();
        String now = withoutFragment(driver.getCurrentUrl());
        if (!now.equals(lastUrl)) throw new IllegalStateException("no response seen for " + now + "; last was " + lastUrl);
        return lastStatus;
    }

    /**
     * Console messages that show a broken page: Content-Security-Policy violations, resources the browser
     * refused (a stylesheet answered with an HTML error page), and failed loads of anything but a page
     * itself (a stylesheet, an image, the icon). A page's own status, such as a form's
     * 400 or the 503 of safe mode, is its answer: check it with {@link #status}. Kept since the browser opened.
     */
    List<String> consoleProblems() {
        drain();
        return console.stream().filter(m -> m.contains("Content Security Policy") || m.contains("Refused to")
                || m.contains("Failed to load resource") && !documents.contains(url(m))).toList();
    }

    /** Every console message since the browser opened, for a failure's description. */
    List<String> consoleMessages() {
        drain();
        return List.copyOf(console);
    }

    private void drain() {
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) console.add(e.getLevel() + " " + e.getMessage());
        for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                JsonNode m = JSON.readTree(e.getMessage()).path("message");
                JsonNode p = m.path("params");
                if (m.path("method").asText().equals("Network.responseReceived") && p.path("type").asText().equals("Document")) {
                    lastUrl = withoutFragment(p.path("response").path("url").asText());
                    lastStatus = p.path("response").path("status").asInt();
                    documents.add(lastUrl);
                }
            } catch (IOException ex) {
                throw new IllegalStateException("ChromeDriver wrote a performance entry that is not JSON", ex);
            }
        }
    }

    private static String url(String consoleMessage) {
        int space = consoleMessage.indexOf(' ');
        String rest = consoleMessage.substring(space + 1);
        int end = rest.indexOf(' ');
        return withoutFragment(end < 0 ? rest : rest.substring(0, end));
    }

    private static String withoutFragment(String url) {
        int hash = url.indexOf('#');
        return hash < 0 ? url : url.substring(0, hash);
    }

    /**
     * Fetches {@code path} outside the browser with the browser's cookies (HttpOnly ones included), as a
     * download manager would: WebDriver cannot read a downloaded file's bytes.
     */
    HttpResponse<String> fetch(String path) throws IOException, InterruptedException {
        String cookies = driver.manage().getCookies().stream().map(c -> c.getName() + "=" + c.getValue()).collect(Collectors.joining("; "));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).header("Cookie", cookies).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Saves a screenshot of the whole page, not only the window, as {@code target/screenshots/<name>.png}. */
    Path screenshot(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Path file = dir.resolve(name + ".png");
        byte[] png;
        if (driver instanceof ChromeDriver chrome) {
            Map<String, Object> metrics = chrome.executeCdpCommand("Page.getLayoutMetrics", Map.of());
            @SuppressWarnings("unchecked")
            Map<String, Number> size = (Map<String, Number>) metrics.get("cssContentSize");
            Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", size.get("width"), "height", size.get("height"), "scale", 1);
            Map<String, Object> shot = chrome.executeCdpCommand("Page.captureScreenshot",
                    Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
            png = java.util.Base64.getDecoder().decode((String) shot.get("data"));
        } else {
            png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        }
        Files.write(file, png);
        return file;
    }

    private static String xpathLiteral(String s) {
        if (!s.contains("'")) return "'" + s + "'";
        return "concat('" + s.replace("'", "', \"'\", '") + "')";
    }

    @Override
    public void close() {
        driver.quit();
    }
}
