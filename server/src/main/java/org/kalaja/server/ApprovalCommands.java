package org.kalaja.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kalaja approval request|list|approve}: two-person actions (leaving safe mode, unfreezing an
 * actor, …): one admin requests, a different, independent admin approves, then the node executes it.
 */
@Command(name = "approval", description = "Two-person approvals: one admin requests, another approves (admin tokens).",
        subcommands = {ApprovalCommands.Request.class, ApprovalCommands.ListApprovals.class, ApprovalCommands.Approve.class})
final class ApprovalCommands {
    /** Parameters that are lists even with one element (a maintenance window's, a rule's containment). */
    private static final java.util.Set<String> LISTS = java.util.Set.of("actors", "collections", "actions", "contain");

    @Command(name = "request", description = "Requests ACTION: safe_mode.exit, actor.unfreeze, address.unblock, rule.raise or "
            + "maintenance.window; prints the approval (its id goes to the second admin).")
    static final class Request implements Callable<Integer> {
        @Mixin RemoteNode node;
        @Parameters(paramLabel = "ACTION") String action;
        @Option(names = "--param", paramLabel = "KEY=VALUE", description = "a parameter, e.g. actor=token:3f9a…; repeatable. Whole "
                + "numbers are sent as numbers; actors, collections, actions, contain and comma-separated values as lists")
        Map<String, String> params = new LinkedHashMap<>();
        @Option(names = "--reason", required = true, description = "why: the second admin and the log read it") String reason;

        @Override
        public Integer call() {
            ObjectNode body = HttpApi.JSON.createObjectNode().put("action", action).put("reason", reason);
            ObjectNode p = body.putObject("params");
            params.forEach((k, v) -> {
                if (v.matches("-?\\d{1,18}")) {
                    p.put(k, Long.parseLong(v));
                } else if (LISTS.contains(k) || (v.contains(",") && !k.equals("reason"))) {
                    var a = p.putArray(k);
                    for (String x : v.split(",")) a.add(x.strip());
                } else {
                    p.put(k, v);
                }
            });
            return RecordCommands.run(() -> System.out.println(RemoteNode.pretty(node.call("POST", "/api/v1/approvals", body.toString(), Map.of()))));
        }
    }

    @Command(name = "list", description = "Lists approvals, newest first.")
    static final class ListApprovals implements Callable<Integer> {
        @Mixin RemoteNode node;

        @Override
        public Integer call() {
            return RecordCommands.run(() -> System.out.println(RemoteNode.pretty(node.call("GET", "/api/v1/approvals", null, Map.of()))));
        }
    }

    @Command(name = "approve", description = "Approves a pending request as the second admin; the node then executes it.")
    static final class Approve implements Callable<Integer> {
        @Mixin RemoteNode node;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() {
            return RecordCommands.run(() -> System.out.println(RemoteNode.pretty(
                    node.call("POST", "/api/v1/approvals/" + RecordCommands.enc(id) + "/approve", null, Map.of()))));
        }
    }
}
