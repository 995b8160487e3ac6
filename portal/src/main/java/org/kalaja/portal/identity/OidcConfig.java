package org.kalaja.portal.identity;

import java.net.URI;

/**
 * A real identity provider for "Sign in with …" (OpenID Connect authorization code flow with PKCE).
 *
 * @param name         shown on the button ("Sign in with e-Albania ID")
 * @param issuer       the provider's issuer; its {@code /.well-known/openid-configuration} is read at start
 * @param clientId     this portal's client id at the provider
 * @param clientSecret the client secret (from an environment variable, never a file in the repository)
 */
public record OidcConfig(String name, URI issuer, String clientId, String clientSecret) {}
