package org.kalaja.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TotpTest {
    private static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void matchesRfc6238Sha1TestVectors() {
        // RFC 6238 appendix B, SHA1 column (8 digits); the 6-digit codes are their last six digits.
        long[][] vectors = {{59, 94287082}, {1111111109, 7081804}, {1111111111, 14050471}, {1234567890, 89005924},
                {2000000000, 69279037}, {20000000000L, 65353130}};
        for (long[] v : vectors) {
            long step = v[0] / 30;
            assertThat(Totp.code(RFC_SECRET, step, "HmacSHA1", 8)).isEqualTo(String.format("%08d", v[1]));
            assertThat(Totp.code(RFC_SECRET, step)).isEqualTo(String.format("%08d", v[1]).substring(2));
        }
    }

    @Test
    void acceptsOneStepOfDriftEitherWayButNotTwo() {
        TestClock clock = new TestClock(Instant.ofEpochSecond(1111111111));
        Totp totp = new Totp(clock);
        long now = 1111111111L / 30;
        assertThat(totp.accept("a", RFC_SECRET, Totp.code(RFC_SECRET, now - 2))).isFalse();
        assertThat(totp.accept("b", RFC_SECRET, Totp.code(RFC_SECRET, now - 1))).isTrue();
        assertThat(totp.accept("c", RFC_SECRET, Totp.code(RFC_SECRET, now + 1))).isTrue();
        assertThat(totp.accept("d", RFC_SECRET, Totp.code(RFC_SECRET, now + 2))).isFalse();
    }

    @Test
    void codeUsedOnceIsRefusedTheSecondTime() {
        TestClock clock = new TestClock(Instant.ofEpochSecond(1234567890));
        Totp totp = new Totp(clock);
        String code = Totp.code(RFC_SECRET, 1234567890L / 30);
        assertThat(totp.accept("a-1", RFC_SECRET, code)).isTrue();
        assertThat(totp.accept("a-1", RFC_SECRET, code)).isFalse();
        // Another account's use is its own.
        assertThat(totp.accept("a-2", RFC_SECRET, code)).isTrue();
        // An older step's code is refused once a newer one was used.
        clock.advance(Duration.ofSeconds(30));
        assertThat(totp.accept("a-1", RFC_SECRET, Totp.code(RFC_SECRET, 1234567890L / 30 - 1))).isFalse();
        assertThat(totp.accept("a-1", RFC_SECRET, Totp.code(RFC_SECRET, 1234567890L / 30 + 1))).isTrue();
    }

    @Test
    void wrongOrMalformedCodesAreRefused() {
        Totp totp = new Totp(new TestClock(Instant.ofEpochSecond(59)));
        assertThat(totp.accept("a", RFC_SECRET, "000000")).isFalse();
        assertThat(totp.accept("a", RFC_SECRET, "28708")).isFalse();
        assertThat(totp.accept("a", RFC_SECRET, "2870822")).isFalse();
        assertThat(totp.accept("a", RFC_SECRET, "abcdef")).isFalse();
        assertThat(totp.accept("a", RFC_SECRET, "287 082")).isTrue();
    }

    @Test
    void base32RoundTripsAndMatchesRfc4648() {
        assertThat(Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        assertThat(Totp.fromBase32("MZXW 6YTB OI")).hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("foobar"));
        assertThat(Totp.uri("e-Services", "ana@example.al", RFC_SECRET))
                .isEqualTo("otpauth://totp/e-Services:ana%40example.al?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=e-Services"
                        + "&algorithm=SHA1&digits=6&period=30");
    }
}
