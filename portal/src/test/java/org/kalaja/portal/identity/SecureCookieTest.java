package org.kalaja.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.web.PortalWeb;
import org.kalaja.portal.web.SessionFilter;

/** Behind HTTPS ({@code secureCookies}), every cookie the filter sets carries {@code Secure}. */
class SecureCookieTest {
    @TempDir
    Path dir;

    @Test
    void cookiesCarrySecureWhenConfigured() throws Exception {
        try (PortalFixture f = PortalFixture.open(dir)) {
            Sessions sessions = Sessions.open(dir, Clock.systemUTC());
            SessionFilter filter = new SessionFilter(new PortalWeb(f.records()), sessions, true);
            Javalin app = Javalin.create(c -> {
                c.showJavalinBanner = false;
                c.startupWatcherEnabled = false;
            });
            filter.register(app);
            app.get("/sign-in-now", ctx -> filter.setSession(ctx, sessions.start("a-0000000000000001", "citizen", null, "Ana", true)));
            app.start("127.0.0.1", 0);
            try {
                HttpResponse<String> r = new Browser("http://127.0.0.1:" + app.port()).get("/sign-in-now");
                assertThat(r.headers().allValues("Set-Cookie")).hasSize(2)
                        .allSatisfy(c -> assertThat(c).contains("; Secure").contains("HttpOnly").contains("SameSite=Lax"));
            } finally {
                app.stop();
            }
        }
    }
}
