package org.kalaja.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds Go and the peer verifier's sources and builds the tool at most once per source version.
 *
 * <p>The binary is named after a SHA-256 of its sources, so an edit to {@code tools/peer-verifier}
 * rebuilds it and concurrent test JVMs share one build; each build goes to a temp file that is
 * moved into place, so a reader never sees half a binary.
 */
final class PeerVerifierBuild {
    static final Path GOPATH = Path.of("/usr/share/gocode");
    static final String TOOL = "tools/peer-verifier";

    private static Optional<Path> built;

    private PeerVerifierBuild() {}

    /** What is missing, if anything. */
    static Optional<String> missing() {
        if (goExecutable().isEmpty() || !Files.isDirectory(GOPATH.resolve("src/golang.org/x/mod/sumdb/tlog"))
                || !Files.isDirectory(GOPATH.resolve("src/golang.org/x/mod/sumdb/note"))) {
            return Optional.of(PeerVerifier.UNAVAILABLE);
        }
        if (repositoryRoot().isEmpty()) {
            return Optional.of("Go peer verifier unavailable: no " + TOOL + " in " + Path.of("").toAbsolutePath()
                    + " or any parent directory");
        }
        return Optional.empty();
    }

    static synchronized Optional<Path> binary() {
        if (built == null) {
            built = missing().isPresent() ? Optional.empty() : Optional.of(build(goExecutable().orElseThrow(),
                    repositoryRoot().orElseThrow()));
        }
        return built;
    }

    static Optional<Path> goExecutable() {
        String path = System.getenv("PATH");
        Stream<Path> dirs = path == null ? Stream.empty()
                : Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(Path::of);
        return dirs.map(d -> d.resolve("go"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The nearest directory, from the working directory up, holding {@code tools/peer-verifier}. */
    static Optional<Path> repositoryRoot() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(TOOL).resolve("main.go"))) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private static Path build(Path go, Path repo) {
        Path sources = repo.resolve(TOOL);
        Path dir = cacheDirectory(repo);
        Path binary = dir.resolve("peer-verifier-" + sourceHash(sources));
        if (Files.isExecutable(binary)) {
            return binary;
        }
        try {
            Path tmp = Files.createTempFile(dir, "peer-verifier", ".tmp");
            Path log = Files.createTempFile(dir, "go-build", ".log");
            ProcessBuilder builder = new ProcessBuilder(go.toString(), "build", "-o", tmp.toString(), ".")
                    .directory(sources.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = builder.environment();
            env.put("GO111MODULE", "off");
            env.put("GOPATH", GOPATH.toString());
            env.put("GOFLAGS", "");
            env.putIfAbsent("GOCACHE", dir.resolve("gocache").toString());
            Process proc = builder.start();
            if (!proc.waitFor(5, TimeUnit.MINUTES)) {
                proc.destroyForcibly();
                throw new IllegalStateException("go build of " + sources + " timed out");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            if (proc.exitValue() != 0) {
                Files.deleteIfExists(tmp);
                throw new IllegalStateException("go build of " + sources + " failed:\n" + output);
            }
            try {
                Files.move(tmp, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, binary, StandardCopyOption.REPLACE_EXISTING);
            }
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException("building " + sources, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted building " + sources, e);
        }
    }

    /** {@code target/peer-verifier} of the repository if writable, else a directory under the temp dir. */
    private static Path cacheDirectory(Path repo) {
        for (Path dir : List.of(repo.resolve("target/peer-verifier"),
                Path.of(System.getProperty("java.io.tmpdir"), "kalaja-peer-verifier"))) {
            try {
                Files.createDirectories(dir);
                if (Files.isWritable(dir)) {
                    return dir;
                }
            } catch (IOException e) {
                // try the next place
            }
        }
        throw new IllegalStateException("no writable directory to build the peer verifier in");
    }

    /** SHA-256 over the names and contents of the tool's non-test Go files, in name order. */
    static String sourceHash(Path sources) {
        try (Stream<Path> files = Files.list(sources)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path f : files.filter(f -> f.toString().endsWith(".go") && !f.toString().endsWith("_test.go"))
                    .sorted().toList()) {
                sha.update((f.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + sources, e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
