package org.kalaja.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test (method or class) that runs the Go {@link PeerVerifier}, and lets it take a
 * {@code PeerVerifier} parameter.
 *
 * <p>Where Go is missing the test is SKIPPED with {@link PeerVerifier#UNAVAILABLE}; where the
 * environment variable {@code CI} is {@code true} it FAILS instead, so CI MUST NOT lose the
 * cross-check silently.
 *
 * <pre>{@code
 * @Test @RequiresPeerVerifier
 * void goAgreesWithOurLog(PeerVerifier go) {
 *     go.verify("http://127.0.0.1:" + port + "/log/", vkey, 0, 41).requireOk();
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(PeerVerifierExtension.class)
public @interface RequiresPeerVerifier {}
