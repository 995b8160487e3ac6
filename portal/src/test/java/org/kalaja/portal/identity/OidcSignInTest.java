package org.kalaja.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.Portal;
import org.kalaja.portal.PortalConfig;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.seal.CheckpointSource;
import org.kalaja.portal.store.PortalWatch;
import org.kalaja.portal.store.Who;
import org.kalaja.portal.web.PortalWeb;

/**
 * "Sign in with …" end to end: a small OpenID Connect provider on 127.0.0.1 (discovery, authorize, token,
 * JWKS; RSA key made here) and the portal configured for it, over real HTTP with real JWT signatures.
 */
class OidcSignInTest {
    static final String CLIENT_ID = "kalaja-portal";
    static final String CLIENT_SECRET = "s3cret-from-env";

    @TempDir
    Path dir;
    PortalFixture fixture;
    Portal portal;
    Javalin portalApp;
    Provider provider;
    String base;

    /** What the provider puts in (or does to) the next ID token. */
    enum Mode { HONEST, FORGED_SIGNATURE, WRONG_NONCE, WRONG_AUDIENCE }

    static final class Provider {
        final RSAKey key;
        final RSAKey attackerKey;
        final Javalin app;
        final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();
        volatile Mode mode = Mode.HONEST;
        volatile Map<String, Object> claims = Map.of("name", "Drita Basha", "personal_number", "K90512345B");
        volatile String sub = "subject-001";

        Provider() throws Exception {
            key = new RSAKeyGenerator(2048).keyID("provider-key").generate();
            attackerKey = new RSAKeyGenerator(2048).keyID("provider-key").generate();
            app = Javalin.create(c -> {
                c.showJavalinBanner = false;
                c.startupWatcherEnabled = false;
            });
            app.get("/.well-known/openid-configuration", ctx -> ctx.json(Map.of("issuer", issuer(), "authorization_endpoint", issuer() + "/authorize",
                    "token_endpoint", issuer() + "/token", "jwks_uri", issuer() + "/jwks")));
            app.get("/jwks", ctx -> ctx.contentType("application/json").result(new JWKSet(key.toPublicJWK()).toString()));
            app.get("/authorize", this::authorize);
            app.post("/token", this::token);
            app.start("127.0.0.1", 0);
        }

        String issuer() {
            return "http://127.0.0.1:" + app.port();
        }

        void authorize(Context ctx) {
            assertThat(ctx.queryParam("response_type")).isEqualTo("code");
            assertThat(ctx.queryParam("client_id")).isEqualTo(CLIENT_ID);
            assertThat(ctx.queryParam("code_challenge_method")).isEqualTo("S256");
            assertThat(ctx.queryParam("scope")).contains("openid");
            String code = Sessions.token();
            codes.put(code, Map.of("redirect_uri", ctx.queryParam("redirect_uri"), "nonce", ctx.queryParam("nonce"),
                    "challenge", ctx.queryParam("code_challenge")));
            ctx.redirect(ctx.queryParam("redirect_uri") + "?code=" + code + "&state=" + ctx.queryParam("state"));
        }

        void token(Context ctx) throws Exception {
            String basic = new String(Base64.getDecoder().decode(ctx.header("Authorization").substring("Basic ".length())), StandardCharsets.UTF_8);
            Map<String, String> grant = codes.remove(Optional.ofNullable(ctx.formParam("code")).orElse(""));
            boolean ok = basic.equals(CLIENT_ID + ":" + CLIENT_SECRET) && grant != null
                    && "authorization_code".equals(ctx.formParam("grant_type"))
                    && grant.get("redirect_uri").equals(ctx.formParam("redirect_uri"))
                    && Oidc.challenge(ctx.formParam("code_verifier")).equals(grant.get("challenge"));
            if (!ok) {
                ctx.status(400).json(Map.of("error", "invalid_grant"));
                return;
            }
            Instant now = Instant.now();
            JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().issuer(issuer()).subject(sub)
                    .audience(mode == Mode.WRONG_AUDIENCE ? "another-client" : CLIENT_ID)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                    .claim("nonce", mode == Mode.WRONG_NONCE ? "a-nonce-from-another-flow" : grant.get("nonce"));
            claims.forEach(c::claim);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-key").type(JOSEObjectType.JWT).build(), c.build());
            jwt.sign(new RSASSASigner(mode == Mode.FORGED_SIGNATURE ? attackerKey : key));
            ctx.json(Map.of("access_token", "at", "token_type", "Bearer", "id_token", jwt.serialize()));
        }
    }

