package org.kalaja.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.Principal;
import org.kalaja.engine.Role;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.ContainedException.Kind;

/** Containment through {@link Sentinel} on a real engine and the default Sigma rules (mass deletion: more than 10 per hour). */
@Timeout(60)
class SentinelContainmentTest {
    @TempDir
    Path dir;
    Node node;
    Principal alice;
    Principal mallory;
    Principal bob;

    @BeforeEach
    void open() {
        node = new Node(dir);
        alice = node.token(Caller.SYSTEM, Role.ADMIN, "alice");
        bob = node.token(Caller.SYSTEM, Role.ADMIN, "bob");
        mallory = node.token(alice, Role.ADMIN, "stolen admin");
        for (int i = 0; i < 64; i++) node.engine.put(alice.caller("", ""), "people", "p" + i, node.body("person " + i), -1, "").join();
    }

    @AfterEach
    void close() {
        node.close();
    }

    /** Admits a deletion and, when admitted, runs it as the server would. */
    private void delete(Principal p, String key) {
        node.sentinel.admit(Node.event(Action.RECORD_DELETE, p, "people", key));
        node.engine.delete(p.caller("203.0.113.7", "curl/8.5"), "people", key, -1, "").join();
    }

    private void deleteEleven(Principal p) {
        for (int i = 0; i < 10; i++) delete(p, "p" + i);
        assertThatThrownBy(() -> delete(p, "p10")).isInstanceOf(ContainedException.class);
    }

    @Test
    void matchContainsBeforeAdmitReturns() {
        for (int i = 0; i < 10; i++) delete(mallory, "p" + i);
        assertThat(node.sentinel.containment().isFrozen(mallory.actor())).isFalse();

        ContainedException e = catchThrowableOfType(ContainedException.class, () -> delete(mallory, "p10"));

        assertThat(e.kind()).isEqualTo(Kind.ACTOR_FROZEN);
        assertThat(node.sentinel.containment().isFrozen(mallory.actor())).isTrue();
        assertThat(node.engine.get("people", "p10")).as("the triggering deletion never ran").isPresent();
        assertThatThrownBy(() -> node.sentinel.admit(Node.event(Action.RECORD_GET, mallory, "people", "p20")))
                .isInstanceOf(ContainedException.class);
        assertThat(node.sentinel.admit(Node.event(Action.RECORD_DELETE, alice, "people", "p11")).event().actor()).isEqualTo(alice.actor());
    }

    @Test
    void frozenActorIsRefusedWithTheIncident() {
        deleteEleven(mallory);
        node.sentinel.flush();

        ContainedException e = catchThrowableOfType(ContainedException.class,
                () -> node.sentinel.admit(Node.event(Action.RECORD_GET, mallory, "people", "p30")));

        Incident incident = node.sentinel.incidents().list().getFirst();
        assertThat(e.kind()).isEqualTo(Kind.ACTOR_FROZEN);
        assertThat(e.incidentId()).isEqualTo(incident.id()).matches("inc-\\d{8}-[0-9a-f]{6}");
        assertThat(e.detail()).contains(mallory.actor(), incident.id(), "actor.unfreeze");
        assertThat(incident.actors()).containsExactly(mallory.actor());
        assertThat(incident.addresses()).containsExactly("203.0.113.7");
        assertThat(incident.techniques()).extracting(Incident.Technique::id).contains("T1485");
        assertThat(incident.attackVersion()).isEqualTo("19.0");
        assertThat(incident.status()).isEqualTo(Incident.Status.CONTAINED);
        assertThat(incident.actions()).contains("revoke " + mallory.actor(), "freeze " + mallory.actor());
        Entry atStart = node.entriesFrom(incident.startedIndex()).getFirst();
        Entry before = node.entriesFrom(incident.startedIndex() - 1).getFirst();
        assertThat(atStart.time()).isAfterOrEqualTo(incident.started());
        assertThat(before.time()).isBefore(incident.started());
        assertThat(node.store.state(new RecordId("kalaja.tokens", mallory.tokenId())).orElseThrow().deleted()).as("revoked").isTrue();
    }

