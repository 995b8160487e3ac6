package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.demo.DemoData;

/** {@code kalaja serve} as an operator meets the portal: the first administrator, the demo, restarts. */
class PortalServeTest {
    private static final Pattern ONE_TIME = Pattern.compile("one-time password (\\S+) \\(also in");
    private static final Pattern DOCUMENT = Pattern.compile("/verify/(D[0-9A-Z]+)");

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNewNodeCreatesTheFirstAdministratorOnceAndAnAdministratorCanSignInWithTheOneTimePassword() throws Exception {
        Path data = tmp.resolve("data");
        ServeProcess first = ServeProcess.start(data, "--admin-email", "it@bashkia.example").awaitReady();
        String out = awaitOutput(first, "Citizens create their accounts", 0);
        Matcher m = ONE_TIME.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        Path file = data.resolve("portal-admin-password");
        assertThat(Files.readString(file).strip()).isEqualTo(m.group(1));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        HttpResponse<String> signedIn = signIn(first.url, "it@bashkia.example", m.group(1));
        assertThat(signedIn.uri().getPath()).as("a one-time password leads to choosing a new one").isEqualTo("/sign-in/new-password");
        first.stop();
        int seen = first.output().length(); // both runs append to the same output file

        ServeProcess again = ServeProcess.start(data).awaitReady();
        String second = awaitOutput(again, "Sentinel:", seen);
        again.stop();
        assertThat(second).doesNotContain("First portal administrator");
    }

    @Test
    void demoLoadsIntoAnEmptyPortalAndItsDocumentsVerifyForAnyone() throws Exception {
        Path data = tmp.resolve("demo");
        ServeProcess demo = ServeProcess.start(data, "--demo", "--demo-citizens", "12").awaitReady();
        try {
            String out = awaitOutput(demo, "Demo passwords are public", 0);
            assertThat(out).contains("Demo data loaded", DemoData.clerkEmail("civil-registry"), DemoData.CITIZEN_PASSWORD)
                    .doesNotContain("First portal administrator");
            Matcher doc = DOCUMENT.matcher(out);
            assertThat(doc.find()).as(out).isTrue();

            HttpResponse<String> verified = get(demo.url + "/api/v1/documents/" + doc.group(1) + "/verification");
            assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
            assertThat(verified.body()).contains("\"genuine\":true");
            assertThat(get(demo.url + "/").body()).contains("Apply for a birth certificate");
        } finally {
            demo.stop();
        }
        ServeProcess refused = ServeProcess.start(data, "--demo").awaitReady();
        String out = awaitOutput(refused, "Demo data: not loaded", 0);
        refused.stop();
        assertThat(out).contains("already has accounts");
    }

    /** Signs in through the pages as a browser does; the answer after following redirects. */
    private static HttpResponse<String> signIn(String base, String email, String password) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        String form = browser.send(HttpRequest.newBuilder(URI.create(base + "/sign-in")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form);
        assertThat(csrf.find()).as(form).isTrue();
        String body = "email=" + java.net.URLEncoder.encode(email, java.nio.charset.StandardCharsets.UTF_8) + "&password="
                + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8) + "&_csrf=" + csrf.group(1);
        return browser.send(HttpRequest.newBuilder(URI.create(base + "/sign-in")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The process's output after the first {@code from} characters, once it holds {@code line}. */
    private static String awaitOutput(ServeProcess p, String line, int from) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            String out = p.output().substring(from);
            if (out.contains(line)) return out;
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + line + "' in:\n" + p.output());
    }
}
