package org.kalaja.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.Principal;
import org.kalaja.engine.Role;
import org.kalaja.sentinel.ApprovalException.Kind;

/** Two-person approvals: who may lift containment, and maintenance windows. */
@Timeout(60)
class SentinelApprovalsTest {
    /** Three deletions by one actor freeze it and nothing else: the scope is the actor alone. */
    private static final String FREEZE_AFTER_THREE = """
            title: Three deletions freeze the actor (test)
            id: 0f6f7a52-4a0e-4f51-9e55-3d7c1c2b9a10
            name: three_deletions
            status: experimental
            correlation:
                type: value_count
                rules: [record_destroyed]
                group-by: [user.id]
                timespan: 1h
                condition: {field: kalaja.record, gte: 3}
            level: high
            tags: [attack.impact, attack.t1485]
            kalaja: {attack_version: '19.0', contain: [freeze], scope: actor}
            """;

    @TempDir
    Path dir;
    Node node;

    @AfterEach
    void close() {
        if (node != null) node.close();
    }

    private void admitDeletions(Principal p, String collection, int n) {
        for (int i = 0; i < n; i++) node.sentinel.admit(Node.event(Action.RECORD_DELETE, p, collection, "k" + i));
    }

    @Test
    void sameAdminCannotApproveTwice() {
        node = new Node(dir);
        Principal alice = node.token(Caller.SYSTEM, Role.ADMIN, "alice");
        Principal bob = node.token(Caller.SYSTEM, Role.ADMIN, "bob");
        node.sentinel.admit(Node.defencesReduced());
        assertThat(node.sentinel.status().safeMode()).isTrue();
        Approval a = node.sentinel.approvals().request(alice, "safe_mode.exit", Map.of(), "the change was announced");

        ApprovalException self = catchThrowableOfType(ApprovalException.class, () -> node.sentinel.approvals().approve(alice, a.id()));
        assertThat(self.kind()).isEqualTo(Kind.NOT_INDEPENDENT);
        assertThat(node.sentinel.status().safeMode()).isTrue();

        Approval done = node.sentinel.approvals().approve(bob, a.id());
        assertThat(done.status()).isEqualTo(Approval.Status.EXECUTED);
        assertThat(done.approvedBy()).isEqualTo(bob.actor());
        assertThat(node.sentinel.status().safeMode()).isFalse();
        node.sentinel.admit(Node.event(Action.RECORD_PUT, alice, "people", "p1"));

        assertThat(catchThrowableOfType(ApprovalException.class, () -> node.sentinel.approvals().approve(bob, a.id())).kind())
                .isEqualTo(Kind.CONFLICT);
        Principal clerk = node.token(alice, Role.CLERK, "clerk");
        assertThat(catchThrowableOfType(ApprovalException.class,
                () -> node.sentinel.approvals().request(clerk, "safe_mode.exit", Map.of(), "x")).kind()).isEqualTo(Kind.FORBIDDEN);
    }

    @Test
    void tokenMintedByImplicatedAdminCannotApprove() throws Exception {
        Files.writeString(dir.resolve("three.yml"), FREEZE_AFTER_THREE);
        node = new Node(dir, List.of(dir.resolve("three.yml")));
        Principal alice = node.token(Caller.SYSTEM, Role.ADMIN, "alice");
        Principal mallory = node.token(alice, Role.ADMIN, "stolen admin");
        Principal minted = node.token(mallory, Role.ADMIN, "minted by the attacker");
        assertThatThrownBy(() -> admitDeletions(mallory, "people", 3)).isInstanceOf(ContainedException.class);
        node.sentinel.flush();
        assertThat(node.sentinel.containment().isFrozen(minted.actor())).as("this rule freezes the actor alone").isFalse();

        ApprovalException asRequester = catchThrowableOfType(ApprovalException.class, () -> node.sentinel.approvals()
                .request(minted, "actor.unfreeze", Map.of("actor", mallory.actor()), "it was me"));
        assertThat(asRequester.kind()).isEqualTo(Kind.NOT_INDEPENDENT);
        assertThat(asRequester).hasMessageContaining("created by " + mallory.actor());

        Approval a = node.sentinel.approvals().request(alice, "actor.unfreeze", Map.of("actor", mallory.actor()), "false positive?");
        ApprovalException asApprover = catchThrowableOfType(ApprovalException.class, () -> node.sentinel.approvals().approve(minted, a.id()));
        assertThat(asApprover.kind()).isEqualTo(Kind.NOT_INDEPENDENT);
        Principal late = node.token(Caller.SYSTEM, Role.ADMIN, "minted during the incident");
        assertThat(catchThrowableOfType(ApprovalException.class, () -> node.sentinel.approvals().approve(late, a.id())))
                .hasMessageContaining("after incident");
        assertThat(node.sentinel.containment().isFrozen(mallory.actor())).isTrue();
        assertThat(node.sentinel.approvals().get(a.id()).orElseThrow().status()).isEqualTo(Approval.Status.PENDING);
    }

