package org.kalaja.server.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kalaja.portal.demo.DemoData;
import org.kalaja.portal.identity.Totp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The portal under load from a second process on loopback: a node started as its own process with demo
 * data, then an open-loop load ({@link OpenLoop}) over its key pages, as anonymous visitors, a signed-in
 * citizen and a clerk, at a fixed rate. Prints each page's p50/p99/max and the target's ratio.
 */
final class PortalBench {
    private static final Pattern SERVING = Pattern.compile("serving at (http://[^ ]+/)");
    private static final Pattern DOCUMENT = Pattern.compile("/verify/(D[0-9A-Z]+)");
    private static final Pattern CITIZEN = Pattern.compile("Citizens: e\\.g\\. (\\S+),");

    private PortalBench() {
    }

    @Command(name = "portal", mixinStandardHelpOptions = true,
            description = "Starts a node with --demo as a separate process, then loads its key pages (home, a service's start page,"
                    + " a citizen's applications and inbox, a clerk's queue, a document's public verification, the status page) at a"
                    + " fixed rate from this process; prints p50/p99/max per page.")
    static final class Cli implements Callable<Integer> {
        @Option(names = "--rate", defaultValue = "500", description = "requests per second, all pages together (default ${DEFAULT-VALUE})")
        int rate;

        @Option(names = "--seconds", defaultValue = "30", description = "measured seconds (default ${DEFAULT-VALUE})")
        int seconds;

        @Option(names = "--warmup", defaultValue = "15", description = "seconds of the same load first, not measured (default ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--citizens", defaultValue = "200", description = "demo citizens (default ${DEFAULT-VALUE})")
        int citizens;

        @Option(names = "--people", defaultValue = "40", description = "citizens signed in and taking turns under load (default ${DEFAULT-VALUE})")
        int people;

        @Override
        public Integer call() throws Exception {
            if (rate < 1 || seconds < 1 || warmup < 0 || citizens < 1) {
                System.err.println("--rate, --seconds and --citizens must be positive, --warmup at least 0");
                return 2;
            }
            Path dir = Files.createTempDirectory("kalaja-bench-portal");
            Path log = dir.resolve("serve.log");
            Process server = startServer(dir.resolve("data"), log, citizens);
            try {
                Map<String, String> seen = awaitServing(server, log, citizens);
                String base = seen.get("base");
                System.err.printf(Locale.ROOT, "bench portal: node at %s (pid %d), demo of %d citizens; load average %.2f%n", base, server.pid(),
                        citizens, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                // Many people, as in life: a few hundred requests a second from one citizen would be an attack.
                List<String> citizenSessions = new ArrayList<>();
                for (String email : citizenEmails(log, people)) citizenSessions.add(signIn(base, email, DemoData.CITIZEN_PASSWORD, null));
                List<String> clerkSessions = new ArrayList<>();
                for (String institution : List.of("civil-registry", "business-centre", "ministry-of-justice", "tirana-municipality")) {
                    String email = DemoData.clerkEmail(institution);
                    clerkSessions.add(signIn(base, email, DemoData.STAFF_PASSWORD, DemoData.totpSecret(email)));
                }
                System.err.printf(Locale.ROOT, "signed in %d citizens and %d clerks%n", citizenSessions.size(), clerkSessions.size());
                List<OpenLoop.Target> targets = List.of(
                        new OpenLoop.Target("home (anonymous)", "/", List.of()),
                        new OpenLoop.Target("service start page", "/services/birth-certificate", List.of()),
                        new OpenLoop.Target("citizen: applications", "/account", citizenSessions),
                        new OpenLoop.Target("citizen: inbox", "/inbox", citizenSessions),
                        new OpenLoop.Target("clerk: queue", "/clerk", clerkSessions),
                        new OpenLoop.Target("verify a document", "/verify/" + seen.get("document"), List.of()),
                        new OpenLoop.Target("service status", "/service-status", List.of()));
                OpenLoop load = new OpenLoop(base);
                if (warmup > 0) {
                    System.err.printf(Locale.ROOT, "warm-up: %d s at %d requests/s%n", warmup, rate);
                    load.run(targets, rate, warmup, false);
                }
                System.err.printf(Locale.ROOT, "measuring: %d s at %d requests/s over %d pages%n", seconds, rate, targets.size());
                List<OpenLoop.Stats> stats = load.run(targets, rate, seconds, true);
                print(stats);
                return stats.stream().allMatch(s -> s.errors() == 0) ? 0 : 1;
            } finally {
                server.destroy();
                server.waitFor(30, TimeUnit.SECONDS);
                BenchSupport.deleteTree(dir);
            }
        }

        private void print(List<OpenLoop.Stats> stats) {
            System.out.printf(Locale.ROOT, "%n%-26s %9s %7s %9s %9s %9s%n", "page", "requests", "errors", "p50 ms", "p99 ms", "max ms");
            List<OpenLoop.Stats> all = new ArrayList<>(stats);
            all.add(OpenLoop.overall(stats));
            for (OpenLoop.Stats s : all) {
                System.out.printf(Locale.ROOT, "%-26s %9d %7d %9.1f %9.1f %9.1f%n", s.name().length() > 26 ? s.name().substring(0, 26) : s.name(),
                        s.requests(), s.errors(), s.p50(), s.p99(), s.max());
            }
            double worst = stats.stream().mapToDouble(OpenLoop.Stats::p99).max().orElse(0);
            System.out.printf(Locale.ROOT, "%nat %d requests/s: worst page p99 %.1f ms; target p99 < 100 ms (ratio %.2f of the target)%n", rate,
                    worst, worst / 100);
        }
    }