    @BeforeEach
    void start() throws Exception {
        provider = new Provider();
        fixture = PortalFixture.open(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        OidcConfig oidc = new OidcConfig("TestID", URI.create(provider.issuer()), CLIENT_ID, CLIENT_SECRET);
        CheckpointSource none = new PortalFixture.NothingCosigned(fixture.log.vkey());
        portal = Portal.open(new PortalConfig(dir, null, URI.create(base + "/"), oidc, false), fixture.engine, fixture.log,
                PortalWatch.NONE, none, Clock.systemUTC());
        portalApp = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.startupWatcherEnabled = false;
        });
        portalApp.before(ctx -> PortalWeb.securityHeaders(ctx));
        portal.register(portalApp);
        portalApp.start("127.0.0.1", port);
    }

    @AfterEach
    void stop() {
        portalApp.stop();
        provider.app.stop();
        fixture.close();
    }

    /** Clicks "Sign in with TestID" and follows the redirects through the provider back to the portal. */
    HttpResponse<String> signInWithProvider(Browser b, String next) throws Exception {
        assertThat(b.get("/sign-in").body()).contains("Sign in with TestID");
        HttpResponse<String> toProvider = b.get("/sign-in/oidc?next=" + next);
        assertThat(toProvider.statusCode()).isEqualTo(302);
        assertThat(Browser.location(toProvider)).startsWith(provider.issuer() + "/authorize?");
        HttpResponse<String> back = b.get(Browser.location(toProvider));
        assertThat(Browser.location(back)).startsWith(base + Oidc.CALLBACK + "?code=");
        return b.get(Browser.location(back));
    }

    @Test
    void citizenSignsInWithTheProviderAndIsCreatedOnlyOnce() throws Exception {
        Browser b = new Browser(base);
        HttpResponse<String> in = signInWithProvider(b, "%2Fdocuments");
        assertThat(Browser.location(in)).isEqualTo("/documents");
        assertThat(b.get("/documents").statusCode()).isEqualTo(200);
        Account a = portal.identity().accounts().byPersonalNumber("K90512345B").orElseThrow();
        assertThat(a.name()).isEqualTo("Drita Basha");
        assertThat(a.role()).isEqualTo("citizen");

        long size = fixture.engine.size();
        Browser again = new Browser(base);
        assertThat(Browser.location(signInWithProvider(again, "%2Fdocuments"))).isEqualTo("/documents");
        // The second sign-in finds the link and writes nothing.
        assertThat(fixture.engine.size()).isEqualTo(size);
    }

    @Test
    void aPersonalNumberOnlyTypedAtRegistrationDoesNotCaptureTheProvidersSignInButLosesTheNumberToIt() throws Exception {
        // Someone registered first with Drita's number; the number was only typed, nobody vouched for it.
        Account typed = portal.identity().accounts().registerCitizen(Who.SYSTEM, "Drita Basha", "K90512345B", "drita@example.al",
                "lumturi ne mengjes");
        Browser b = new Browser(base);
        assertThat(Browser.location(signInWithProvider(b, "%2Fdocuments"))).isEqualTo("/documents");
        String cookie = b.cookie(Sessions.COOKIE).orElseThrow();
        String vouchedId = portal.sessions().decode(cookie).orElseThrow().accountId();

        assertThat(vouchedId).as("the provider's Drita gets an account of her own").isNotEqualTo(typed.id());
        assertThat(portal.identity().accounts().byPersonalNumber("K90512345B").orElseThrow().id())
                .as("the vouched-for account now answers to the number").isEqualTo(vouchedId);
        assertThat(portal.identity().accounts().byId(vouchedId).orElseThrow().personalNumber()).isEqualTo("K90512345B");

        // A later provider sign-in that vouches for the same number reaches the vouched-for account.
        Account again = portal.identity().accounts().forSubject(Who.SYSTEM, "other-provider:drita", "K90512345B", "Drita Basha", null);
        assertThat(again.id()).isEqualTo(vouchedId);
    }

    @Test
    void idTokenSignedWithAnotherKeyIsRefused() throws Exception {
        provider.mode = Mode.FORGED_SIGNATURE;
        assertRefused();
    }

    @Test
    void idTokenWithAnotherFlowsNonceIsRefused() throws Exception {
        provider.mode = Mode.WRONG_NONCE;
        assertRefused();
    }

    @Test
    void idTokenForAnotherClientIsRefused() throws Exception {
        provider.mode = Mode.WRONG_AUDIENCE;
        assertRefused();
    }

    @Test
    void callbackWithAnotherStateIsRefused() throws Exception {
        Browser b = new Browser(base);
        HttpResponse<String> toProvider = b.get("/sign-in/oidc");
        String back = Browser.location(b.get(Browser.location(toProvider)));
        HttpResponse<String> r = b.get(back.replaceAll("state=[^&]+", "state=forged"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(b.cookie(Sessions.COOKIE)).isEmpty();
        // An attacker's browser that never started the flow cannot complete it with a stolen redirect.
        HttpResponse<String> stolen = new Browser(base).get(back);
        assertThat(stolen.statusCode()).isEqualTo(400);
    }

    void assertRefused() throws Exception {
        Browser b = new Browser(base);
        HttpResponse<String> r = signInWithProvider(b, "%2Fdocuments");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("You could not be signed in");
        assertThat(b.cookie(Sessions.COOKIE)).isEmpty();
        assertThat(portal.identity().accounts().byPersonalNumber("K90512345B")).isEmpty();
    }
}