    @Test
    void onlyAnIndependentAdminClosesAnIncidentAndClosingLiftsNoContainment() throws Exception {
        Files.writeString(dir.resolve("three.yml"), FREEZE_AFTER_THREE);
        node = new Node(dir, List.of(dir.resolve("three.yml")));
        Principal alice = node.token(Caller.SYSTEM, Role.ADMIN, "alice");
        Principal mallory = node.token(alice, Role.ADMIN, "colleague");
        Principal minted = node.token(mallory, Role.ADMIN, "minted by the colleague");
        assertThatThrownBy(() -> admitDeletions(mallory, "people", 3)).isInstanceOf(ContainedException.class);
        String id = node.sentinel.incidents().list().getFirst().id();

        assertThat(catchThrowableOfType(ApprovalException.class,
                () -> node.sentinel.incidents().close(minted, id, Incident.Status.FALSE_POSITIVE, "")).kind()).isEqualTo(Kind.NOT_INDEPENDENT);
        Incident closed = node.sentinel.incidents().close(alice, id, Incident.Status.FALSE_POSITIVE, "an announced clean-up");

        assertThat(closed.status()).isEqualTo(Incident.Status.FALSE_POSITIVE);
        assertThat(closed.actions()).last().asString().contains(alice.actor(), "an announced clean-up");
        assertThat(node.sentinel.containment().isFrozen(mallory.actor())).isTrue();
        assertThat(node.sentinel.approvals().request(minted, "actor.unfreeze", Map.of("actor", mallory.actor()), "false positive").status())
                .isEqualTo(Approval.Status.PENDING);
    }

    @Test
    void maintenanceWindowNeedsTwoAdminsAndSuppressesTheRule() {
        node = new Node(dir);
        Principal alice = node.token(Caller.SYSTEM, Role.ADMIN, "alice");
        Principal bob = node.token(Caller.SYSTEM, Role.ADMIN, "bob");
        Principal cleanup = node.token(alice, Role.SERVICE, "archive clean-up job");
        Instant now = Instant.now();
        Map<String, Object> window = Map.of("actors", List.of(cleanup.actor()), "collections", List.of("archive"),
                "from", now.minus(1, ChronoUnit.MINUTES).toString(), "until", now.plus(1, ChronoUnit.HOURS).toString(), "max", 100);
        Approval a = node.sentinel.approvals().request(alice, "maintenance.window", window, "yearly archive clean-up");

        assertThat(node.sentinel.admit(Node.event(Action.RECORD_DELETE, cleanup, "archive", "k0")).event().get("kalaja.maintenance"))
                .as("a requested window is not open before a second admin approves").isNull();
        assertThat(catchThrowableOfType(ApprovalException.class, () -> node.sentinel.approvals().approve(alice, a.id())).kind())
                .isEqualTo(Kind.NOT_INDEPENDENT);
        node.sentinel.approvals().approve(bob, a.id());

        for (int i = 1; i <= 60; i++) {
            Admission in = node.sentinel.admit(Node.event(Action.RECORD_DELETE, cleanup, "archive", "k" + i));
            assertThat(in.event().get("kalaja.maintenance")).asString().startsWith("win-");
        }
        assertThat(node.sentinel.incidents().list()).isEmpty();
        assertThat(node.sentinel.status().maintenanceWindows()).isEqualTo(1);

        admitDeletions(cleanup, "people", 9); // with archive/k0, deleted before the window opened: 10
        ContainedException outside = catchThrowableOfType(ContainedException.class,
                () -> node.sentinel.admit(Node.event(Action.RECORD_DELETE, cleanup, "people", "k9")));
        assertThat(outside.kind()).as("the window covers its collections only").isEqualTo(ContainedException.Kind.ACTOR_FROZEN);
    }

    @Test
    void approvalExpiresAfterADay() {
        Instant start = Instant.now();
        AtomicReference<Instant> now = new AtomicReference<>(start);
        node = new Node(dir, List.of(), new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        });
        Principal alice = node.token(Caller.SYSTEM, Role.ADMIN, "alice");
        Principal bob = node.token(Caller.SYSTEM, Role.ADMIN, "bob");
        node.sentinel.admit(Node.defencesReduced());
        Approval a = node.sentinel.approvals().request(alice, "safe_mode.exit", Map.of(), "the change was announced");

        now.set(start.plus(Duration.ofHours(24)));

        assertThat(catchThrowableOfType(ApprovalException.class, () -> node.sentinel.approvals().approve(bob, a.id())).kind())
                .isEqualTo(Kind.EXPIRED);
        assertThat(node.sentinel.approvals().get(a.id()).orElseThrow().status()).isEqualTo(Approval.Status.EXPIRED);
        assertThat(node.sentinel.status().safeMode()).isTrue();
    }
}
