package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The portal in a real browser (headless Chromium): what a citizen, a clerk and a visitor see. */
class PortalBrowserTest {
    @TempDir
    Path tmp;

    @Test
    void theStatusPageRendersWithItsStylesUnderTheStrictContentSecurityPolicy() throws Exception {
        assumeTrue(Browser.available(), "Chromium and chromium-driver are not installed: run scripts/install-test-deps");
        try (RunningNode n = RunningNode.startWithPortal(tmp.resolve("node"));
                Browser b = Browser.open(n.url("/"), tmp.resolve("profile"))) {
            b.go("/service-status");

            assertThat(b.h1()).isEqualTo("Service status");
            assertThat(b.find("html").getAttribute("lang")).isEqualTo("en");
            assertThat(b.text()).contains("All services are working");
            // The stylesheet loaded: the header has Kalaja's colour, not the browser's default white.
            assertThat(b.find("header").getCssValue("background-color")).isEqualTo("rgba(122, 30, 18, 1)");
            assertThat(b.find("body").getCssValue("font-family")).doesNotContain("GDS Transport");
            b.screenshot("status-page");
        }
    }
}
