package org.kalaja.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test (class or method) that needs a real S3 server with Object Lock, and lets it (and its
 * {@code @BeforeAll}) take a {@link CephRgw} parameter: one cluster, started on first use and shared
 * by every test of the JVM, stopped when the test run ends.
 *
 * <p>Where Ceph is missing the test is SKIPPED with {@link CephRgw#UNAVAILABLE}; where the environment
 * variable {@code CI} is {@code true} it FAILS instead, so CI MUST NOT lose the S3 tests silently.
 *
 * <pre>{@code
 * @RequiresCephRgw
 * class S3VaultTest {
 *     @BeforeAll static void bucket(CephRgw rgw) { ... rgw.endpoint() ... }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(CephRgwExtension.class)
public @interface RequiresCephRgw {}
