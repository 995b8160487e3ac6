package org.kalaja.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kalaja incident list|show|undo}: the sentinel's incidents on a running node (admin token). */
@Command(name = "incident", description = "Lists, shows and undoes the sentinel's incidents (admin token).",
        subcommands = {IncidentCommands.ListIncidents.class, IncidentCommands.Show.class, IncidentCommands.Undo.class})
final class IncidentCommands {
    @Command(name = "list", description = "Lists incidents, newest first: id, status, rule, actors, started, techniques.")
    static final class ListIncidents implements Callable<Integer> {
        @Mixin RemoteNode node;
        @Option(names = "--json", description = "print the API's JSON") boolean json;

        @Override
        public Integer call() {
            return RecordCommands.run(() -> {
                JsonNode r = node.call("GET", "/api/v1/incidents", null, Map.of());
                if (json) {
                    System.out.println(RemoteNode.pretty(r));
                    return;
                }
                if (r.path("incidents").isEmpty()) System.out.println("No incidents.");
                for (JsonNode i : r.path("incidents")) {
                    StringBuilder t = new StringBuilder();
                    i.path("techniques").forEach(x -> t.append(t.isEmpty() ? "" : ",").append(x.path("id").asText()));
                    System.out.println(i.path("id").asText() + "  " + i.path("status").asText() + "  " + i.path("rule").path("name").asText()
                            + "  actors=" + join(i.path("actors")) + "  started=" + i.path("started").asText() + "  " + t);
                }
            });
        }
    }

    @Command(name = "show", description = "Prints one incident as JSON.")
    static final class Show implements Callable<Integer> {
        @Mixin RemoteNode node;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() {
            return RecordCommands.run(() -> System.out.println(RemoteNode.pretty(
                    node.call("GET", "/api/v1/incidents/" + RecordCommands.enc(id), null, Map.of()))));
        }
    }

    @Command(name = "undo", description = "Restores every record the incident's actors changed since it started, by "
            + "compensating entries; reports conflicts with later legitimate changes instead of overwriting them.")
    static final class Undo implements Callable<Integer> {
        @Mixin RemoteNode node;
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--addresses", description = "also undo changes made from the incident's addresses") boolean addresses;
        @Option(names = "--dry-run", description = "show what would be written, write nothing") boolean dryRun;

        @Override
        public Integer call() {
            String body = HttpApi.JSON.createObjectNode().put("addresses", addresses).put("dry_run", dryRun).toString();
            return RecordCommands.run(() -> {
                JsonNode r = node.call("POST", "/api/v1/incidents/" + RecordCommands.enc(id) + "/undo", body, Map.of());
                System.out.println(RemoteNode.pretty(r));
                System.err.println((dryRun ? "would restore " : "restored ") + r.path("restored").size() + ", "
                        + (dryRun ? "would delete " : "deleted ") + r.path("deleted").size() + ", conflicts "
                        + r.path("conflicts").size() + " (left as they are: decide them by hand)");
            });
        }
    }

    static String join(JsonNode array) {
        StringBuilder b = new StringBuilder();
        array.forEach(x -> b.append(b.isEmpty() ? "" : ",").append(x.asText()));
        return b.toString();
    }
}
