package org.kalaja.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

/**
 * The independent cross-check: runs {@code tools/peer-verifier}, a Go program that verifies a C2SP
 * tlog-tiles log (a URL or a directory) with Go's own {@code golang.org/x/mod/sumdb/tlog} and
 * {@code sumdb/note}, none of Kalaja's code.
 *
 * <p>Invariants: an instance exists only when {@code go} and the x/mod sources are installed and the
 * tool has been built from the current sources; {@link #verify} returns a {@link Result} for every
 * verdict the tool reaches and throws only when the tool itself could not run. A test MUST assert
 * {@link Result#ok()} (or call {@link Result#requireOk()}); a result is never thrown away silently.
 *
 * <p>Tests normally get an instance through {@link RequiresPeerVerifier}, which skips them where Go
 * is missing, except under {@code CI=true}, where they fail.
 */
public final class PeerVerifier {
    /** Why a test is skipped where Go is missing. */
    public static final String UNAVAILABLE =
            "Go peer verifier unavailable: install golang-go golang-golang-x-mod-dev (scripts/install-test-deps)";

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final Path binary;

    PeerVerifier(Path binary) {
        this.binary = binary;
    }

    /**
     * The verifier, built once per source version (cached under {@code target/peer-verifier} of the
     * repository, or a temp directory), or empty when {@code go}, the x/mod sources or the
     * repository's {@code tools/peer-verifier} cannot be found.
     *
     * @throws IllegalStateException if Go is present but the tool does not build: that is a bug to
     *     fix, never a reason to skip
     */
    public static Optional<PeerVerifier> locate() {
        return PeerVerifierBuild.binary().map(PeerVerifier::new);
    }

    /** Why {@link #locate()} is empty, for messages; {@link #UNAVAILABLE} or more specific. */
    public static String unavailableReason() {
        return PeerVerifierBuild.missing().orElse(UNAVAILABLE);
    }

    /** The built executable. */
    public Path binary() {
        return binary;
    }

    /** {@link #verify(String, String, List, Path, long...)} without witnesses or an old checkpoint. */
    public Result verify(String base, String vkey, long... inclusionIndexes) {
        return verify(base, vkey, List.of(), null, inclusionIndexes);
    }

    /**
     * Verifies the log at {@code base}: its checkpoint's signature by {@code vkey}, a cosignature by
     * every one of {@code witnessVkeys}, every hash tile against the checkpoint root, every entry
     * against the hash tiles, an inclusion proof for each of {@code inclusionIndexes}, and, when
     * {@code oldCheckpoint} (a signed checkpoint file) is given, consistency with it.
     *
     * @param base an {@code http(s)://} URL such as {@code http://127.0.0.1:8080/log/}, or a directory,
     *     in C2SP tlog-tiles layout
     * @param vkey the log's C2SP signed-note verifier key {@code <name>+<hex id>+<base64 key>}
     * @throws IllegalStateException if the tool crashed, timed out or printed no verdict
     */
    public Result verify(String base, String vkey, List<String> witnessVkeys, @Nullable Path oldCheckpoint,
            long... inclusionIndexes) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-log", base, "-vkey", vkey));
        for (String w : witnessVkeys) {
            command.addAll(List.of("-witness-vkey", w));
        }
        if (oldCheckpoint != null) {
            command.addAll(List.of("-old-checkpoint", oldCheckpoint.toString()));
        }
        if (inclusionIndexes.length > 0) {
            command.addAll(List.of("-inclusion",
                    Arrays.stream(inclusionIndexes).mapToObj(Long::toString).collect(Collectors.joining(","))));
        }
        return verdict(command);
    }

    /**
     * Checks an evidence pack (Kalaja's {@code kalaja-evidence/v1} directory) offline: every
     * {@code proofs/<n>.tlog-proof} against {@code entries/<n>.entry} with Go's {@code tlog.CheckRecord},
     * its checkpoint's signature by {@code vkey} and a cosignature by each of {@code witnessVkeys}, every
     * proof against the pack's one {@code checkpoint}, and the manifest's SHA-256 of each file.
     * {@link Result#inclusionChecked()} counts the proofs verified.
     *
     * @throws IllegalStateException if the tool crashed, timed out or printed no verdict
     */
    public Result verifyEvidence(Path dir, String vkey, List<String> witnessVkeys) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-evidence", dir.toString(), "-vkey", vkey));
        for (String w : witnessVkeys) {
            command.addAll(List.of("-witness-vkey", w));
        }
        return verdict(command);
    }

    private static Result verdict(List<String> command) {
        Run run = run(command);
        String verdict = run.stdout().strip();
        int lastLine = verdict.lastIndexOf('\n');
        Result result;
        try {
            result = Result.parse(verdict.substring(lastLine + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("peer verifier printed no verdict (exit " + run.exit() + "): "
                    + e.getMessage() + "\nstdout: " + run.stdout() + "\nstderr: " + run.stderr(), e);
        }
        if (result.ok() != (run.exit() == 0)) {
            throw new IllegalStateException("peer verifier exit code " + run.exit() + " contradicts " + verdict);
        }
        return result;
    }

    /**
     * The tool's one-line verdict. When {@link #ok()} is false only {@link #error()} is meaningful: it
     * names what failed, the path or index, and what was expected versus found.
     */
    public record Result(boolean ok, String origin, long size, String root, long entriesChecked,
            int inclusionChecked, boolean consistencyChecked, int cosignaturesVerified, String error) {

        /** This result, or an {@link AssertionError} carrying the verifier's error. */
        public Result requireOk() {
            if (!ok) {
                throw new AssertionError("Go peer verifier rejected the log: " + error);
            }
            return this;
        }

        static Result parse(String json) {
            JsonNode n;
            try {
                n = JSON.readTree(json);
            } catch (IOException e) {
                throw new IllegalArgumentException("not JSON: " + json, e);
            }
            if (n == null || !n.isObject() || !n.path("ok").isBoolean()) {
                throw new IllegalArgumentException("no boolean \"ok\" in " + json);
            }
            return new Result(n.get("ok").booleanValue(), n.path("origin").asText(""), n.path("size").asLong(),
                    n.path("root").asText(""), n.path("entries_checked").asLong(), n.path("inclusion_checked").asInt(),
                    n.path("consistency_checked").asBoolean(), n.path("cosignatures_verified").asInt(),
                    n.path("error").asText(""));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int exit, String stdout, String stderr) {}

    private static Run run(List<String> command) {
        try {
            Path err = Files.createTempFile("peer-verifier", ".err");
            try {
                Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("peer verifier timed out after " + TIMEOUT + ": " + command);
                }
                return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(err));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("running " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
