package org.kalaja.server;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.PortalConfig;
import org.kalaja.portal.identity.OidcConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code kalaja serve}'s portal options: the catalogue, the public address, an OpenID Connect provider. */
final class PortalOptions {
    @Option(names = "--catalogue", paramLabel = "DIR",
            description = "a directory of service files (YAML) replacing the built-in catalogue; see docs/portal/SERVICES.md")
    @Nullable Path catalogue;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "the address citizens reach the portal at, printed in documents' QR codes (default: the address served)."
                    + " An https:// address also marks the portal's cookies Secure")
    @Nullable URI publicUrl;

    @Option(names = "--oidc-issuer", paramLabel = "URL", description = "an OpenID Connect provider to offer for citizen sign-in")
    @Nullable URI oidcIssuer;

    @Option(names = "--oidc-client-id", paramLabel = "ID", description = "this portal's client id at the provider")
    @Nullable String oidcClientId;

    @Option(names = "--oidc-name", paramLabel = "TEXT", defaultValue = "your national ID",
            description = "the provider as the sign-in button names it (default: ${DEFAULT-VALUE})")
    String oidcName = "your national ID";

    @Option(names = "--admin-email", paramLabel = "EMAIL", defaultValue = "admin@kalaja.local",
            description = "the first portal administrator's sign-in, created with a one-time password on a portal without staff"
                    + " (default: ${DEFAULT-VALUE})")
    String adminEmail = "admin@kalaja.local";

    @Option(names = "--demo", description = "load demo data into an empty portal: institutions' clerks, citizens with synthetic names,"
            + " applications in every state (passwords are published: never on a real node)")
    boolean demo;

    @Option(names = "--demo-citizens", paramLabel = "N", defaultValue = "200",
            description = "citizens --demo creates, each with one to three applications (default: ${DEFAULT-VALUE})")
    int demoCitizens = 200;

    @Option(names = "--demo-list-citizens", hidden = true, description = "print every demo citizen's email (for `kalaja bench portal`)")
    boolean demoListCitizens;

    /** The client secret comes from the environment only, never from the command line (ps shows arguments). */
    static final String OIDC_SECRET_ENV = "KALAJA_OIDC_CLIENT_SECRET";

    PortalConfig resolve(CommandLine cmd, Path data, String servedAt) {
        if (catalogue != null && !Files.isDirectory(catalogue)) {
            throw new CommandLine.ParameterException(cmd, "--catalogue " + catalogue + " is not a directory of service files");
        }
        URI url = publicUrl != null ? publicUrl : URI.create(servedAt);
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https")) || url.getHost() == null) {
            throw new CommandLine.ParameterException(cmd, "--public-url must be an http:// or https:// address, got " + url);
        }
        OidcConfig oidc = null;
        if (oidcIssuer != null || oidcClientId != null) {
            String secret = System.getenv(OIDC_SECRET_ENV);
            if (oidcIssuer == null || oidcClientId == null || secret == null || secret.isBlank()) {
                throw new CommandLine.ParameterException(cmd, "OpenID Connect needs --oidc-issuer, --oidc-client-id and the client secret in "
                        + OIDC_SECRET_ENV);
            }
            oidc = new OidcConfig(oidcName, oidcIssuer, oidcClientId, secret);
        }
        return new PortalConfig(data, catalogue, url, oidc, url.getScheme().equals("https"));
    }
}
