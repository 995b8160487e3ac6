package org.kalaja.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A real S3 server that enforces Object Lock: a one-node Ceph cluster (monitor, memstore OSD, RADOS
 * gateway) from Debian's {@code ceph-mon ceph-osd radosgw}, on loopback, in a temporary directory,
 * with one user whose keys are {@link #ACCESS_KEY} and {@link #SECRET_KEY}. See
 * {@code shared/notes/ceph-rgw.md} for why Ceph and why these settings.
 *
 * <p>Invariants: an instance is a cluster that answered S3 requests when it was returned; the daemons
 * are child processes of this JVM running in the foreground, so {@link #close()} (or, failing that,
 * a shutdown hook) ends them, the gateway before the monitor, and deletes the directory. Starting
 * takes about 12 s, so tests MUST share one cluster per JVM through {@link RequiresCephRgw} and keep
 * apart by bucket or key prefix. Nothing here is a secret: the cluster accepts loopback connections
 * only and is thrown away with its memory store.
 */
public final class CephRgw implements AutoCloseable {
    /** The access key id of the cluster's one user. */
    public static final String ACCESS_KEY = "KALAJATESTACCESSKEY0";
    /** The secret key of the cluster's one user (a fixed test value). */
    public static final String SECRET_KEY = "kalaja-test-secret-key-not-a-secret-00";
    /** Why a test is skipped where Ceph is missing. */
    public static final String UNAVAILABLE = "Ceph RGW unavailable: install ceph-mon ceph-osd radosgw"
            + " (scripts/install-test-deps)";

    private static final List<String> BINARIES =
            List.of("monmaptool", "ceph-mon", "ceph", "ceph-osd", "radosgw", "radosgw-admin");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final Path conf;
    private final int gatewayPort;
    private final List<Process> daemons = new ArrayList<>(); // started in order: monitor, OSD
    private @Nullable Process gateway;
    private final Thread shutdownHook = new Thread(this::close, "ceph-rgw-shutdown");

    private CephRgw(Path dir, int gatewayPort) {
        this.dir = dir;
        this.conf = dir.resolve("ceph.conf");
        this.gatewayPort = gatewayPort;
    }

    /** Which of the Ceph programs is not installed, or empty when all are. */
    public static Optional<String> missing() {
        List<String> absent = BINARIES.stream().filter(b -> find(b).isEmpty()).toList();
        return absent.isEmpty() ? Optional.empty() : Optional.of(UNAVAILABLE + "; missing " + String.join(", ", absent));
    }

    /**
     * Starts a fresh cluster in a new temporary directory and waits until its gateway answers.
     *
     * @throws IllegalStateException if Ceph is missing or a daemon did not start (with its log's tail)
     */
    public static CephRgw start() {
        missing().ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        CephRgw rgw;
        try {
            rgw = new CephRgw(Files.createTempDirectory("kalaja-ceph-"), freePort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(rgw.shutdownHook);
        try {
            rgw.boot();
            return rgw;
        } catch (IOException | RuntimeException e) {
            String logs = rgw.logTails(); // before close() deletes them
            rgw.close();
            throw new IllegalStateException("could not start Ceph RGW in " + rgw.dir + ": " + e.getMessage() + logs, e);
        }
    }

    /** The gateway's S3 endpoint, {@code http://127.0.0.1:<port>}; use path-style addressing. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + gatewayPort);
    }

    /** The region to sign requests for; RGW accepts it for its default zone group. */
    public String region() {
        return "us-east-1";
    }

    /** Stops the gateway (SIGTERM) so that S3 calls fail as against a vault that is down; the cluster stays. */
    public synchronized void stopGateway() {
        if (gateway != null) {
            stop(gateway);
            gateway = null;
        }
    }

    /** Starts the gateway again after {@link #stopGateway()} and waits until it answers. */
    public synchronized void startGateway() {
        if (gateway != null) {
            return;
        }
        try {
            gateway = daemon("radosgw", "-n", "client.rgw");
            awaitGateway();
        } catch (IOException e) {
            throw new IllegalStateException("could not restart the gateway: " + e.getMessage() + logTails(), e);
        }
    }

    private void boot() throws IOException {
        int monPort = freePort();
        for (String sub : List.of("run", "log", "crash", "mon", "osd", "rgw")) {
            Files.createDirectories(dir.resolve(sub));
        }
        String fsid = UUID.randomUUID().toString();
        Files.writeString(conf, config(fsid, monPort));
        run("monmaptool", "--create", "--clobber", "--fsid", fsid, "--addv", "a", "v1:127.0.0.1:" + monPort,
                dir.resolve("monmap").toString());
        run("ceph-mon", "--mkfs", "-i", "a", "--monmap", dir.resolve("monmap").toString());
        daemons.add(daemon("ceph-mon", "-i", "a"));
        // The OSD's uuid MUST be the one registered with `osd new`, or the monitor never marks it up.
        String osdUuid = UUID.randomUUID().toString();
        run("ceph", "--connect-timeout", "60", "osd", "new", osdUuid);
        run("ceph", "--connect-timeout", "60", "osd", "crush", "add", "osd.0", "1.0", "root=default");
        run("ceph-osd", "-i", "0", "--mkfs", "--osd-uuid", osdUuid);
        daemons.add(daemon("ceph-osd", "-i", "0"));
        gateway = daemon("radosgw", "-n", "client.rgw");
        awaitGateway();
        run("radosgw-admin", "user", "create", "--uid=kalaja", "--display-name=Kalaja tests",
                "--access-key=" + ACCESS_KEY, "--secret-key=" + SECRET_KEY);
    }

    private String config(String fsid, int monPort) {
        String d = dir.toString();
        return String.join("\n",
                "[global]",
                "fsid = " + fsid,
                "mon_host = v1:127.0.0.1:" + monPort,
                "public_addr = 127.0.0.1",
                "cluster_addr = 127.0.0.1",
                "ms_bind_msgr2 = false",
                "auth_cluster_required = none",
                "auth_service_required = none",
                "auth_client_required = none",
                "osd_objectstore = memstore",
                "memstore_device_bytes = 1073741824",
                "osd_pool_default_size = 1",
                "osd_pool_default_min_size = 1",
                "mon_allow_pool_size_one = true",
                "osd_pool_default_pg_num = 8",
                "mon_max_pg_per_osd = 1000",
                "osd_crush_chooseleaf_type = 0",
                // An OSD that updates the CRUSH map itself at start races its monitor client and can
                // fail with "wrong fsid", never coming up; boot() places it instead.
                "osd_class_update_on_start = false",
                "osd_crush_update_on_start = false",
                "run_dir = " + d + "/run",
                "crash_dir = " + d + "/crash",
                "log_file = " + d + "/log/$name.log",
                "admin_socket = " + d + "/run/$name.asok",
                "[mon.a]",
                "mon_data = " + d + "/mon",
                "[osd.0]",
                "osd_data = " + d + "/osd",
                "[client.rgw]",
                "rgw_data = " + d + "/rgw",
                // Without TCP_NODELAY every small response waits ~40 ms for a delayed ACK.
                "rgw_frontends = beast endpoint=127.0.0.1:" + gatewayPort + " tcp_nodelay=1",
                "");
    }

    /** Runs a Ceph command to its end; its output goes to the log directory. */
    private void run(String program, String... args) throws IOException {
        Process p = process(program, args).start();
        try {
            if (!p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(program + " did not finish within " + START_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + program, e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(program + " " + String.join(" ", args) + " exited with " + p.exitValue());
        }
    }

    /** Starts a daemon in the foreground ({@code -f}), so that it is this JVM's child to stop. */
    private Process daemon(String program, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("-f");
        return process(program, all.toArray(String[]::new)).start();
    }

    private ProcessBuilder process(String program, String... args) {
        List<String> command = new ArrayList<>();
        command.add(find(program).orElseThrow().toString());
        command.add("-c");
        command.add(conf.toString());
        command.addAll(List.of(args));
        File out = dir.resolve("log").resolve(program + ".out").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out));
    }

    private void awaitGateway() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (gateway != null && !gateway.isAlive()) {
                throw new IOException("radosgw exited with " + gateway.exitValue());
            }
            if (answersHttp()) {
                return;
            }
            sleep(200);
        }
        throw new IOException("the gateway did not answer on port " + gatewayPort + " within " + START_TIMEOUT.toSeconds() + " s");
    }

    /** True if the gateway answers an HTTP request (an anonymous bucket listing) with a status line. */
    private boolean answersHttp() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gatewayPort), 1000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] head = socket.getInputStream().readNBytes(12);
            return new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.");
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the gateway, then the OSD, then the monitor (the gateway hangs if the monitor goes first); deletes the directory. */
    @Override
    public synchronized void close() {
        stopGateway();
        for (int i = daemons.size() - 1; i >= 0; i--) {
            stop(daemons.get(i));
        }
        daemons.clear();
        deleteTree(dir);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is shutting down (this is the hook) or the hook was removed already
        }
    }

    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String logTails() {
        StringBuilder tails = new StringBuilder();
        try (Stream<Path> logs = Files.list(dir.resolve("log"))) {
            for (Path log : logs.sorted().toList()) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                tails.append("\n--- ").append(log.getFileName()).append(" (last lines)\n");
                lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> tails.append(l).append('\n'));
            }
        } catch (IOException | UncheckedIOException e) {
            tails.append("\n(no logs: ").append(e.getMessage()).append(')');
        }
        return tails.toString();
    }

    private static Optional<Path> find(String program) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin:/usr/sbin:/sbin";
        return Stream.of(path.split(File.pathSeparator)).filter(s -> !s.isEmpty())
                .map(s -> Path.of(s, program)).filter(Files::isExecutable).findFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Ceph", e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
