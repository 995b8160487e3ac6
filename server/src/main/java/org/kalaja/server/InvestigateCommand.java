package org.kalaja.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.recovery.TrustedKeys;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.vault.Vault;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.VerifierKey;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.investigate.EvidencePack;
import org.kalaja.sentinel.investigate.StixBundle;
import org.kalaja.sentinel.investigate.Timeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kalaja investigate ID}: reads a node's store (SQLite read-only, so the node may keep running)
 * and writes the incident's timeline, STIX 2.1 bundle and evidence pack into one directory. With
 * {@code --vault} the proofs are against the vault's published, witness-cosigned checkpoint; without,
 * against the log's own latest checkpoint. Exit 0 written; 1 no such incident or no checkpoint covers
 * its entries yet; 2 bad usage.
 */
@Command(name = "investigate", description = "Writes an incident's timeline, STIX 2.1 bundle and evidence pack (entries with "
        + "inclusion proofs against a cosigned checkpoint) into a directory; kalaja verify-evidence checks it offline.")
final class InvestigateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "the incident, e.g. inc-20220715-3f9a1c (kalaja incident list)")
    String id;

    @Option(names = "--data", description = "data directory (default: ${DEFAULT-VALUE})", defaultValue = "kalaja-data")
    Path data;

    @Option(names = "--store", description = "postgresql://… when the log is on PostgreSQL", defaultValue = "${env:KALAJA_STORE}")
    @Nullable String store;

    @Option(names = "--out", paramLabel = "DIR", description = "where to write the pack (default: evidence-ID); must be empty or absent")
    @Nullable Path out;

    @Option(names = "--org-name", paramLabel = "NAME", defaultValue = "${env:KALAJA_ORG_NAME}",
            description = "the reporting body named in the STIX bundle (default: KALAJA_ORG_NAME, else the log's origin)")
    @Nullable String orgName;

    @Option(names = "--since", paramLabel = "TIME", description = "start of the timeline, ISO-8601 (default: 30 days before the incident)")
    @Nullable String since;

    @Option(names = "--vault", paramLabel = "VAULT", description = "prove against this vault's published checkpoint (dir:/path or s3://…)")
    @Nullable String vault;

    @Option(names = "--vkey", description = "the log's verifier key (default: the key file in --data, else the vault's)")
    @Nullable String vkey;

    @Mixin
    VaultKeys.WitnessOptions witnesses = new VaultKeys.WitnessOptions();

    @Override
    public Integer call() throws IOException {
        Instant from;
        VaultKeys keys;
        try {
            from = since == null ? null : Instant.parse(since);
            keys = witnesses.with(vkey != null ? vkey : keyFileVkey());
        } catch (DateTimeParseException | IllegalArgumentException e) {
            System.err.println("kalaja: " + e.getMessage());
            return 2;
        }
        StoreLocation location = StoreLocation.of(data, store);
        if (location instanceof StoreLocation.Sqlite sqlite && !Files.exists(sqlite.file())) {
            System.err.println("kalaja: no Kalaja data at " + sqlite.file() + "; pass the node's --data directory");
            return 2;
        }
        Path dir = out != null ? out : Path.of("evidence-" + id);
        try (Store s = location.openForReading()) {
            Incident incident = incident(s);
            if (incident == null) {
                System.out.println("FAILED: no incident " + id + " in " + location.describe() + "; kalaja incident list shows them");
                return 1;
            }
            Timeline timeline = Timeline.build(s, incident, from);
            String org = orgName == null || orgName.isBlank() ? timeline.node() : orgName;
            EvidencePack.Written w;
            if (vault != null) {
                try (Vault v = VaultLocation.parse(vault).open()) {
                    TrustedKeys trusted = keys.resolve(v);
                    w = EvidencePack.write(s, timeline, StixBundle.of(incident, timeline, org), EvidencePack.Anchor.of(v, trusted), dir);
                }
            } else {
                Note note = Note.parse(s.latestCheckpoint().orElseThrow(() -> new IllegalStateException(
                        "the log has no checkpoint yet; start the node once so it integrates")));
                VerifierKey log = keys.log().orElseGet(() -> VerifierKey.parse(identityVkey(s)));
                w = EvidencePack.write(s, timeline, StixBundle.of(incident, timeline, org),
                        new EvidencePack.Anchor(note, new TrustedKeys(log, java.util.List.of(), 0, "")), dir);
            }
            System.out.println("OK: evidence for " + id + " written to " + dir + ": " + timeline.items().size() + " timeline items, "
                    + w.entries().size() + " entries with proofs against checkpoint " + w.checkpointSize() + " of " + timeline.node()
                    + (w.witnessed() ? " (witness-cosigned)" : " (signed by the log only: pass --vault for a cosigned checkpoint)")
                    + ", " + w.blobs() + " blobs, " + timeline.affected().size() + " affected records. Check it with: kalaja verify-evidence "
                    + dir + " --vkey …");
            return 0;
        } catch (VerificationException e) {
            System.out.println("FAILED: " + e.getMessage());
            return 1;
        }
    }

    private @Nullable Incident incident(Store s) {
        return s.state(new RecordId(Incident.COLLECTION, id))
                .flatMap(st -> s.entry(st.index()))
                .map(e -> Incident.fromJson(EntryCodec.decode(e.data()).body()))
                .orElse(null);
    }

    /** The log key from the node's key file, if there is one: the strong form, kept beside the store. */
    private @Nullable String keyFileVkey() throws IOException {
        Path keyFile = data.resolve(Node.KEY_FILE);
        if (!Files.exists(keyFile)) return null;
        return SigningKey.parse(Files.readString(keyFile).strip()).verifierKey().format();
    }

    /** The vkey the log's identity entry records: integrity only, used when no key was given. */
    private static String identityVkey(Store s) {
        Entry e = EntryCodec.decode(s.entry(0).orElseThrow(() -> new IllegalStateException("the log is empty")).data());
        String body = new String(e.body(), java.nio.charset.StandardCharsets.UTF_8);
        int at = body.indexOf("\"vkey\":\"");
        if (at < 0) throw new IllegalStateException("entry 0 is not the log's identity");
        return body.substring(at + 8, body.indexOf('"', at + 8));
    }
}
