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
                System.out.println("KMS: " + r.path("kms").asText() + "; current KEK " + r.path("current_kek").asText() + "; KEKs held: "
                        + joined(r.path("keks")));
                System.out.println("data keys: " + r.path("live_data_keys").asLong() + " live, " + r.path("destroyed_data_keys").asLong()
                        + " destroyed; sealed collections: " + joined(r.path("sealed_collections")));
                r.path("missing_keks").properties().forEach(m -> System.out.println("MISSING: " + m.getValue().asLong()
                        + " live data keys need " + m.getKey() + ", which the KMS does not hold; connect the KMS that holds it before anyone"
                        + " needs that data"));
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
                System.out.println("Rotated to " + r.path("kek").asText() + ": " + r.path("rewrapped").asLong() + " data keys rewrapped; destroyed KEKs "
                        + joined(r.path("destroyed_keks")));
            });
        }
    }

    @Command(name = "erase", description = "Requests the erasure of one data subject, a two-person approval: once a second administrator approves, "
            + "every data key of the subject is destroyed and the KEKs rotated, so that no copy (primary, vaults, backups) can open their data "
            + "again. The log and its proofs stay valid.")
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
                System.out.println("Requested the erasure of subject " + r.path("pseudonym").asText() + " as approval " + r.path("id").asText()
                        + ". Nothing is destroyed yet: a second administrator runs `kalaja approval approve " + r.path("id").asText()
                        + "`; then the subject's keys are destroyed and the KEKs rotated, so that no copy (primary, vaults, backups) can open the data.");
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
                JsonNode r = node.call("PUT", "/api/v1/collections/" + RecordCommands.enc(collection), body.toString(), Map.of());
                System.out.println("Collection " + r.path("collection").asText() + " is sealed" + (r.path("subject").isNull() ? ""
                        : ", one key per subject named by " + r.path("subject").asText()) + " (log entry " + r.path("index").asLong() + ").");
            });
        }
    }

    /** A JSON array of names as a person reads it: {@code kek-1, kek-2}, or {@code none}. */
    static String joined(JsonNode names) {
        java.util.List<String> out = new java.util.ArrayList<>();
        names.forEach(n -> out.add(n.asText()));
        return out.isEmpty() ? "none" : String.join(", ", out);
    }
}
