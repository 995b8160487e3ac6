package org.kalaja.server.drill;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kalaja.server.ChildProcesses;

/**
 * One {@code kalaja} command run as its own process, as an operator runs it: the same Java and class
 * path as this process, its output (stdout and stderr) in a file the drill keeps.
 */
final class KalajaProcess {
    private static final Pattern DEMO_CITIZEN = Pattern.compile("(?m)^  citizen (\\S+)$");
    private static final Pattern SERVING = Pattern.compile("serving at (http://[^\\s/]+)");

    final Process process;
    final Path output;

    private KalajaProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts {@code kalaja ARGS…} with {@code env} added to this process's environment. */
    static KalajaProcess start(Path output, Map<String, String> env, List<String> args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--enable-native-access")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.kalaja.server.Main"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        return new KalajaProcess(pb.start(), output);
    }

    /** Runs {@code kalaja ARGS…} to its end (at most {@code minutes}); returns its exit code. */
    static int run(Path output, Map<String, String> env, List<String> args, int minutes) throws IOException, InterruptedException {
        KalajaProcess p = start(output, env, args);
        if (!p.process.waitFor(minutes, TimeUnit.MINUTES)) {
            p.process.destroyForcibly();
            throw new IllegalStateException("kalaja " + String.join(" ", args) + " did not end in " + minutes + " minutes; see " + output);
        }
        return p.process.exitValue();
    }

    /** The address it serves at, once it printed it (at most {@code seconds}). */
    String awaitServing(int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            Matcher m = SERVING.matcher(printed());
            if (m.find()) return m.group(1);
            if (!process.isAlive()) {
                List<String> lines = printed().lines().toList();
                throw new IllegalStateException("it stopped (exit " + process.exitValue() + "): "
                        + String.join(" | ", lines.subList(Math.max(0, lines.size() - 4), lines.size())) + "; see " + output);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("it did not start serving in " + seconds + " s; see " + output);
    }

    /**
     * The demo citizens' emails, once {@code serve --demo --demo-list-citizens} loaded its data and listed
     * all {@code citizens} of them (the list follows the "loaded" line, so both are waited for).
     */
    List<String> awaitDemo(int citizens, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String out = printed();
            if (out.contains("Demo data loaded")) {
                List<String> emails = new ArrayList<>();
                Matcher m = DEMO_CITIZEN.matcher(out);
                while (m.find()) emails.add(m.group(1));
                if (emails.size() >= citizens) return emails;
            }
            if (!process.isAlive()) throw new IllegalStateException("it stopped while loading the demo data; see " + output);
            Thread.sleep(100);
        }
        throw new IllegalStateException("it did not load and list " + citizens + " demo citizens in " + seconds + " s; see " + output);
    }

    String printed() throws IOException {
        return Files.exists(output) ? Files.readString(output) : "";
    }

    /** SIGKILL: no shutdown hook runs, as when a wiper destroys the machine. */
    void kill() throws InterruptedException {
        ChildProcesses.kill(process);
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    void stop() throws InterruptedException {
        ChildProcesses.stop(process);
    }
}
