package org.kalaja.portal.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.store.PortalRecords;

/**
 * "Sign in with …": the OpenID Connect authorization code flow with PKCE (S256) against one provider.
 *
 * <p>{@link #start} makes a fresh {@code state}, {@code nonce} and PKCE verifier and seals them (with
 * the page to return to) into the short-lived {@code kalaja_oidc} cookie; {@link #finish} MUST find the
 * same {@code state} in that cookie, exchanges the code at the token endpoint (client_secret_basic), and
 * accepts the ID token only if its RS256 or ES256 signature verifies against the provider's JWKS and its
 * issuer, audience, expiry and nonce are the expected ones. The provider's metadata is read from
 * {@code <issuer>/.well-known/openid-configuration} on first use (a provider that is down at start does
 * not stop the node) and its keys are read again once when a token names a key not seen before.
 */
public final class Oidc {
    public static final String STATE_COOKIE = "kalaja_oidc";
    public static final String CALLBACK = "/sign-in/oidc/callback";
    static final Duration STATE_TTL = Duration.ofMinutes(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final OidcConfig config;
    private final URI redirect;
    private final Sessions sessions;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    private volatile @Nullable Metadata metadata;
    private volatile @Nullable JWKSet keys;

    Oidc(OidcConfig config, URI publicUrl, Sessions sessions, Clock clock) {
        this.config = config;
        this.redirect = publicUrl.resolve(CALLBACK);
        this.sessions = sessions;
        this.clock = clock;
    }

    /** The provider's name for the button: "Sign in with {@code name}". */
    public String name() {
        return config.name();
    }

    /** Why a sign-in with the provider failed; the page shows a general message, the log this one. */
    public static final class OidcException extends RuntimeException {
        OidcException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    /** Where to send the browser, and the sealed state to set as {@link #STATE_COOKIE}. */
    public record Start(URI authorize, String cookie) {}

    /** Who the provider says signed in. {@code subjectKey} names the link in {@code oidc-subjects}. */
    public record Claims(String subjectKey, @Nullable String personalNumber, String name, @Nullable String email,
            @Nullable String next) {}

    private record Metadata(URI authorize, URI token, URI jwks) {}

    public Start start(@Nullable String next) {
        Metadata m = metadata();
        String state = Sessions.token();
        String nonce = Sessions.token();
        String verifier = Sessions.token() + Sessions.token();
        ObjectNode o = PortalRecords.JSON.createObjectNode().put("state", state).put("nonce", nonce).put("verifier", verifier)
                .put("exp", clock.instant().plus(STATE_TTL).getEpochSecond());
        if (next != null) o.put("next", next);
        String query = "response_type=code&client_id=" + enc(config.clientId()) + "&redirect_uri=" + enc(redirect.toString())
                + "&scope=" + enc("openid profile email") + "&state=" + enc(state) + "&nonce=" + enc(nonce)
                + "&code_challenge=" + enc(challenge(verifier)) + "&code_challenge_method=S256";
        String sep = m.authorize().getRawQuery() == null ? "?" : "&";
        return new Start(URI.create(m.authorize() + sep + query), sessions.seal("oidc", o.toString()));
    }

    /**
     * Completes the flow for the provider's redirect back.
     *
     * @throws OidcException when the state does not match, the exchange fails or the ID token is not acceptable
     */
    public Claims finish(@Nullable String cookie, @Nullable String state, @Nullable String code) {
        JsonNode saved = sessions.unseal("oidc", cookie).map(Oidc::json)
                .orElseThrow(() -> new OidcException("no valid sign-in state cookie", null));
        if (saved.path("exp").asLong() < clock.instant().getEpochSecond()) throw new OidcException("sign-in state expired", null);
        if (state == null || code == null || !MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8),
                saved.path("state").asText().getBytes(StandardCharsets.UTF_8))) {
            throw new OidcException("state does not match", null);
        }
        String idToken = exchange(code, saved.path("verifier").asText());
        JWTClaimsSet c = verify(idToken, saved.path("nonce").asText());
        String sub = c.getSubject();
        String subjectKey = "s:" + HexFormat.of().formatHex(sha256(config.issuer() + "\n" + sub));
        String name = claim(c, "name");
        if (name == null) {
            String given = claim(c, "given_name");
            String family = claim(c, "family_name");
            name = ((given == null ? "" : given) + " " + (family == null ? "" : family)).strip();
        }
        Object verified = c.getClaim("email_verified");
        String email = Boolean.TRUE.equals(verified) ? claim(c, "email") : null;
        JsonNode next = saved.get("next");
        return new Claims(subjectKey, claim(c, "personal_number"), name, email, next == null ? null : next.asText());
    }

