package org.kalaja.engine.seal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Fresh SoftHSM2 tokens (Debian's {@code softhsm2}) for tests that need a real PKCS#11 token.
 *
 * <p><b>SOFTHSM2_CONF.</b> SoftHSM reads its configuration file from the environment variable
 * {@code SOFTHSM2_CONF} (then {@code ~/.config/softhsm2/softhsm2.conf}, then {@code /etc}) when the
 * library initialises, inside this JVM, and Java cannot set its own environment. So the build sets
 * it: engine's surefire configuration passes {@code SOFTHSM2_CONF=target/softhsm/softhsm2.conf},
 * and this fixture writes that file (when absent) with a token directory beside it. Writing to the
 * home directory was rejected: it would change a developer's own SoftHSM setup.
 *
 * <p><b>One library file per token.</b> SoftHSM lists its token directory once, at
 * {@code C_Initialize}, and the JDK initialises each library file once per process and never
 * finalises it, so a token made after the first use would stay invisible. Each {@link #newToken}
 * and {@link #restarted} therefore hands out its own copy of {@code libsofthsm2.so}: a separate
 * file is a separate SoftHSM instance in the process, initialised when first configured and
 * seeing every token made so far, as a freshly started process would.
 *
 * <p>Labels get a random suffix, so tests (and concurrent builds sharing the token directory) never
 * meet a namesake; the tokens this JVM made are deleted when it exits.
 */
public final class SoftHsm {
    /** Why a test is skipped where SoftHSM2 is missing. */
    public static final String UNAVAILABLE = "SoftHSM2 unavailable: install softhsm2 (scripts/install-test-deps)";
    private static final List<Path> LIBRARIES = List.of(
            Path.of("/usr/lib/softhsm/libsofthsm2.so"), Path.of("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"));
    private static final String UTIL = "softhsm2-util";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<String> MADE = new ArrayList<>();
    private static boolean hooked;
    private static int copies;

    private SoftHsm() {
    }

    /** The system's {@code libsofthsm2.so}. */
    public static Path library() {
        return LIBRARIES.stream().filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new IllegalStateException(UNAVAILABLE));
    }

    /** Whether the library and {@code softhsm2-util} are installed. */
    public static boolean available() {
        return LIBRARIES.stream().anyMatch(Files::isRegularFile) && Stream.of(System.getenv("PATH").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, UTIL)));
    }

    /** Skips the calling test where SoftHSM2 is missing, or FAILS it where {@code CI=true}. */
    public static void assumeAvailable() {
        if (available()) return;
        if ("true".equals(System.getenv("CI"))) Assertions.fail(UNAVAILABLE);
        Assumptions.abort(UNAVAILABLE);
    }

    /**
     * Initialises a new token labelled {@code label} plus a random suffix (see {@link
     * Pkcs11Kms.Config#tokenLabel}) with a random user PIN, and returns how to open it.
     */
    public static synchronized Pkcs11Kms.Config newToken(String label) {
        Path dir = home();
        String unique = label + "-" + HexFormat.of().formatHex(bytes(4));
        if (unique.length() > 32) throw new IllegalArgumentException("a token label has at most 32 bytes: " + unique);
        char[] pin = HexFormat.of().formatHex(bytes(6)).toCharArray();
        String so = HexFormat.of().formatHex(bytes(6));
        run(UTIL, "--init-token", "--free", "--label", unique, "--pin", new String(pin), "--so-pin", so);
        MADE.add(unique);
        hook(dir);
        return new Pkcs11Kms.Config(copyOfLibrary(dir), unique, pin);
    }

    /** {@code token} as a restarted process sees it: the same label and PIN, a fresh library instance. */
    public static synchronized Pkcs11Kms.Config restarted(Pkcs11Kms.Config token) {
        return new Pkcs11Kms.Config(copyOfLibrary(home()), token.tokenLabel(), token.pin());
    }

    /** The directory holding {@code softhsm2.conf}, its token directory and the library copies. */
    private static Path home() {
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null || conf.isBlank()) {
            throw new IllegalStateException("SOFTHSM2_CONF is not set: run the tests through Maven (engine/pom.xml sets it), or set it"
                    + " to a writable path such as engine/target/softhsm/softhsm2.conf; SoftHSM reads it inside the JVM");
        }
        Path file = Path.of(conf).toAbsolutePath();
        Path dir = file.getParent();
        try {
            Files.createDirectories(dir.resolve("tokens"));
            if (!Files.exists(file)) {
                Path tmp = Files.createTempFile(dir, "softhsm2", ".conf");
                Files.writeString(tmp, "directories.tokendir = " + dir.resolve("tokens") + "\nobjectstore.backend = file\n"
                        + "log.level = ERROR\nslots.removable = false\n", StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the SoftHSM directory " + dir, e);
        }
        return dir;
    }

    private static Path copyOfLibrary(Path dir) {
        try {
            Path copy = dir.resolve("libs").resolve(ProcessHandle.current().pid() + "-" + ++copies).resolve("libsofthsm2.so");
            Files.createDirectories(copy.getParent());
            Files.copy(library(), copy, StandardCopyOption.REPLACE_EXISTING);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the SoftHSM library", e);
        }
    }

    private static void hook(Path dir) {
        if (hooked) return;
        hooked = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            List<String> made;
            synchronized (SoftHsm.class) {
                made = List.copyOf(MADE);
            }
            for (String label : made) {
                try {
                    run(UTIL, "--delete-token", "--token", label);
                } catch (RuntimeException e) {
                    // a leftover token in target/ costs nothing; its label is never asked for again
                }
            }
            // the JVM keeps the copies mapped until it exits; unlinking them now is safe on Linux
            try (Stream<Path> files = Files.walk(dir.resolve("libs"))) {
                String mine = ProcessHandle.current().pid() + "-";
                files.sorted(Comparator.reverseOrder())
                        .filter(p -> p.toString().contains("/" + mine))
                        .forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // as above: leftovers live in target/
            }
        }, "softhsm-cleanup"));
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command.length > 2 ? List.of(command).subList(0, 2) : List.of(command))
                        + " failed: " + new String(out, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
