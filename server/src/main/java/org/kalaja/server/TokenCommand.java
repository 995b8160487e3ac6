package org.kalaja.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kalaja token create|revoke}: manages API tokens on a running node (admin token needed). */
@Command(name = "token", description = "Creates and revokes API tokens on a running node.",
        subcommands = {TokenCommand.Create.class, TokenCommand.Revoke.class})
final class TokenCommand {

    @Command(name = "create", description = "Creates a token and prints it as the last line.")
    static final class Create implements Callable<Integer> {
        @Mixin
        RemoteNode node;

        @Option(names = "--role", required = true, description = "admin, clerk, reader or service")
        String role;

        @Option(names = "--name", required = true, description = "what the token is for, e.g. \"portal backend\"")
        String name;

        @Override
        public Integer call() {
            return RecordCommands.run(() -> {
                String body = HttpApi.JSON.createObjectNode().put("role", role).put("name", name).toString();
                JsonNode r = node.call("POST", "/api/v1/tokens", body, Map.of());
                System.err.println("Created " + r.path("role").asText() + " token '" + r.path("name").asText() + "' with id "
                        + r.path("id").asText() + ". It is shown once; keep it secret:");
                System.out.println(r.path("token").asText());
            });
        }
    }

    @Command(name = "revoke", description = "Revokes a token by its id; it stops working immediately.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        RemoteNode node;

        @Parameters(paramLabel = "ID", description = "the token's id (16 hex digits, as `token create` printed)")
        String id;

        @Override
        public Integer call() {
            return RecordCommands.run(() -> {
                node.call("DELETE", "/api/v1/tokens/" + id, null, Map.of());
                System.out.println("Revoked token " + id + ".");
            });
        }
    }
}
