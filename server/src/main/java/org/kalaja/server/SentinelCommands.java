package org.kalaja.server;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code kalaja sentinel status} and {@code kalaja state-audit} on a running node (admin token). */
final class SentinelCommands {
    private SentinelCommands() {
    }

    @Command(name = "sentinel", description = "The sentinel on a running node (admin token).", subcommands = Status.class)
    static final class Sentinel {
    }

    @Command(name = "status", description = "Safe mode, frozen actors, blocked addresses, open incidents, approvals, audit sinks.")
    static final class Status implements Callable<Integer> {
        @Mixin RemoteNode node;

        @Override
        public Integer call() {
            return RecordCommands.run(() -> System.out.println(RemoteNode.pretty(node.call("GET", "/api/v1/sentinel", null, Map.of()))));
        }
    }

    @Command(name = "state-audit", description = "Compares the store's state with the log now; a difference raises an incident, "
            + "puts the node in safe mode and is repaired from the log. Exit 0 clean, 1 mismatch found (and repaired).")
    static final class StateAudit implements Callable<Integer> {
        @Mixin RemoteNode node;

        @Override
        public Integer call() {
            int[] exit = {0};
            int rc = RecordCommands.run(() -> {
                var r = node.call("POST", "/api/v1/state-audit", null, Map.of());
                System.out.println(RemoteNode.pretty(r));
                if (!r.path("clean").asBoolean(false)) exit[0] = 1;
            });
            return rc != 0 ? rc : exit[0];
        }
    }
}
