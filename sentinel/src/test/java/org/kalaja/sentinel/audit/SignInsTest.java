package org.kalaja.sentinel.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignInsTest {
    private static final Instant T = Instant.parse("2022-07-15T08:00:00Z");

    @Test
    void firstRequestOfATokenFromAPlaceIsASignInAndItsNextOnesAreNot() {
        SignIns s = new SignIns();

        assertThat(s.opens("token:a", "10.0.0.5", "cli", T)).isTrue();
        assertThat(s.opens("token:a", "10.0.0.5", "cli", T.plusSeconds(60))).isFalse();
        assertThat(s.opens("token:a", "203.0.113.7", "cli", T.plusSeconds(61))).as("another address").isTrue();
        assertThat(s.opens("token:a", "10.0.0.5", "curl/8.5", T.plusSeconds(62))).as("another client").isTrue();
        assertThat(s.opens("token:b", "10.0.0.5", "cli", T.plusSeconds(63))).as("another token").isTrue();
    }

    @Test
    void aRequestAfterHalfAnHourIdleSignsInAgain() {
        SignIns s = new SignIns();
        s.opens("token:a", "10.0.0.5", "cli", T);

        assertThat(s.opens("token:a", "10.0.0.5", "cli", T.plus(SignIns.IDLE))).isFalse();
        assertThat(s.opens("token:a", "10.0.0.5", "cli", T.plus(SignIns.IDLE).plus(SignIns.IDLE).plusSeconds(1))).isTrue();
    }
}
