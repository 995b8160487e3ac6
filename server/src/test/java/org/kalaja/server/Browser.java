package org.kalaja.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its ChromeDriver (packages chromium and chromium-driver,
 * installed by scripts/install-test-deps). No browser is downloaded: Selenium is given both binaries.
 * Screenshots go to {@code target/screenshots/} for a person to look at.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    final WebDriver driver;
    private final String base;

    private Browser(WebDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    /** Whether this machine has Chromium and its driver; scripts/install-test-deps installs them. */
    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    }

    static Browser open(String base, Path profile) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        // The flags that keep Chromium from reaching out to the (closed) network on every start.
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1200,1000", "--lang=en-GB", "--user-data-dir=" + profile);
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
        WebElement l = driver.findElement(By.xpath("//label[normalize-space()=" + xpathLiteral(label) + "]"));
        WebElement input = driver.findElement(By.id(l.getAttribute("for")));
        input.clear();
        input.sendKeys(text);
    }

    /** Clicks the radio or checkbox labelled {@code label}. */
    void choose(String label) {
        driver.findElement(By.xpath("//label[normalize-space()=" + xpathLiteral(label) + "]")).click();
    }

    /** Clicks the button or link whose text is {@code text}. */
    void click(String text) {
        driver.findElement(By.xpath("(//button|//a|//input[@type='submit'])[normalize-space()=" + xpathLiteral(text)
                + " or @value=" + xpathLiteral(text) + "]")).click();
    }

    String h1() {
        return find("h1").getText();
    }

    String text() {
        return find("body").getText();
    }

    /** Saves a screenshot as {@code target/screenshots/<name>.png}. */
    Path screenshot(String name) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Path file = dir.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
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
