package org.kalaja.portal.seal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.identity.Sessions;
import org.kalaja.portal.store.PortalRecords;

/** The document and verification pages over HTTP, as a browser without JavaScript uses them. */
class SealPagesTest {
    @TempDir
    Path dir;
    PortalFixture f;
    String base;
    HttpClient anonymous;

    @BeforeEach
    void open() throws Exception {
        f = PortalFixture.open(dir);
        base = f.serve();
        anonymous = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void holderSeesTheListThePrintableDocumentAndItsSealedText() throws Exception {
        SealedDocument d = Issuing.issue(f);

        HttpResponse<String> list = get(citizen("arta"), "/documents");
        HttpResponse<String> page = get(citizen("arta"), "/documents/" + d.id());
        HttpResponse<String> text = get(citizen("arta"), "/documents/" + d.id() + "/sealed.txt");

        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("href=\"/documents/" + d.id() + "\"", "Birth certificate", "Valid");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h1 class=\"govuk-heading-l\">Birth certificate</h1>", "Arta Hoxha", "J85403021S",
                "Tiranë Qarku Tiranë", "Ed25519 e-seal, key <code>civil-registry.seal.127.0.0.1+",
                "entry " + d.logIndex(), "<img src=\"data:image/svg+xml;base64,", "http://127.0.0.1/verify/" + d.id(),
                "Print or save as PDF");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("img-src 'self' data:"));
        assertThat(page.body()).doesNotContain("<script", "style=\"");
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(text.body()).isEqualTo(d.note());
    }

    @Test
    void anotherCitizenGetsNotFoundAndAnAnonymousVisitorIsSentToSignIn() throws Exception {
        SealedDocument d = Issuing.issue(f);

        HttpResponse<String> other = get(citizen("besnik"), "/documents/" + d.id());
        HttpResponse<String> otherText = get(citizen("besnik"), "/documents/" + d.id() + "/sealed.txt");
        HttpResponse<String> nobody = get(anonymous, "/documents/" + d.id());

        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.body()).contains("Page not found").doesNotContain("Arta", "J85403021S");
        assertThat(otherText.statusCode()).isEqualTo(404);
        assertThat(otherText.body()).doesNotContain("kalaja.document/v1");
        assertThat(nobody.statusCode()).isEqualTo(302);
        assertThat(nobody.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/sign-in"));
    }

    @Test
    void anyoneVerifiesADocumentOnThePageAndInJson() throws Exception {
        SealedDocument d = Issuing.issue(f);

        HttpResponse<String> form = get(anonymous, "/verify?id=" + d.id().toLowerCase());
        HttpResponse<String> page = get(anonymous, "/verify/" + d.id());
        HttpResponse<String> json = get(anonymous, "/api/v1/documents/" + d.id() + "/verification");

        assertThat(form.statusCode()).isEqualTo(303);
        assertThat(form.headers().firstValue("Location")).contains("/verify/" + d.id());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("This document is genuine", "General Directorate of Civil Status", "J85*****1S")
                .doesNotContain("J85403021S", "Failed");
        assertThat(json.statusCode()).isEqualTo(200);
        JsonNode j = PortalRecords.JSON.readTree(json.body());
        assertThat(j.path("genuine").asBoolean()).isTrue();
        assertThat(j.path("log_index").asLong()).isEqualTo(d.logIndex());
        assertThat(j.path("personal_number").asText()).isEqualTo("J85*****1S");
        assertThat(j.path("tlog_proof").asText()).startsWith("c2sp.org/tlog-proof@v1\nindex " + d.logIndex() + "\n");
        assertThat(j.path("checks")).allMatch(c -> c.path("outcome").asText().equals("passed"));
    }

    @Test
    void unknownDocumentIsNotFoundOnThePageAndInJson() throws Exception {
        HttpResponse<String> page = get(anonymous, "/verify/D0000000000000000");
        HttpResponse<String> json = get(anonymous, "/api/v1/documents/D0000000000000000/verification");
        HttpResponse<String> badForm = get(anonymous, "/verify?id=12345");

        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("We could not find this document");
        assertThat(json.statusCode()).isEqualTo(404);
        assertThat(PortalRecords.JSON.readTree(json.body()).path("error").asText()).isEqualTo("not_found");
        assertThat(badForm.statusCode()).isEqualTo(400);
        assertThat(badForm.body()).contains("<title>Error: Check a document", "href=\"#id\"", "id=\"id-error\"", "aria-describedby=\"id-hint id-error\"");
    }

    @Test
    void revokedDocumentShowsTheRevocationAndItsReason() throws Exception {
        SealedDocument d = Issuing.issue(f);
        f.portal.documents().revoke(Issuing.CLERK, "civil-registry", d.id(), "Issued in error");

        HttpResponse<String> page = get(anonymous, "/verify/" + d.id());
        HttpResponse<String> list = get(citizen("arta"), "/documents");

        assertThat(page.body()).contains("This document was revoked", "Issued in error").doesNotContain("This document is genuine");
        assertThat(list.body()).contains("Revoked");
    }

    @Test
    void pastedSealedTextIsCheckedWithTheFormsToken() throws Exception {
        SealedDocument d = Issuing.issue(f);
        String csrf = token(get(anonymous, "/verify").body());

        HttpResponse<String> same = post(anonymous, "/verify/text", "_csrf=" + enc(csrf) + "&text=" + enc(d.note().replace("\n", "\r\n")));
        HttpResponse<String> changed = post(anonymous, "/verify/text", "_csrf=" + enc(csrf) + "&text="
                + enc(d.note().replace("holder Arta Hoxha", "holder Arta Hoxhaj")));
        HttpResponse<String> noToken = post(anonymous, "/verify/text", "text=" + enc(d.note()));

        assertThat(same.body()).contains("This document is genuine");
        assertThat(changed.body()).contains("We could not verify this document", "differs from the document issued");
        assertThat(noToken.statusCode()).isEqualTo(403);
    }

    @Test
    void verificationAndDocumentsStillWorkInSafeMode() throws Exception {
        SealedDocument d = Issuing.issue(f);
        f.engine.barrier().close("test incident");
        try {
            HttpResponse<String> page = get(anonymous, "/verify/" + d.id());
            HttpResponse<String> mine = get(citizen("arta"), "/documents/" + d.id());

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("This document is genuine", "New applications and decisions are paused");
            assertThat(mine.statusCode()).isEqualTo(200);
        } finally {
            f.engine.barrier().open();
        }
    }

    private HttpClient citizen(String account) {
        CookieManager cookies = new CookieManager();
        String value = f.portal.sessions().encode(f.portal.sessions().start(account, "citizen", null, "Citizen " + account, true));
        java.net.HttpCookie c = new java.net.HttpCookie(Sessions.COOKIE, value);
        c.setPath("/");
        cookies.getCookieStore().add(URI.create(base), c);
        return HttpClient.newBuilder().cookieHandler(cookies).build();
    }

    private HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(HttpClient client, String path, String form) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(String html) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("the form carries a CSRF token").isTrue();
        return m.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
