package org.kalaja.sentinel;

import org.kalaja.sentinel.contain.NodeConfigAudit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.Principal;
import org.kalaja.engine.Role;

/** A restart with fewer defences (T1490, T1562) puts the node in safe mode unless two admins approved it. */
@Timeout(60)
class NodeConfigAuditTest {
    private static final Caller SERVE = Caller.of("system:serve", "", "kalaja serve");
    private static final Map<String, Object> FULL = Map.of("vaults", List.of("dir:/mnt/vault-a", "s3://vault-b"),
            "witnesses", List.of("witness.example/w1", "witness.example/w2"), "quorum", 2, "durability", "vault",
            "state_audit_interval_s", 600);

    @TempDir
    Path dir;
    Node node;

    @BeforeEach
    void open() {
        node = new Node(dir);
    }

    @AfterEach
    void close() {
        node.close();
    }

    private NodeConfigAudit.Change start(Map<String, Object> config) {
        NodeConfigAudit.Change c = NodeConfigAudit.check(node.engine, node.sentinel, config, SERVE, Instant.now());
        c.event().ifPresent(node.sentinel::admit);
        node.sentinel.flush();
        return c;
    }

    private static Map<String, Object> with(String setting, Object value) {
        Map<String, Object> m = new java.util.HashMap<>(FULL);
        m.put(setting, value);
        return m;
    }

    @Test
    void theFirstStartIsRecordedAndAnUnchangedRestartWritesNothing() {
        assertThat(start(FULL).effect()).isEqualTo("initial");
        long size = node.engine.size();

        assertThat(start(FULL).effect()).isEqualTo("unchanged");
        assertThat(node.engine.size()).isEqualTo(size);
        assertThat(node.barrierClosedBecause()).isNull();
    }

    @Test
    void aRestartWithoutAVaultOrWithALowerQuorumEntersSafeMode() {
        start(FULL);

        NodeConfigAudit.Change c = start(with("vaults", List.of("dir:/mnt/vault-a")));

        assertThat(c.effect()).isEqualTo("reduced");
        assertThat(c.reduced()).containsExactly("vaults");
        assertThat(node.barrierClosedBecause()).as("safe mode").isNotNull();
        assertThat(NodeConfigAudit.reductions(json(FULL), json(with("quorum", 1)))).containsExactly("quorum");
        assertThat(NodeConfigAudit.reductions(json(FULL), json(with("state_audit_interval_s", 0)))).containsExactly("state_audit_interval_s");
        assertThat(NodeConfigAudit.reductions(json(FULL), json(with("durability", "store")))).containsExactly("durability");
    }

    @Test
    void movingSealedDatasKeysOffTheHsmIsAReductionAndOntoItIsNot() {
        Map<String, Object> hsm = with("kms", "pkcs11");
        assertThat(NodeConfigAudit.reductions(json(hsm), json(with("kms", "keystore")))).containsExactly("kms");
        assertThat(NodeConfigAudit.reductions(json(hsm), json(with("kms", "none")))).containsExactly("kms");
        assertThat(NodeConfigAudit.reductions(json(with("kms", "keystore")), json(with("kms", "none")))).containsExactly("kms");
        assertThat(NodeConfigAudit.reductions(json(with("kms", "keystore")), json(hsm))).isEmpty();
        assertThat(NodeConfigAudit.reductions(json(FULL), json(with("kms", "none")))).as("a log from before sealing").isEmpty();
    }

    @Test
    void addingAWitnessIsAChangeNotAReduction() {
        start(FULL);

        NodeConfigAudit.Change c = start(with("witnesses", List.of("witness.example/w1", "witness.example/w2", "witness.example/w3")));

        assertThat(c.effect()).isEqualTo("changed");
        assertThat(node.barrierClosedBecause()).isNull();
    }

    @Test
    void aReductionTwoAdminsApprovedStartsWithoutSafeMode() {
        start(FULL);
        Principal alice = node.token(Caller.SYSTEM, Role.ADMIN, "alice");
        Principal bob = node.token(Caller.SYSTEM, Role.ADMIN, "bob");
        Map<String, Object> fewer = with("vaults", List.of("dir:/mnt/vault-a"));
        Approval a = node.sentinel.approvals().request(alice, "config.loosen", Map.of("digest", NodeConfigAudit.digest(fewer)),
                "vault-b is being replaced this weekend");
        node.sentinel.approvals().approve(bob, a.id());

        NodeConfigAudit.Change c = start(fewer);

        assertThat(c.effect()).isEqualTo("reduced");
        assertThat(c.event().orElseThrow().get("kalaja.approval")).isEqualTo(a.id());
        assertThat(node.barrierClosedBecause()).isNull();
    }

    private static com.fasterxml.jackson.databind.JsonNode json(Map<String, Object> m) {
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(new java.util.TreeMap<>(m));
    }
}
