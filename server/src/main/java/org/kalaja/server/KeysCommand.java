package org.kalaja.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kalaja keys status|rotate|erase|seal}: sealed data's keys on a running node (admin token needed). */
@Command(name = "keys", description = "Sealed collections and their keys on a running node: status, rotation, erasure.",
        subcommands = {KeysCommand.Status.class, KeysCommand.Rotate.class, KeysCommand.Erase.class, KeysCommand.Seal.class})
final class KeysCommand {

    @Command(name = "status", description = "The KMS, its KEKs, the data keys live and destroyed, and any KEK that live keys need and the KMS lacks.")
    static final class Status implements Callable<Integer> {
        @Mixin
        RemoteNode node;

        @Override
        public Integer call() {
            return RecordCommands.run(() -> {
                JsonNode r = node.call("GET", "/api/v1/keys", null, Map.of());
                System.out.println("KMS: " + r.path("kms").asText() + "; current KEK " + r.path("current_kek").asText() + "; KEKs held: " + r.path("keks"));
                System.out.println("data keys: " + r.path("live_data_keys").asLong() + " live, " + r.path("destroyed_data_keys").asLong()
                        + " destroyed; sealed collections: " + r.path("sealed_collections"));
                if (!r.path("missing_keks").isEmpty()) {
                    System.out.println("MISSING: live data keys need KEKs the KMS does not hold: " + r.path("missing_keks")
                            + "; connect the KMS that holds them before anyone needs that data");
                }
            });
        }
    }

    @Command(name = "rotate", description = "Creates a new KEK, rewraps every live data key under it and, once the vaults hold them, destroys the old KEKs.")
    static final class Rotate implements Callable<Integer> {
        @Mixin
        RemoteNode node;

        @Override
        public Integer call() {
            return RecordCommands.run(() -> {
                JsonNode r = node.call("POST", "/api/v1/keys/rotate", "{}", Map.of());
                System.out.println("Rotated to " + r.path("kek").asText() + ": " + r.path("rewrapped").asLong() + " data keys rewrapped; destroyed "
                        + r.path("destroyed_keks"));
            });
        }
    }

    @Command(name = "erase", description = "Honours an erasure request: destroys every data key of one data subject, then rotates so that no copy "
            + "(primary, vaults, backups) can open their data again. The log and its proofs stay valid.")
    static final class Erase implements Callable<Integer> {
        @Mixin
        RemoteNode node;

        @Option(names = "--subject", required = true, description = "the subject's identifier as the sealed collections name it (e.g. a personal number)")
        String subject;

        @Option(names = "--reason", required = true, description = "the erasure request's reference, kept in the log")
        String reason;

        @Override
        public Integer call() {
            return RecordCommands.run(() -> {
                ObjectNode body = HttpApi.JSON.createObjectNode().put("subject", subject).put("reason", reason);
                JsonNode r = node.call("POST", "/api/v1/erasures", body.toString(), Map.of());
                System.out.println("Erased subject " + r.path("pseudonym").asText() + ": " + r.path("destroyed_keys").size()
                        + " data keys destroyed; keys rotated to " + r.path("rotation").path("kek").asText() + ", destroyed KEKs "
                        + r.path("rotation").path("destroyed_keks"));
            });
        }
    }

    @Command(name = "seal", description = "Declares a collection sealed (its later writes are encrypted; it stays sealed).")
    static final class Seal implements Callable<Integer> {
        @Mixin
        RemoteNode node;

        @Parameters(paramLabel = "COLLECTION")
        String collection;

        @Option(names = "--subject", paramLabel = "POINTER", description = "JSON Pointer to the field naming each record's data subject, e.g. /personal_number")
        String subject;

        @Override
        public Integer call() {
            return RecordCommands.run(() -> {
                ObjectNode body = HttpApi.JSON.createObjectNode().put("sealed", true);
                if (subject != null) body.put("subject", subject);
                JsonNode r = node.call("PUT", "/api/v1/collections/" + collection, body.toString(), Map.of());
                System.out.println("Collection " + r.path("collection").asText() + " is sealed" + (r.path("subject").isNull() ? ""
                        : ", one key per subject named by " + r.path("subject").asText()) + " (log entry " + r.path("index").asLong() + ").");
            });
        }
    }
}
