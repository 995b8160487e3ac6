package org.kalaja.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real {@code kalaja} process for end-to-end tests: {@code serve} on a free loopback port, or any
 * other command run to its end. Output goes to a file beside the data directory, quoted in failures.
 */
final class ServeProcess {
    static final String TOKEN = "end-to-end-admin-token-0123456789";

    final Process process;
    final String url;
    private final Path output;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServeProcess(Process process, String url, Path output) {
        this.process = process;
        this.url = url;
        this.output = output;
    }

    /** Starts {@code kalaja serve --data DATA --port P ARGS…} with the bootstrap token {@link #TOKEN}. */
    static ServeProcess start(Path data, String... args) throws IOException {
        return start(data, Map.of(), args);
    }

    /** {@link #start(Path, String...)} with these environment variables set (a keystore's passphrase, a token's PIN). */
    static ServeProcess start(Path data, Map<String, String> env, String... args) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of("serve", "--data", data.toString(), "--port", Integer.toString(port)));
        command.addAll(List.of(args));
        Path output = data.resolveSibling(data.getFileName() + ".out");
        return new ServeProcess(launch(command, output, env), "http://127.0.0.1:" + port, output);
    }

    /** Runs a kalaja command to its end (at most two minutes); returns its exit code and output. */
    static Map.Entry<Integer, String> run(Path output, String... args) throws Exception {
        return run(output, Map.of(), args);
    }

    /** {@link #run(Path, String...)} with these environment variables set. */
    static Map.Entry<Integer, String> run(Path output, Map<String, String> env, String... args) throws Exception {
        Process p = launch(List.of(args), output, env);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("kalaja " + String.join(" ", args) + " did not end in 2 minutes:\n" + Files.readString(output));
        }
        return Map.entry(p.exitValue(), Files.readString(output));
    }

    /** The keystore passphrase and the PIN are never inherited from the build's environment: a test names them or has none. */
    private static Process launch(List<String> args, Path output, Map<String, String> env) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        // The launcher gives serve 512 MiB to start with; 256 was seen too little under a loaded CI machine (an empty 500).
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), "org.kalaja.server.Main"));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("KALAJA_BOOTSTRAP_TOKEN", TOKEN);
        pb.environment().remove(KmsOptions.PASSPHRASE_ENV);
        pb.environment().remove(KmsOptions.PIN_ENV);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        return pb.start();
    }

    /** Polls the status endpoint until the node answers (at most 90 s). */
    ServeProcess awaitReady() throws Exception {
        HttpRequest status = HttpRequest.newBuilder(URI.create(url + "/api/v1/status")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new AssertionError("node exited before it was ready:\n" + output());
            try {
                if (http.send(status, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return this;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        String threads = threadDump();
        kill();
        throw new AssertionError("node not ready after 90 s; it printed:\n" + output() + "\nits threads:\n" + threads);
    }

    /** Waits (at most 20 s) until the process has printed {@code text}: it may answer requests before it prints its banner. */
    String awaitOutput(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String printed = output();
        while (!printed.contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            printed = output();
        }
        return printed;
    }

    /** The last 8,000 characters the node printed: what a failure message needs. */
    private String tail() throws IOException {
        String all = output();
        return all.length() <= 8000 ? all : all.substring(all.length() - 8000);
    }

    String output() throws IOException {
        return Files.exists(output) ? Files.readString(output) : "";
    }

    private String threadDump() {
        try {
            Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
            return new String(dump.getInputStream().readAllBytes(), UTF_8);
        } catch (Exception e) {
            return "(no thread dump: " + e + ")";
        }
    }

    /** SIGKILL on POSIX: no shutdown hook runs, as when a machine is wiped or loses power. */
    void kill() throws InterruptedException {
        ChildProcesses.kill(process);
    }

    /** A clean stop (SIGTERM): the node closes its store. */
    void stop() throws InterruptedException {
        ChildProcesses.stop(process);
    }

    /**
     * Writes {@code collection/prefix0, prefix1, …} until {@code stop} is set or the node is gone,
     * recording in {@code acknowledged} each write the node answered 200/201 for.
     */
    void write(String collection, String prefix, AtomicBoolean stop, Map<String, String> acknowledged) {
        for (int i = 0; !stop.get(); i++) {
            String key = prefix + i;
            String body = "{\"key\":\"" + key + "\",\"payload\":\"" + "k".repeat(i % 300) + "\"}";
            try {
                int status = put(collection, key, body);
                if (status == 200 || status == 201) acknowledged.put(key, body);
            } catch (Exception e) {
                return; // the node is gone; what it acknowledged is recorded
            }
        }
    }

    /** PUT of one record; returns the HTTP status. */
    int put(String collection, String key, String body) throws Exception {
        HttpRequest put = HttpRequest.newBuilder(URI.create(url + "/api/v1/records/" + collection + "/" + key))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(put, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** GET of one record: the body, or null if absent. */
    String read(String collection, String key) throws Exception {
        return read(collection, key, TOKEN);
    }

    /** GET of one record with {@code token}: the body, or null if absent. */
    String read(String collection, String key, String token) throws Exception {
        HttpRequest get = HttpRequest.newBuilder(URI.create(url + "/api/v1/records/" + collection + "/" + key))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).build();
        HttpResponse<String> response;
        try {
            response = http.send(get, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + key + " failed (" + e + "); the node " + (process.isAlive() ? "runs" : "exited")
                    + " and printed:\n" + tail(), e);
        }
        if (response.statusCode() == 404) return null;
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + key + ": " + response.statusCode() + " " + response.body() + "; the node printed:\n" + tail());
        }
        return response.body();
    }

    /** A new token of {@code role}, created by the bootstrap admin over HTTP (the same client as every other call). */
    String createToken(String role) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(URI.create(url + "/api/v1/tokens")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"role\": \"" + role + "\", \"name\": \"" + role + "\"}")).build();
        HttpResponse<String> r = http.send(post, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) throw new AssertionError("POST /api/v1/tokens: " + r.statusCode() + " " + r.body());
        return r.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    }
}
