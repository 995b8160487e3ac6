package org.kalaja.portal;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.identity.OidcConfig;

/**
 * How a node's portal is set up.
 *
 * @param dataDir      where the portal keeps its secrets: the session-signing key and the institutions'
 *                     seal keys (under {@code <dataDir>/portal/})
 * @param catalogueDir a directory of service files replacing the built-in catalogue, or null
 * @param publicUrl    the address citizens reach the portal at; printed in documents' QR codes
 * @param oidc         an OpenID Connect provider to offer as "Sign in with …", or null
 * @param secureCookies whether cookies carry {@code Secure}: true behind HTTPS; false only on loopback
 */
public record PortalConfig(Path dataDir, @Nullable Path catalogueDir, URI publicUrl, @Nullable OidcConfig oidc,
        boolean secureCookies) {

    public Optional<OidcConfig> oidcProvider() {
        return Optional.ofNullable(oidc);
    }
}
