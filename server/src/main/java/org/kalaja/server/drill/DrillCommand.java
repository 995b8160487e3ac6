package org.kalaja.server.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.kalaja.engine.LogIdentity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code kalaja drill}: the July 2022 campaign, re-enacted on loopback with real processes and real HTTP.
 *
 * <p>A primary with its vault and two witnesses (each its own process, vault durability, quorum 2)
 * holds a portal's dataset ({@code serve --demo}: citizens, applications, sealed documents, letters)
 * and records loaded through the API. During the drill a gateway writes, a clerk reads, and eight
 * citizens sign in to the portal, apply for a birth certificate and keep looking at their
 * applications. An attacker with stolen administrator tokens (T1078), from an address of its own,
 * then reads citizens' records in bulk (T1213, T1567), overwrites documents with ciphertext (T1486)
 * and deletes the inbox (T1485); the sentinel must refuse each phase. A row of the primary's database
 * is edited behind Kalaja's back (T1565.001). Last, the wiper kills the primary and deletes its whole
 * data directory (T1561). The node is rebuilt from the vault with full verification, an administrator
 * the incidents do not implicate undoes them, two administrators take it out of safe mode, and it must
 * take writes again (cosigned by both witnesses), in the API and in the portal.
 *
 * <p>The drill remembers every write the node acknowledged, on its own, and checks each in the rebuilt
 * store (not through the node's API, whose bulk-read rules would rightly stop a client reading
 * everything back), the damaged records as they were before the attack; each citizen looks for their
 * application in the rebuilt portal. Then {@code kalaja verify --vault} and the independent Go
 * verifier ({@link IndependentVerifier}) check the log against the log's and the witnesses' keys.
 */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = "Re-enact the 2022 attack on loopback: stolen admin tokens (T1078), bulk export (T1213/T1567), ransomware "
                + "(T1486) and deletion (T1485) through the API, a database edit behind the node's back (T1565.001), then the wiper (T1561) kills the primary and deletes its data. "
                + "Meanwhile a gateway writes, a clerk reads and citizens use the portal. The node is rebuilt from the vault, the "
                + "incidents undone. Exits 0 only if every phase was contained, no acknowledged write was lost (API writes and the "
                + "citizens' applications), every damaged record was restored, and the log verifies, with the witnesses' "
                + "cosignatures, by kalaja verify and by the independent Go verifier (when Go is installed).")