    private static Process startServer(Path data, Path log, int citizens) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The heap flags ./kalaja passes to `serve` (see the launcher): the node runs as an operator would run it.
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms512m", "-Xmx1g", "-XX:MaxGCPauseMillis=50"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("--enable-native-access")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.kalaja.server.Main", "serve", "--data", data.toString(),
                "--port", "0", "--demo", "--demo-citizens", Integer.toString(citizens), "--demo-list-citizens"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return pb.start();
    }

    /** The first {@code n} demo citizens the node listed (--demo-list-citizens). */
    private static List<String> citizenEmails(Path log, int n) throws IOException {
        Matcher m = Pattern.compile("^  citizen (\\S+)$", Pattern.MULTILINE).matcher(Files.readString(log));
        List<String> out = new ArrayList<>();
        while (m.find() && out.size() < n) out.add(m.group(1));
        if (out.isEmpty()) throw new IllegalStateException("the node listed no demo citizens");
        return out;
    }

    private static Map<String, String> awaitServing(Process server, Path log, int citizens) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120 + citizens / 2);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) throw new IllegalStateException("the node stopped:\n" + Files.readString(log));
            String out = Files.readString(log);
            Matcher base = SERVING.matcher(out);
            Matcher doc = DOCUMENT.matcher(out);
            Matcher citizen = CITIZEN.matcher(out);
            if (base.find() && doc.find() && citizen.find()) {
                String b = base.group(1);
                return Map.of("base", b.substring(0, b.length() - 1), "document", doc.group(1), "citizen", citizen.group(1));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the node did not finish loading the demo in time:\n" + Files.readString(log));
    }

    /** Signs in through the pages, as a browser does; returns the session cookie ({@code name=value}). */
    static String signIn(String base, String email, String password, byte @org.jspecify.annotations.Nullable [] totp) throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NORMAL).build();
        String form = http.send(HttpRequest.newBuilder(URI.create(base + "/sign-in")).build(), HttpResponse.BodyHandlers.ofString()).body();
        HttpResponse<String> r = post(http, base + "/sign-in", Map.of("email", email, "password", password, "_csrf", csrf(form)));
        if (totp != null) {
            r = post(http, base + "/sign-in/two-factor", Map.of("code", Totp.code(totp, Instant.now().getEpochSecond() / Totp.STEP_SECONDS),
                    "_csrf", csrf(r.body())));
        }
        if (r.statusCode() != 200) throw new IllegalStateException("signing in as " + email + " answered " + r.statusCode());
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("kalaja_session"))
                .map(c -> c.getName() + "=" + c.getValue()).findFirst()
                .orElseThrow(() -> new IllegalStateException("signing in as " + email + " gave no session"));
    }

    private static HttpResponse<String> post(HttpClient http, String url, Map<String, String> fields) throws Exception {
        return org.kalaja.server.PortalForms.post(http, url, fields);
    }

    private static String csrf(String html) {
        return org.kalaja.server.PortalForms.csrf(html).orElseThrow(() -> new IllegalStateException("the page has no form with a CSRF token"));
    }
}