    @Test
    void parallelDeletesByOneActorStopAtTheThreshold() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(64);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger deleted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            String key = "p" + i;
            all.add(pool.submit(() -> {
                go.await();
                try {
                    delete(mallory, key);
                    deleted.incrementAndGet();
                } catch (ContainedException e) {
                    refused.incrementAndGet();
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : all) f.get(30, TimeUnit.SECONDS);
        pool.shutdown();

        assertThat(deleted.get()).as("more than 10 distinct deletions per hour is the rule").isEqualTo(10);
        assertThat(refused.get()).isEqualTo(54);
        assertThat(node.engine.list("people", "", 1000)).hasSize(54);
        node.sentinel.flush();
        assertThat(node.sentinel.incidents().list()).as("one attack, one incident").hasSize(1);
        List<String> written = node.entriesFrom(0).stream().filter(e -> e.actor().equals("sentinel")).map(e -> e.kind() + " " + e.collection())
                .toList();
        // A racing request whose event is older than the trigger's moves the incident's start earlier: the incident
        // record (there is one incident, asserted above) is then written again (Responder: "a finding may only have
        // moved the start earlier"). Nothing else.
        assertThat(written).as("the incident record").contains("CONFIG_CHANGED kalaja.incidents");
        assertThat(written.stream().filter(w -> !w.equals("CONFIG_CHANGED kalaja.incidents")).toList())
                .as("requests racing the triggering one add no other entries").containsExactlyInAnyOrder("INCIDENT kalaja.incidents",
                        "TOKEN_REVOKED kalaja.tokens", "CONFIG_CHANGED kalaja.frozen");
    }

    @Test
    void safeModeRefusesWritesServesReads() {
        node.sentinel.admit(Node.defencesReduced());

        ContainedException put = catchThrowableOfType(ContainedException.class,
                () -> node.sentinel.admit(Node.event(Action.RECORD_PUT, alice, "people", "p1")));
        assertThat(put.kind()).isEqualTo(Kind.SAFE_MODE);
        assertThat(put.incidentId()).isEqualTo(node.sentinel.incidents().list().getFirst().id());
        assertThat(put.detail()).contains("record writes are refused, reads work", "/api/v1/incidents/" + put.incidentId());
        assertThatThrownBy(() -> node.sentinel.admit(Node.event(Action.RECORD_DELETE, alice, "people", "p1")))
                .isInstanceOf(ContainedException.class);
        assertThatThrownBy(() -> node.sentinel.admit(Node.event(Action.TOKEN_CREATE, alice, "", "")))
                .isInstanceOf(ContainedException.class);
        node.sentinel.admit(Node.event(Action.RECORD_GET, alice, "people", "p1"));
        node.sentinel.admit(Node.event(Action.RECORD_LIST, alice, "people", ""));
        node.sentinel.admit(Node.event(Action.TOKEN_REVOKE, alice, "", ""));
        assertThat(node.barrierClosedBecause()).as("the engine's own barrier is closed too").contains(put.incidentId());
        assertThatThrownBy(() -> node.engine.put(alice.caller("", ""), "people", "p1", node.body("x"), -1, "").join())
                .hasRootCauseInstanceOf(EngineException.class).hasMessageContaining("safe mode: incident " + put.incidentId());
        assertThat(node.sentinel.status().safeMode()).isTrue();
    }

    @Test
    void everyActionIsALogEntry() {
        Principal minted = node.token(mallory, Role.ADMIN, "persistence");
        long before = node.store.size();
        deleteEleven(mallory);
        node.sentinel.flush();

        List<Entry> sentinel = node.entriesFrom(before).stream().filter(e -> e.actor().equals("sentinel")).toList();
        String id = node.sentinel.incidents().list().getFirst().id();
        assertThat(sentinel).extracting(e -> e.kind() + " " + e.collection() + "/" + e.key()).containsExactlyInAnyOrder(
                "INCIDENT kalaja.incidents/" + id,
                "TOKEN_REVOKED kalaja.tokens/" + mallory.tokenId(),
                "TOKEN_REVOKED kalaja.tokens/" + minted.tokenId(),
                "CONFIG_CHANGED kalaja.frozen/" + mallory.actor(),
                "CONFIG_CHANGED kalaja.frozen/" + minted.actor(),
                "CONFIG_CHANGED kalaja.incidents/" + id);
        assertThat(node.sentinel.containment().isFrozen(minted.actor())).as("scope actor_and_created").isTrue();

        long beforeApproval = node.store.size();
        Approval a = node.sentinel.approvals().request(alice, "actor.unfreeze", Map.of("actor", minted.actor()), "false positive");
        node.sentinel.approvals().approve(bob, a.id());
        assertThat(node.entriesFrom(beforeApproval)).extracting(e -> e.actor() + " " + e.kind() + " " + e.collection() + "/" + e.key())
                .containsExactly(
                        alice.actor() + " CONFIG_CHANGED kalaja.approvals/" + a.id(),
                        bob.actor() + " CONFIG_CHANGED kalaja.approvals/" + a.id(),
                        bob.actor() + " CONFIG_CHANGED kalaja.frozen/" + minted.actor(),
                        bob.actor() + " CONFIG_CHANGED kalaja.approvals/" + a.id());
    }

    @Test
    void containmentSurvivesRestart() {
        deleteEleven(mallory);
        node.sentinel.admit(Node.defencesReduced());
        Approval pending = node.sentinel.approvals().request(alice, "safe_mode.exit", Map.of(), "the config change was planned");
        List<Incident> incidents = node.sentinel.incidents().list();

        node = node.restart();

        ContainedException frozen = catchThrowableOfType(ContainedException.class,
                () -> node.sentinel.admit(Node.event(Action.RECORD_GET, mallory, "people", "p1")));
        assertThat(frozen.kind()).isEqualTo(Kind.ACTOR_FROZEN);
        ContainedException safe = catchThrowableOfType(ContainedException.class,
                () -> node.sentinel.admit(Node.event(Action.RECORD_PUT, alice, "people", "p1")));
        assertThat(safe.kind()).isEqualTo(Kind.SAFE_MODE);
        assertThat(node.barrierClosedBecause()).as("safe mode closes the engine's barrier again at start").isNotNull();
        assertThat(node.sentinel.incidents().list()).extracting(Incident::id, Incident::status, Incident::actors)
                .containsExactlyInAnyOrderElementsOf(incidents.stream().map(i -> org.assertj.core.groups.Tuple.tuple(i.id(), i.status(), i.actors()))
                        .toList())
                .hasSize(2);
        assertThat(node.sentinel.approvals().get(pending.id())).hasValueSatisfying(a -> assertThat(a.status()).isEqualTo(Approval.Status.PENDING));

        node.sentinel.approvals().approve(bob, pending.id());
        node.sentinel.admit(Node.event(Action.RECORD_PUT, alice, "people", "p1"));
        assertThat(node.barrierClosedBecause()).isNull();
        node.engine.put(alice.caller("", ""), "people", "p1", node.body("after safe mode"), -1, "").join();
    }

    @Test
    void repeatedFailedSignInsBlockTheAddressForItsTime() {
        for (int i = 0; i < 9; i++) node.sentinel.admit(failedSignIn("198.51.100.9"));

        ContainedException tenth = catchThrowableOfType(ContainedException.class, () -> node.sentinel.admit(failedSignIn("198.51.100.9")));

        assertThat(tenth.kind()).isEqualTo(Kind.ADDRESS_BLOCKED);
        assertThat(tenth.until()).isBetween(java.time.Instant.now().plusSeconds(14 * 60), java.time.Instant.now().plusSeconds(15 * 60));
        assertThatThrownBy(() -> node.sentinel.admit(Node.event(Action.RECORD_GET, alice, "198.51.100.9", "people", "p1", Map.of())))
                .isInstanceOf(ContainedException.class).hasMessageContaining("until");
        node.sentinel.admit(Node.event(Action.RECORD_GET, alice, "203.0.113.7", "people", "p1", Map.of()));
        node.sentinel.flush();
        assertThat(node.store.state(new RecordId("kalaja.blocked", "198.51.100.9"))).isPresent();
        assertThat(node.sentinel.incidents().list().getFirst().actors()).as("nobody signed in: no actor is implicated").isEmpty();
    }

    private static AuditEvent failedSignIn(String address) {
        return new AuditEvent(java.time.Instant.now(), Action.AUTH_FAILURE, Outcome.FAILURE, "anonymous", "", "", address, "hydra", "", "",
                -1, -1, 1, "unknown_token", Map.of());
    }
}
