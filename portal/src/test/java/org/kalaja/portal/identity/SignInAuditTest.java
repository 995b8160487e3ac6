package org.kalaja.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.store.PortalWatch;
import org.kalaja.portal.store.Who;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Outcome;

/** What the sentinel sees of sign-ins: every failure and success, never a password. */
class SignInAuditTest {
    @TempDir
    Path dir;

    @Test
    void failuresAndSuccessesAreAuditedWithoutThePassword() throws Exception {
        PortalFixture.Recording watch = new PortalFixture.Recording();
        try (PortalFixture f = PortalFixture.open(dir, watch, null)) {
            Identity id = f.portal.identity();
            Account a = id.accounts().registerCitizen(Who.SYSTEM, "Ana Kola", "J00101001A", "ana@example.al", "lumturi ne mengjes");
            Who request = new Who("anonymous", "", "", "192.0.2.7", "test");
            assertThat(id.signIn().password(request, "ana@example.al", "wrong guess 1")).isInstanceOf(SignIn.Result.Refused.class);
            assertThat(id.signIn().password(request, "nobody@example.al", "wrong guess 2")).isInstanceOf(SignIn.Result.Refused.class);
            assertThat(id.signIn().password(request, "ana@example.al", "lumturi ne mengjes")).isInstanceOf(SignIn.Result.SignedIn.class);

            List<AuditEvent> auth = watch.auth();
            assertThat(auth).extracting(AuditEvent::action).containsExactly(Action.AUTH_FAILURE, Action.AUTH_FAILURE, Action.AUTH_SIGNIN);
            assertThat(auth).extracting(AuditEvent::reason).containsExactly("bad_password", "unknown_account", "");
            assertThat(auth).allSatisfy(e -> assertThat(e.address()).isEqualTo("192.0.2.7"));
            assertThat(auth.get(0).outcome()).isEqualTo(Outcome.FAILURE);
            assertThat(auth.get(2).actor()).isEqualTo("citizen:" + a.id());
            assertThat(auth.get(2).extra()).containsEntry("user.id", a.id());
            assertThat(auth.toString()).doesNotContain("wrong guess").doesNotContain("lumturi");
        }
    }

    @Test
    void addressIsLimitedAcrossManyEmails() throws Exception {
        try (PortalFixture f = PortalFixture.open(dir)) {
            SignIn signIn = f.portal.identity().signIn();
            Who sprayer = new Who("anonymous", "", "", "198.51.100.9", "spray");
            for (int i = 0; i < SignInLimiter.PER_ADDRESS; i++) {
                assertThat(signIn.password(sprayer, "user" + i + "@example.al", "wrong password")).isInstanceOf(SignIn.Result.Refused.class);
            }
            assertThat(signIn.password(sprayer, "fresh@example.al", "wrong password")).isInstanceOf(SignIn.Result.Limited.class);
            Who other = new Who("anonymous", "", "", "198.51.100.10", "other");
            assertThat(signIn.password(other, "fresh@example.al", "wrong password")).isInstanceOf(SignIn.Result.Refused.class);
        }
    }
}
