package org.kalaja.portal.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.store.PortalRecords;

/**
 * Stateless sessions: everything a {@link Session} holds travels in the {@code kalaja_session} cookie,
 * signed with HMAC-SHA256 under a key kept in {@code <dataDir>/portal/session.key} (32 random bytes,
 * created 0600 on first start). Signing in therefore needs no write, so people can sign in while the node
 * is in safe mode.
 *
 * <p>Cookie value: {@code v1.<base64url(JSON)>.<base64url(HMAC-SHA256(key, "session\0" + JSON))>} with
 * JSON fields {@code id, acc, role, inst, name, ver, csrf, iat, exp} (times in epoch seconds).
 *
 * <p>Invariants: a session decoded by {@link #decode} has a valid signature, has not passed {@code expires}
 * (30 minutes idle, re-issued on use by {@link #refresh}) nor {@code issued} + 12 hours, and was not
 * revoked. Revocations live in memory until the session would have expired anyway: a restarted node
 * forgets them (documented in docs/portal/IDENTITY.md). Every sign-in MUST {@link #start} a new session
 * id, so a session id planted before sign-in is worthless.
 */
public final class Sessions {
    public static final String COOKIE = "kalaja_session";
    public static final Duration IDLE = Duration.ofMinutes(30);
    public static final Duration ABSOLUTE = Duration.ofHours(12);
    /** A staff member between password and code: long enough to open an authenticator app. */
    public static final Duration UNVERIFIED = Duration.ofMinutes(10);
    private static final String VERSION = "v1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private final Clock clock;
    private final ConcurrentHashMap<String, Instant> revoked = new ConcurrentHashMap<>();

    Sessions(byte[] key, Clock clock) {
        if (key.length != 32) throw new IllegalArgumentException("a session key is 32 bytes, not " + key.length);
        this.key = key.clone();
        this.clock = clock;
    }

    /** Loads {@code <dataDir>/portal/session.key}, creating it (0600) on first start. */
    public static Sessions open(Path dataDir, Clock clock) {
        return new Sessions(loadOrCreateKey(dataDir.resolve("portal").resolve("session.key")), clock);
    }

    static byte[] loadOrCreateKey(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                byte[] fresh = random(32);
                try (SeekableByteChannel ch = Files.newByteChannel(file, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                    ch.write(ByteBuffer.wrap(fresh));
                    return fresh;
                } catch (FileAlreadyExistsException raced) {
                    // another start created it first: use theirs
                }
            }
            byte[] k = Files.readAllBytes(file);
            if (k.length != 32) throw new IllegalStateException(file + " holds " + k.length + " bytes, not a 32-byte session key");
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the session key " + file, e);
        }
    }

    public Clock clock() {
        return clock;
    }

    /** A new session (new id and CSRF token) for a person who just presented their first factor. */
    public Session start(String accountId, String role, @Nullable String institution, String name, boolean verified) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant expires = now.plus(verified ? IDLE : UNVERIFIED);
        return new Session(token(), accountId, role, institution, name, verified, token(), now, expires);
    }

    /** The session after the second factor: a new id and token (the privilege changed), same absolute limit. */
    public Session verify(Session s) {
        revoke(s);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return new Session(token(), s.accountId(), s.role(), s.institution(), s.name(), true, token(), s.issued(), idleExpiry(s.issued(), now));
    }

    /** The session with its idle timeout pushed back, or empty when re-issuing is not worth a cookie yet. */
    public Optional<Session> refresh(Session s) {
        if (!s.verified()) return Optional.empty();
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant next = idleExpiry(s.issued(), now);
        if (!next.isAfter(s.expires().plusSeconds(60))) return Optional.empty();
        return Optional.of(new Session(s.id(), s.accountId(), s.role(), s.institution(), s.name(), true, s.csrf(), s.issued(), next));
    }

    private static Instant idleExpiry(Instant issued, Instant now) {
        Instant idle = now.plus(IDLE);
        Instant absolute = issued.plus(ABSOLUTE);
        return idle.isBefore(absolute) ? idle : absolute;
    }

    /** Sign-out: the session id is refused until it would have expired anyway. */
    public void revoke(Session s) {
        Instant now = clock.instant();
        revoked.put(s.id(), s.issued().plus(ABSOLUTE));
        revoked.values().removeIf(until -> until.isBefore(now));
    }

    public String encode(Session s) {
        ObjectNode o = PortalRecords.JSON.createObjectNode();
        o.put("id", s.id()).put("acc", s.accountId()).put("role", s.role());
        if (s.institution() != null) o.put("inst", s.institution());
        o.put("name", s.name()).put("ver", s.verified()).put("csrf", s.csrf())
                .put("iat", s.issued().getEpochSecond()).put("exp", s.expires().getEpochSecond());
        return seal("session", o.toString());
    }

    /** The session in {@code cookie}, if its signature holds and it is neither expired nor revoked. */
    public Optional<Session> decode(@Nullable String cookie) {
        Optional<String> json = unseal("session", cookie);
        if (json.isEmpty()) return Optional.empty();
        try {
            JsonNode o = PortalRecords.JSON.readTree(json.get());
            Instant issued = Instant.ofEpochSecond(o.path("iat").asLong());
            Instant expires = Instant.ofEpochSecond(o.path("exp").asLong());
            Instant now = clock.instant();
            if (!now.isBefore(expires) || !now.isBefore(issued.plus(ABSOLUTE))) return Optional.empty();
            String id = o.path("id").asText();
            if (revoked.containsKey(id)) return Optional.empty();
            JsonNode inst = o.get("inst");
            return Optional.of(new Session(id, o.path("acc").asText(), o.path("role").asText(),
                    inst == null ? null : inst.asText(), o.path("name").asText(), o.path("ver").asBoolean(),
                    o.path("csrf").asText(), issued, expires));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Signs {@code payload} for {@code purpose} (domain separation: a value sealed for one purpose never
     * unseals for another). Used for the session cookie and the OpenID Connect state cookie.
     */
    public String seal(String purpose, String payload) {
        String body = b64(payload.getBytes(StandardCharsets.UTF_8));
        return VERSION + "." + body + "." + b64(mac(purpose, payload));
    }

    /** The payload of a value {@link #seal}ed for {@code purpose}, if its signature holds. */
    public Optional<String> unseal(String purpose, @Nullable String sealed) {
        if (sealed == null || sealed.length() > 4096) return Optional.empty();
        String[] parts = sealed.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION)) return Optional.empty();
        try {
            byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
            String text = new String(payload, StandardCharsets.UTF_8);
            // Compared as text: base64 decoding ignores the last character's spare bits, so a tag with them
            // changed would decode to the same bytes; only the one canonical value is accepted.
            boolean signed = MessageDigest.isEqual(parts[2].getBytes(StandardCharsets.US_ASCII),
                    b64(mac(purpose, text)).getBytes(StandardCharsets.US_ASCII));
            return signed && b64(payload).equals(parts[1]) ? Optional.of(text) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A secret derived from the session key for {@code purpose} (e.g. a TOTP secret offered at enrolment). */
    public byte[] derive(String purpose, int length) {
        return java.util.Arrays.copyOf(mac("derive", purpose), length);
    }

    private byte[] mac(String purpose, String payload) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            m.update(purpose.getBytes(StandardCharsets.UTF_8));
            m.update((byte) 0);
            return m.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }

    /** 128 random bits, base64url: session ids, CSRF tokens, OIDC state and nonce. */
    public static String token() {
        return b64(random(16));
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