public final class DrillCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final java.util.regex.Pattern WITNESS_KEY = java.util.regex.Pattern.compile("Witness key \\(give it to the logs' operators\\): (\\S+)");
    /** Citizens who use the portal during the drill: each applies once (the sentinel rightly flags a citizen sending dozens). */
    private static final int PORTAL_CITIZENS = 8;
    private static final List<String> COLLECTIONS = List.of("citizens", "applications", "documents", "inbox");

    @Option(names = "--records", defaultValue = "2000", description = "records loaded before the attack (default: ${DEFAULT-VALUE})")
    int records;

    @Option(names = "--citizens", defaultValue = "60", description = "citizens in the portal's dataset (serve --demo: accounts, applications,"
            + " sealed documents, letters); eight of them sign in, apply and keep looking at their applications through the drill"
            + " (default: ${DEFAULT-VALUE})")
    int citizens;

    @Option(names = "--writers", defaultValue = "8", description = "the e-services gateway's writers (API, service token) during the drill (default: ${DEFAULT-VALUE})")
    int writers;

    @Option(names = "--work", description = "directory for the drill's nodes, vault and output (default: a new temporary one, deleted afterwards)")
    Path work;

    @Option(names = "--vault", paramLabel = "URL", description = "where the primary ships its log: dir:/path or s3://bucket/prefix?endpoint=…"
            + " (as for serve; the drill uses a new sub-directory or prefix of it, drill-<time>, since a vault is write-once; S3 credentials"
            + " as for serve). Default: a directory in the drill's work directory")
    String vault;

    @Option(names = "--json", description = "print the verdict as one JSON object")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE", description = "write an HTML report there (it opens offline), with the incidents'"
            + " evidence packs in FILE's name + '-evidence/'")
    Path report;

    @Spec
    CommandSpec spec;

    private long started;

    @Override
    public Integer call() throws Exception {
        // The attack needs targets: at least 64 documents and 64 inbox messages to go past every rule's threshold.
        if (records < 260 || records > 1_000_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--records must be between 260 and 1000000, got " + records);
        }
        if (citizens < 8 || citizens > 10_000) throw new CommandLine.ParameterException(spec.commandLine(), "--citizens must be between 8 and 10000, got " + citizens);
        if (writers < 1 || writers > 64) throw new CommandLine.ParameterException(spec.commandLine(), "--writers must be between 1 and 64, got " + writers);
        if (vault != null && !DrillVault.usable(vault)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--vault must be dir:/path/to/existing/directory or s3://bucket/prefix?endpoint=…, got '"
                    + vault + "'");
        }
        boolean temporary = work == null;
        Path dir = temporary ? Files.createTempDirectory("kalaja-drill-") : Files.createDirectories(work);
        started = System.nanoTime();
        List<KalajaProcess> running = new ArrayList<>();
        try {
            ObjectNode verdict = run(dir, running);
            if (json) {
                System.out.println(JSON.writeValueAsString(verdict));
            } else {
                System.out.println();
                System.out.println(verdict.path("passed").asBoolean() ? "PASSED" : "FAILED");
                verdict.fields().forEachRemaining(f -> System.out.println("  " + f.getKey() + ": " + f.getValue()));
            }
            return verdict.path("passed").asBoolean() ? 0 : 1;
        } finally {
            for (KalajaProcess p : running) p.stop();
            if (temporary) delete(dir);
        }
    }

    private ObjectNode run(Path dir, List<KalajaProcess> running) throws Exception {
        Path primary = Files.createDirectory(dir.resolve("primary"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        DrillVault drillVault = DrillVault.create(vault, dir);
        String vaultUrl = drillVault.url();
        Map<String, String> vaultEnv = drillVault.env();
        Path offline = Files.createDirectory(dir.resolve("offline"));
        String admin = "drill-admin-" + random();
        String passphrase = random();
        Map<String, String> env = new java.util.HashMap<>(vaultEnv);
        env.putAll(Map.of("KALAJA_BOOTSTRAP_TOKEN", admin, "KALAJA_KEYSTORE_PASSPHRASE", passphrase));

        progress("set-up: two witnesses, a primary shipping to " + drillVault.shown() + ", in vault durability");
        // The log key exists before the witnesses start, so that they are told which log they witness.
        LogIdentity identity = LogIdentity.loadOrCreate(primary.resolve("log.key"), "");
        List<String> witnessUrls = new ArrayList<>();
        List<String> witnessKeys = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            KalajaProcess w = KalajaProcess.start(dir.resolve("witness-" + i + ".out"), Map.of(), List.of("witness", "--data",
                    dir.resolve("witness-" + i).toString(), "--port", "0", "--name", "drill.kalaja.localhost/witness-" + i, "--log", identity.vkey()));
            running.add(w);
            witnessUrls.add(w.awaitServing(60));
            java.util.regex.Matcher key = WITNESS_KEY.matcher(w.printed());
            if (!key.find()) throw new IllegalStateException("witness " + i + " printed no key; see " + dir.resolve("witness-" + i + ".out"));
            witnessKeys.add(key.group(1));
        }
        List<String> serve = new ArrayList<>(List.of("serve", "--port", "0", "--vault", vaultUrl, "--durability", "vault", "--quorum", "2"));
        for (String u : witnessUrls) serve.addAll(List.of("--witness", u + "/"));
        List<String> first = new ArrayList<>(serve);
        first.addAll(List.of("--data", primary.toString(), "--demo", "--demo-citizens", Integer.toString(citizens), "--demo-list-citizens"));
        KalajaProcess node = KalajaProcess.start(dir.resolve("primary.out"), env, first);
        running.add(node);
        DrillApi api = new DrillApi(node.awaitServing(120));
        List<String> people = node.awaitDemo(citizens, 600).subList(0, PORTAL_CITIZENS);
        // What the operator keeps off the machine: the log key and the keystore of sealed data (its passphrase in a safe).
        Files.copy(primary.resolve("log.key"), offline.resolve("log.key"));
        Files.copy(primary.resolve("keys").resolve("kalaja.p12"), offline.resolve("kalaja.p12"));
        String service = api.token(admin, "service", "e-services gateway");
        String clerk = api.token(admin, "clerk", "civil registry front desk");
        // Two administrators neither of whom minted the other's token: leaving safe mode takes both.
        String lead = api.token(admin, "admin", "registry operations lead");
        String ciso = api.token(admin, "admin", "the CISO");
        List<String> stolen = List.of(api.token(admin, "admin", "operations 1"), api.token(admin, "admin", "operations 2"),
                api.token(admin, "admin", "operations 3"));

        progress("loading " + records + " records (citizens, applications, documents, inbox)");
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        load(api, service, acknowledged);

        progress("normal life: " + writers + " writers through the gateway, a clerk reading, " + people.size()
                + " citizens in the portal; then the attack, phase by phase");
        NormalLife life = NormalLife.start(api, service, clerk, keys("c", 0), people, writers, acknowledged);
        int applied = life.awaitApplications(120);
        progress(applied + " of " + people.size() + " citizens signed in to the portal and applied for a birth certificate;"
                + " they keep looking at their applications");
        Thread.sleep(1_000);
        Attack attacker = new Attack(api.base());
        List<Attack.Phase> phases = new ArrayList<>();
        try {
            phases.add(attacker.exfiltrate(stolen.get(0), keys("c", 0)));
            report(phases.getLast());
            phases.add(attacker.encrypt(stolen.get(1), keys("d", 2).subList(0, 64)));
            report(phases.getLast());
            phases.add(attacker.wipeRecords(stolen.get(2), keys("i", 3).subList(0, 64)));
            report(phases.getLast());
            phases.add(attacker.editDatabase(primary.resolve("kalaja.db"), admin, "c4", "c8"));
            report(phases.getLast());
        } finally {
            attacker.close();
        }
        Thread.sleep(1_000);

        progress("the wiper kills the primary and deletes its data directory (T1561)");
        long wiped = System.nanoTime();
        node.kill();
        running.remove(node);
        delete(primary);
        life.stop();
        progress("wiped: " + acknowledged.size() + " writes had been acknowledged; rebuilding from the vault");

        Path rebuilt = dir.resolve("rebuilt");
        int recovered = KalajaProcess.run(dir.resolve("recover.out"), env, List.of("recover", "--from", vaultUrl, "--into",
                rebuilt.toString(), "--key", offline.resolve("log.key").toString(), "--keystore", offline.resolve("kalaja.p12").toString()), 30);
        if (recovered != 0) throw new IllegalStateException("kalaja recover exited " + recovered + "; see " + dir.resolve("recover.out"));
        List<String> again = new ArrayList<>(serve);
        again.addAll(List.of("--data", rebuilt.toString()));
        KalajaProcess restored = KalajaProcess.start(dir.resolve("rebuilt.out"), env, again);
        running.add(restored);
        DrillApi after = new DrillApi(restored.awaitServing(120));
        progress("serving again; an administrator the incidents do not implicate undoes them, a second one approves leaving safe mode");
        int undone = after.undo(admin, "T1486") + after.undo(admin, "T1485");
        after.leaveSafeMode(lead, ciso);
        String probe = after.put(admin, "applications", "after-the-wipe", "{\"drill\":true}");
        long back = System.nanoTime();
        double recoverySeconds = (back - wiped) / 1e9;
        progress("citizens sign in to the rebuilt portal and look for their applications");
        int found = life.applicationsFoundIn(after.base());
        Citizen returning = new Citizen(after.base(), people.getFirst());
        String appliedAfter = returning.signIn() ? returning.applyForBirthCertificate() : null;
        progress(found + " of " + applied + " citizens found their application in the rebuilt portal; a new application "
                + (appliedAfter != null ? "was taken (" + appliedAfter + ")" : "was NOT taken"));
        List<JsonNode> incidents = Attack.incidents(after.http(), after.base(), admin);
        // A directory vault holds the checkpoints the witnesses cosigned; an S3 one is read through the rebuilt node.
        progress("independent verification (tools/peer-verifier: Go's sumdb/tlog and note, no Kalaja code)");
        IndependentVerifier.Result independent = vaultUrl.startsWith("dir:")
                ? IndependentVerifier.verify(dir, vaultUrl.substring("dir:".length()), identity.vkey(), witnessKeys)
                : IndependentVerifier.verify(dir, after.base() + "/log/", identity.vkey(), List.of());
        progress("independent verification " + independent.outcome() + ": " + independent.detail()
                + (independent.cosignaturesVerified() > 0 ? ", " + independent.cosignaturesVerified() + " witness cosignatures" : ""));
        restored.stop();
        running.remove(restored);
        List<String> damaged = phases.stream().flatMap(p -> p.damaged().stream()).toList();
        long lost = RebuiltStore.lost(rebuilt, acknowledged);
        java.util.Set<String> hit = java.util.Set.copyOf(damaged);
        Map<String, String> originals = new java.util.HashMap<>();
        acknowledged.forEach((k, body) -> {
            if (hit.contains(k)) originals.put(k, body);
        });
        long notRestored = RebuiltStore.lost(rebuilt, originals);
        progress(String.format(Locale.ROOT, "writes accepted again %.1f s after the wipe; %d acknowledged writes lost; %d of %d damaged"
                + " records restored (%d undo entries)", recoverySeconds, lost, damaged.size() - notRestored, damaged.size(), undone));

        List<String> verify = new ArrayList<>(List.of("verify", "--vault", vaultUrl, "--vkey", identity.vkey()));
        for (String k : witnessKeys) verify.addAll(List.of("--witness-vkey", k));
        int verified = KalajaProcess.run(dir.resolve("verify.out"), vaultEnv, verify, 10);
        ObjectNode v = JSON.createObjectNode();
        boolean contained = phases.stream().allMatch(Attack.Phase::contained);
        boolean portal = applied > 0 && found == applied && appliedAfter != null;
        boolean passed = lost == 0 && notRestored == 0 && contained && verified == 0 && probe != null && !independent.failed() && portal;
        v.put("passed", passed);
        v.put("lost", lost);
        v.put("acknowledged", acknowledged.size());
        v.put("damaged", damaged.size());
        v.put("restored", damaged.size() - notRestored);
        v.put("max_detection_ms", Math.round(phases.stream().mapToDouble(Attack.Phase::detectionMs).max().orElse(-1) * 10) / 10.0);
        v.put("recovery_s", Math.round(recoverySeconds * 10) / 10.0);
        v.put("vault_verified", verified == 0);
        v.put("independent_verification", independent.outcome());
        v.put("independent_detail", independent.detail());
        v.put("independent_entries_checked", independent.entriesChecked());
        v.put("independent_cosignatures_verified", independent.cosignaturesVerified());
        // A write in vault durability is answered only once the vault published a checkpoint both witnesses cosigned.
        v.put("witnesses_accepted_rebuilt_log", probe != null);
        long attackStart = phases.getFirst().startedNanos();
        long attackEnd = phases.getLast().endedNanos();
        v.put("clerk_reads_served_during_attack", life.clerkReads(attackStart, attackEnd, true));
        v.put("clerk_reads_refused_during_attack", life.clerkReads(attackStart, attackEnd, false));
        v.put("portal_applications_acknowledged", applied);
        v.put("portal_applications_found_after_recovery", found);
        v.put("portal_takes_applications_after_recovery", appliedAfter != null);
        v.put("citizen_reads_served_during_attack", life.citizenReads(attackStart, attackEnd, true));
        v.put("citizen_reads_refused_during_attack", life.citizenReads(attackStart, attackEnd, false));
        var list = v.putArray("phases");
        for (Attack.Phase p : phases) {
            ObjectNode o = list.addObject();
            o.put("phase", p.name());
            o.put("techniques", String.join(",", p.techniques()));
            o.put("requests", p.sent());
            o.put("served", p.served());
            o.put("detection_ms", Math.round(p.detectionMs() * 10) / 10.0);
        }
        list.addObject().put("phase", "wipe").put("techniques", "T1561").put("recovery_s", Math.round(recoverySeconds * 10) / 10.0);
        if (report != null) writeReport(dir, v, phases, wiped, back, incidents, rebuilt, drillVault);
        return v;
    }

    /** The HTML report, and an evidence pack per incident (kalaja investigate) beside it. */
    private void writeReport(Path dir, ObjectNode verdict, List<Attack.Phase> phases, long wiped, long back,
            List<JsonNode> incidents, Path rebuilt, DrillVault drillVault) throws Exception {
        Path file = report.toAbsolutePath();
        Path evidence = file.resolveSibling(file.getFileName() + "-evidence");
        Files.createDirectories(evidence);
        progress("writing the report " + file + " and the incidents' evidence packs in " + evidence);
        List<DrillReport.Mark> marks = new ArrayList<>();
        marks.add(new DrillReport.Mark("set-up, records loaded", "life", 0, seconds(phases.getFirst().startedNanos())));
        for (Attack.Phase p : phases) {
            marks.add(new DrillReport.Mark(p.name() + " (" + String.join(", ", p.techniques()) + ")", "phase", seconds(p.startedNanos()),
                    seconds(p.endedNanos())));
            if (p.detectedNanos() > 0) {
                marks.add(new DrillReport.Mark("contained: " + p.name(), "detection", seconds(p.detectedNanos()), seconds(p.detectedNanos())));
            }
        }
        marks.add(new DrillReport.Mark("wipe (T1561)", "wipe", seconds(wiped), seconds(wiped)));
        marks.add(new DrillReport.Mark("rebuilt, verified, serving", "recovery", seconds(wiped), seconds(back)));
        List<DrillReport.IncidentLine> lines = new ArrayList<>();
        for (JsonNode i : incidents) {
            String id = i.path("id").asText();
            List<String> techniques = new ArrayList<>();
            i.path("techniques").forEach(t -> techniques.add(t.path("id").asText()));
            String rule = i.path("rule").isTextual() ? i.path("rule").asText() : i.path("rule").path("name").asText();
            if (rule.isEmpty()) rule = "state audit (the store against the log)";
            int packed = KalajaProcess.run(dir.resolve("investigate-" + id + ".out"), drillVault.env(), List.of("investigate", id, "--data",
                    rebuilt.toString(), "--vault", drillVault.url(), "--out", evidence.resolve(id).toString()), 5);
            lines.add(new DrillReport.IncidentLine(id, rule, String.join(", ", techniques), packed == 0 ? evidence.getFileName() + "/" + id : ""));
        }
        DrillReport.write(file, verdict, marks, lines);
    }

    private double seconds(long nanos) {
        return (nanos - started) / 1e9;
    }

    private void report(Attack.Phase p) {
        String detected = p.contained() ? String.format(Locale.ROOT, "%.1f ms", p.detectionMs()) : "NEVER";
        if (p.techniques().contains("T1565.001")) {
            progress(String.format(Locale.ROOT, "%s (T1565.001): %d row edited in the primary's database; an incident for it %s after the"
                    + " commit", p.name(), p.served(), p.contained() ? "listed " + detected : "NEVER listed"));
            return;
        }
        progress(String.format(Locale.ROOT, "%s (%s): %d requests, %d served before containment; the first refusal came %s after its request"
                + " was sent", p.name(), String.join(", ", p.techniques()), p.sent(), p.served(), detected));
    }

    /** The keys the dataset gave collection {@code prefix} (every fourth record, from {@code offset}). */
    private List<String> keys(String prefix, int offset) {
        List<String> out = new ArrayList<>();
        for (int i = offset; i < records; i += COLLECTIONS.size()) out.add(prefix + i);
        return out;
    }

    /** Loads the dataset, 16 writes in flight, saying every five seconds how far it got. */
    private void load(DrillApi api, String token, Map<String, String> acknowledged) throws InterruptedException {
        List<Thread> loaders = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int first = t;
            loaders.add(Thread.ofPlatform().start(() -> {
                for (int i = first; i < records; i += 16) {
                    String collection = COLLECTIONS.get(i % COLLECTIONS.size());
                    String key = collection.charAt(0) + Integer.toString(i);
                    String body = "{\"n\":" + i + ",\"name\":\"" + key + "\",\"note\":\"" + "x".repeat(i % 200) + "\"}";
                    if (api.put(token, collection, key, body) != null) acknowledged.put(collection + "/" + key, body);
                }
            }));
        }
        for (Thread t : loaders) {
            while (!t.join(java.time.Duration.ofSeconds(5))) {
                progress(String.format(Locale.ROOT, "  loaded %,d of %,d records", acknowledged.size(), records));
            }
        }
    }

    private void progress(String what) {
        System.err.printf(Locale.ROOT, "[drill %5.1f s] %s%n", (System.nanoTime() - started) / 1e9, what);
    }

    private static String random() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
