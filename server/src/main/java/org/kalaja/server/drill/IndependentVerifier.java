package org.kalaja.server.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The drill's independent check: {@code tools/peer-verifier}, a Go program that shares no code with
 * Kalaja (it verifies with Go's {@code golang.org/x/mod/sumdb/tlog} and {@code note}), built from the
 * repository's sources when a Go toolchain and those packages (Debian: golang-go,
 * golang-golang-x-mod-dev) are on this machine. Without them the check is skipped, and the verdict
 * says so and why; a build or a verification that fails is a failure.
 */
final class IndependentVerifier {
    private static final Path GOPATH = Path.of("/usr/share/gocode");
    private static final String TOOL = "tools/peer-verifier";

    /** What the check found: {@code outcome} is passed, failed or skipped, {@code detail} the tool's words. */
    record Result(String outcome, String detail, long entriesChecked, int cosignaturesVerified) {
        static Result skipped(String why) {
            return new Result("skipped", why, 0, 0);
        }

        boolean failed() {
            return outcome.equals("failed");
        }
    }

    private IndependentVerifier() {
    }

    /**
     * Builds the tool into {@code work} and verifies the log at {@code log} (a tile directory, or the
     * base URL of a node's {@code /log/}) against the log's key and, if given, every witness's key.
     */
    static Result verify(Path work, String log, String vkey, List<String> witnessVkeys) throws IOException, InterruptedException {
        Optional<Path> go = onPath("go");
        if (go.isEmpty() || !Files.isDirectory(GOPATH.resolve("src/golang.org/x/mod/sumdb/tlog"))) {
            return Result.skipped("no Go toolchain with golang.org/x/mod here (Debian: apt-get install golang-go golang-golang-x-mod-dev)");
        }
        Optional<Path> sources = sources();
        if (sources.isEmpty()) return Result.skipped("the sources of " + TOOL + " are not beside this Kalaja");
        Path binary = work.resolve("peer-verifier");
        ProcessBuilder build = new ProcessBuilder(go.get().toString(), "build", "-o", binary.toString(), ".").directory(sources.get().toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("peer-verifier-build.out").toFile());
        Map<String, String> env = build.environment();
        env.put("GO111MODULE", "off"); // GOPATH mode: the Debian packages, nothing downloaded
        env.put("GOPATH", GOPATH.toString());
        env.put("GOFLAGS", "");
        env.putIfAbsent("GOCACHE", work.resolve("gocache").toString());
        if (finish(build.start(), 5) != 0) {
            return new Result("failed", "go build of " + sources.get() + " failed: " + Files.readString(work.resolve("peer-verifier-build.out")).strip(), 0, 0);
        }
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-log", log, "-vkey", vkey));
        for (String w : witnessVkeys) command.addAll(List.of("-witness-vkey", w));
        Path out = work.resolve("peer-verifier.out");
        Process verify = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(out.toFile()).start();
        int exit = finish(verify, 5);
        List<String> lines = Files.readAllLines(out);
        JsonNode verdict = lines.isEmpty() ? null : JsonMapper.builder().build().readTree(lines.getLast());
        if (verdict == null || !verdict.path("ok").asBoolean() || exit != 0) {
            return new Result("failed", verdict == null ? "no verdict (exit " + exit + ")" : verdict.path("error").asText(), 0, 0);
        }
        return new Result("passed", "tree of " + verdict.path("size").asLong() + " entries, root " + verdict.path("root").asText(),
                verdict.path("entries_checked").asLong(), verdict.path("cosignatures_verified").asInt());
    }

    private static int finish(Process p, int minutes) throws InterruptedException {
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        return path == null ? Optional.empty() : Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, program)).filter(Files::isExecutable).findFirst();
    }

    /** {@code tools/peer-verifier} of the repository this Kalaja was built in: above its jar, or above the working directory. */
    private static Optional<Path> sources() {
        List<Path> starts = new ArrayList<>();
        try {
            starts.add(Path.of(IndependentVerifier.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source: the working directory alone
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path d = start; d != null; d = d.getParent()) {
                if (Files.isRegularFile(d.resolve(TOOL).resolve("main.go"))) return Optional.of(d.resolve(TOOL));
            }
        }
        return Optional.empty();
    }
}