    private String exchange(String code, String verifier) {
        String basic = Base64.getEncoder().encodeToString((enc(config.clientId()) + ":" + enc(config.clientSecret()))
                .getBytes(StandardCharsets.UTF_8));
        String body = "grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(redirect.toString())
                + "&code_verifier=" + enc(verifier);
        HttpRequest req = HttpRequest.newBuilder(metadata().token()).timeout(TIMEOUT)
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        JsonNode r = json(send(req, "token request"));
        String idToken = r.path("id_token").asText("");
        if (idToken.isEmpty()) throw new OidcException("token response has no id_token", null);
        return idToken;
    }

    JWTClaimsSet verify(String idToken, String nonce) {
        try {
            String kid = SignedJWT.parse(idToken).getHeader().getKeyID();
            // A key id we have not seen: the provider may have rotated its keys since we read them.
            if (kid != null && keys().getKeyByKeyId(kid) == null) keys = null;
            return process(idToken, nonce, keys());
        } catch (BadJOSEException | JOSEException | ParseException e) {
            throw new OidcException("ID token refused: " + e.getMessage(), e);
        }
    }

    private JWTClaimsSet process(String idToken, String nonce, JWKSet jwks) throws BadJOSEException, JOSEException, ParseException {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), new ImmutableJWKSet<>(jwks)));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(config.clientId(),
                new JWTClaimsSet.Builder().issuer(config.issuer().toString()).claim("nonce", nonce).build(),
                Set.of("sub", "iat", "exp")));
        return p.process(idToken, null);
    }

    private Metadata metadata() {
        Metadata m = metadata;
        if (m != null) return m;
        String base = config.issuer().toString().replaceAll("/+$", "");
        JsonNode d = json(send(HttpRequest.newBuilder(URI.create(base + "/.well-known/openid-configuration")).timeout(TIMEOUT)
                .header("Accept", "application/json").GET().build(), "discovery"));
        if (!d.path("issuer").asText().equals(config.issuer().toString())) {
            throw new OidcException("discovery names issuer " + d.path("issuer").asText() + ", expected " + config.issuer(), null);
        }
        m = new Metadata(URI.create(d.path("authorization_endpoint").asText()), URI.create(d.path("token_endpoint").asText()),
                URI.create(d.path("jwks_uri").asText()));
        metadata = m;
        return m;
    }

    private JWKSet keys() {
        JWKSet k = keys;
        if (k != null) return k;
        String body = send(HttpRequest.newBuilder(metadata().jwks()).timeout(TIMEOUT).GET().build(), "JWKS");
        try {
            k = JWKSet.parse(body);
        } catch (ParseException e) {
            throw new OidcException("JWKS is not a key set", e);
        }
        keys = k;
        return k;
    }

    private String send(HttpRequest req, String what) {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new OidcException(what + " answered " + r.statusCode(), null);
            return r.body();
        } catch (IOException e) {
            throw new OidcException(what + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OidcException(what + " interrupted", e);
        }
    }

    private static JsonNode json(String s) {
        try {
            return PortalRecords.JSON.readTree(s);
        } catch (IOException e) {
            throw new OidcException("not JSON", e);
        }
    }

    private static @Nullable String claim(JWTClaimsSet c, String name) {
        Object v = c.getClaim(name);
        return v instanceof String s && !s.isBlank() ? s : null;
    }

    static String challenge(String verifier) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
