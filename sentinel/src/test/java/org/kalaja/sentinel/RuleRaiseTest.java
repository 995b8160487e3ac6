package org.kalaja.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.Principal;
import org.kalaja.engine.Role;

/** Raising a rule's threshold takes two administrators, and then the rule counts to the new number, also after a restart. */
@Timeout(60)
class RuleRaiseTest {
    @TempDir
    Path dir;
    Node node;
    Principal alice;
    Principal bob;

    @BeforeEach
    void open() {
        node = new Node(dir);
        alice = node.token(Caller.SYSTEM, Role.ADMIN, "alice");
        bob = node.token(Caller.SYSTEM, Role.ADMIN, "bob");
        for (int i = 0; i < 40; i++) node.engine.put(alice.caller("", ""), "people", "p" + i, node.body("person " + i), -1, "").join();
    }

    @AfterEach
    void close() {
        node.close();
    }

    /** How many distinct records {@code p} deletes before the sentinel refuses it. */
    private int deletionsAllowed(Principal p, int from) {
        for (int i = from; i < 40; i++) {
            try {
                node.sentinel.admit(Node.event(Action.RECORD_DELETE, p, "people", "p" + i));
            } catch (ContainedException e) {
                return i - from;
            }
        }
        return 40 - from;
    }

    @Test
    void anApprovedRaiseMakesTheRuleCountToTheNewThresholdAlsoAfterARestart() {
        Approval a = node.sentinel.approvals().request(alice, "rule.raise", Map.of("rule", "mass_deletion", "threshold", 20),
                "the yearly archive job deletes 20 records in an hour");
        assertThat(deletionsAllowed(node.token(Caller.SYSTEM, Role.ADMIN, "before the approval"), 0)).as("pending: still 10").isEqualTo(10);

        node.sentinel.approvals().approve(bob, a.id());

        assertThat(deletionsAllowed(node.token(Caller.SYSTEM, Role.ADMIN, "archive job"), 0)).isEqualTo(20);
        node = node.restart();
        assertThat(deletionsAllowed(node.token(Caller.SYSTEM, Role.ADMIN, "after a restart"), 15)).as("records p15… are left").isEqualTo(20);
    }

    @Test
    void aRaiseOfARuleWithoutAThresholdIsRefusedWhenApproved() {
        Approval a = node.sentinel.approvals().request(alice, "rule.raise", Map.of("rule", "no_such_rule", "threshold", 20), "typo");

        assertThatThrownBy(() -> node.sentinel.approvals().approve(bob, a.id())).isInstanceOf(ApprovalException.class)
                .hasMessageContaining("no correlation rule no_such_rule");
    }
}
