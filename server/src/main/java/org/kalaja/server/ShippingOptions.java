package org.kalaja.server;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.shipping.ShipperConfig;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultException;
import org.kalaja.engine.witness.WitnessClient;
import org.kalaja.engine.witness.WitnessPolicy;
import org.kalaja.ledger.VerifierKey;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s vault, witness and durability flags. {@link #resolve} checks them all, opens the
 * vaults and learns the witnesses' keys before the node creates anything, so a bad flag leaves no trace.
 */
final class ShippingOptions {
    @Option(names = "--vault", paramLabel = "VAULT", description = "ship the log to this vault: dir:/path (an existing "
            + "directory, on another disk) or s3://bucket/prefix?endpoint=… (Object Lock); repeatable")
    List<String> vaults = new ArrayList<>();

    @Option(names = "--witness", paramLabel = "URL[#VKEY]", description = "a witness that must cosign each checkpoint "
            + "before it is published; without #VKEY its key is fetched from URL/vkey once and pinned; repeatable")
    List<String> witnesses = new ArrayList<>();

    @Option(names = "--quorum", paramLabel = "K", description = "how many witnesses must cosign (default: all)")
    @Nullable Integer quorum;

    @Option(names = "--durability", paramLabel = "MODE", defaultValue = "store", description = "store: answer a write once "
            + "it is durable in the store, the shipper follows; vault: answer only once every vault holds it "
            + "(default: ${DEFAULT-VALUE})")
    String durability;

    @Option(names = "--durability-timeout-ms", paramLabel = "MS", defaultValue = "30000", description = "in vault "
            + "durability, how long a write waits for the vaults before answering 503 (default: ${DEFAULT-VALUE})")
    long timeoutMs;

    /** What the flags resolved to: opened vaults, the witness policy and the mode. The caller owns the vaults. */
    record Resolved(Node.Shipping shipping, WitnessPins pins) {}

    /**
     * Checks every flag, opens the vaults and learns witness keys; creates nothing.
     *
     * @throws CommandLine.ParameterException (exit 2) naming the bad flag
     */
    Resolved resolve(CommandLine cmd, Path dataDir) {
        Node.Durability mode = switch (durability.toLowerCase(Locale.ROOT)) {
            case "store" -> Node.Durability.STORE;
            case "vault" -> Node.Durability.VAULT;
            default -> throw bad(cmd, "--durability must be store or vault, got '" + durability + "'");
        };
        if (timeoutMs < 100 || timeoutMs > 3_600_000) {
            throw bad(cmd, "--durability-timeout-ms must be between 100 and 3600000, got " + timeoutMs);
        }
        if (mode == Node.Durability.VAULT && vaults.isEmpty()) {
            throw bad(cmd, "--durability vault needs at least one --vault to acknowledge writes in");
        }
        if (!witnesses.isEmpty() && vaults.isEmpty()) {
            throw bad(cmd, "--witness needs at least one --vault: witnesses cosign what the shipper publishes to vaults");
        }
        if (quorum != null && (quorum < 1 || quorum > witnesses.size())) {
            throw bad(cmd, "--quorum must be between 1 and the number of --witness flags (" + witnesses.size() + "), got " + quorum);
        }
        List<VaultLocation> locations = new ArrayList<>();
        for (String v : vaults) {
            try {
                locations.add(VaultLocation.parse(v));
            } catch (IllegalArgumentException e) {
                throw bad(cmd, e.getMessage());
            }
        }
        WitnessPins pins = WitnessPins.read(dataDir);
        List<URI> urls = new ArrayList<>();
        List<@Nullable VerifierKey> given = new ArrayList<>();
        for (String w : witnesses) {
            int hash = w.indexOf('#');
            String url = hash < 0 ? w : w.substring(0, hash);
            try {
                URI u = URI.create(url.endsWith("/") ? url : url + "/");
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    throw new IllegalArgumentException("not an http(s) URL");
                }
                urls.add(u);
                given.add(hash < 0 ? null : VerifierKey.parse(w.substring(hash + 1)));
            } catch (IllegalArgumentException e) {
                throw bad(cmd, "--witness must be http(s)://host:port/[#VKEY], got '" + w + "': " + e.getMessage());
            }
        }
        List<WitnessClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < urls.size(); i++) {
                VerifierKey key = given.get(i) != null ? given.get(i) : pins.keyOf(urls.get(i));
                clients.add(new WitnessClient(urls.get(i), key, Duration.ofSeconds(10)));
            }
        } catch (IllegalArgumentException e) {
            clients.forEach(WitnessClient::close);
            throw bad(cmd, e.getMessage());
        }
        WitnessPolicy policy;
        try {
            policy = clients.isEmpty() ? null : new WitnessPolicy(clients, quorum == null ? clients.size() : quorum);
        } catch (IllegalArgumentException e) {
            clients.forEach(WitnessClient::close);
            throw bad(cmd, e.getMessage());
        }
        List<Vault> opened = new ArrayList<>();
        try {
            for (VaultLocation l : locations) opened.add(l.open());
        } catch (VaultException | IllegalArgumentException e) {
            opened.forEach(Vault::close);
            if (policy != null) policy.close();
            throw bad(cmd, "--vault: " + e.getMessage());
        }
        return new Resolved(new Node.Shipping(opened, policy, mode, Duration.ofMillis(timeoutMs), ShipperConfig.defaults()), pins);
    }

    private static CommandLine.ParameterException bad(CommandLine cmd, String message) {
        return new CommandLine.ParameterException(cmd, message);
    }
}
