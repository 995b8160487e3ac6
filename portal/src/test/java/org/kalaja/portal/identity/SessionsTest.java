package org.kalaja.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionsTest {
    @TempDir
    Path dir;
    final TestClock clock = new TestClock(Instant.parse("2025-03-01T23:59:00Z"));

    @Test
    void sessionRoundTripsThroughItsCookie() {
        Sessions sessions = Sessions.open(dir, clock);
        Session s = sessions.start("a-0123456789abcdef", "clerk", "civil-registry", "Arta Hoxha – Zyra", false);
        Session back = sessions.decode(sessions.encode(s)).orElseThrow();
        assertThat(back).isEqualTo(s);
        assertThat(back.actor()).isEqualTo("clerk:a-0123456789abcdef");
    }

    @Test
    void keyFileIsCreatedOwnerOnlyAndReusedOnRestart() throws Exception {
        Sessions first = Sessions.open(dir, clock);
        Path key = dir.resolve("portal/session.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        String cookie = first.encode(first.start("a-1", "citizen", null, "Ana", true));
        assertThat(Sessions.open(dir, clock).decode(cookie)).isPresent();
    }

    @Test
    void tamperedCookieIsRefused() {
        Sessions sessions = Sessions.open(dir, clock);
        String cookie = sessions.encode(sessions.start("a-1", "citizen", null, "Ana", true));
        String[] parts = cookie.split("\\.");
        String json = new String(Base64.getUrlDecoder().decode(parts[1])).replace("\"citizen\"", "\"admin\"");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes()) + "." + parts[2];
        assertThat(sessions.decode(forged)).isEmpty();
        assertThat(sessions.decode(cookie.substring(0, cookie.length() - 2) + "AA")).isEmpty();
        assertThat(sessions.decode("garbage")).isEmpty();
    }

    @Test
    void cookieFromAnotherNodesKeyIsRefused() throws Exception {
        Sessions other = Sessions.open(Files.createDirectories(dir.resolve("other")), clock);
        Sessions ours = Sessions.open(dir, clock);
        assertThat(ours.decode(other.encode(other.start("a-1", "admin", null, "Root", true)))).isEmpty();
    }

    @Test
    void idleSessionExpiresAfterThirtyMinutesUnlessRefreshed() {
        Sessions sessions = Sessions.open(dir, clock);
        Session s = sessions.start("a-1", "citizen", null, "Ana", true);
        clock.advance(Duration.ofMinutes(20));
        Session refreshed = sessions.refresh(s).orElseThrow();
        clock.advance(Duration.ofMinutes(20));
        assertThat(sessions.decode(sessions.encode(s))).isEmpty();
        assertThat(sessions.decode(sessions.encode(refreshed))).isPresent();
    }

    @Test
    void refreshingNeverOutlivesTwelveHours() {
        Sessions sessions = Sessions.open(dir, clock);
        Session s = sessions.start("a-1", "citizen", null, "Ana", true);
        for (int i = 0; i < 12 * 3; i++) {
            clock.advance(Duration.ofMinutes(20));
            s = sessions.refresh(s).orElse(s);
        }
        assertThat(s.expires()).isEqualTo(s.issued().plus(Sessions.ABSOLUTE));
        assertThat(sessions.decode(sessions.encode(s))).isEmpty();
    }

    @Test
    void revokedSessionIsRefused() {
        Sessions sessions = Sessions.open(dir, clock);
        Session s = sessions.start("a-1", "citizen", null, "Ana", true);
        sessions.revoke(s);
        assertThat(sessions.decode(sessions.encode(s))).isEmpty();
    }

    @Test
    void secondFactorGivesNewIdAndTokenAndRevokesTheOld() {
        Sessions sessions = Sessions.open(dir, clock);
        Session half = sessions.start("a-1", "clerk", "tax", "Besa", false);
        Session full = sessions.verify(half);
        assertThat(full.verified()).isTrue();
        assertThat(full.id()).isNotEqualTo(half.id());
        assertThat(full.csrf()).isNotEqualTo(half.csrf());
        assertThat(sessions.decode(sessions.encode(half))).isEmpty();
        assertThat(sessions.decode(sessions.encode(full))).isPresent();
    }

    @Test
    void sealedValueDoesNotUnsealForAnotherPurpose() {
        Sessions sessions = Sessions.open(dir, clock);
        String sealed = sessions.seal("oidc", "state");
        assertThat(sessions.unseal("oidc", sealed)).contains("state");
        assertThat(sessions.unseal("session", sealed)).isEmpty();
    }
}
