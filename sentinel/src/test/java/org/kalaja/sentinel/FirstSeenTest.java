package org.kalaja.sentinel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.Principal;
import org.kalaja.engine.Role;
import org.kalaja.engine.Tokens;
import org.kalaja.engine.spi.RecordId;

/** A token used from an address or client new to it: the rules on stolen credentials (T1078, T1098) see it. */
@Timeout(60)
class FirstSeenTest {
    @TempDir
    Path dir;
    Node node;
    Principal alice;

    @BeforeEach
    void open() {
        node = new Node(dir);
        alice = node.token(Caller.SYSTEM, Role.ADMIN, "alice");
    }

    @AfterEach
    void close() {
        node.close();
    }

    private AuditEvent admit(Principal p, String address, String client) {
        return node.sentinel.admit(new AuditEvent(Instant.now(), Action.RECORD_GET, Outcome.UNKNOWN, p.actor(), p.name(), p.role().id(),
                address, client, "people", "p1", -1, -1, 1, "", Map.of())).event();
    }

    @Test
    void aTokensFirstUseIsNotFirstSeenButASecondAddressOrClientIs() {
        AuditEvent first = admit(alice, "10.0.0.5", "kalaja-cli");
        AuditEvent again = admit(alice, "10.0.0.5", "kalaja-cli");
        AuditEvent elsewhere = admit(alice, "203.0.113.7", "kalaja-cli");
        AuditEvent otherClient = admit(alice, "10.0.0.5", "curl/8.5");

        assertThat(first.get("kalaja.first_seen.address")).isNull();
        assertThat(again.get("kalaja.first_seen.address")).isNull();
        assertThat(elsewhere.get("kalaja.first_seen.address")).isEqualTo(true);
        assertThat(elsewhere.get("kalaja.first_seen.client")).isNull();
        assertThat(otherClient.get("kalaja.first_seen.client")).isEqualTo(true);
        assertThat(admit(alice, "203.0.113.7", "kalaja-cli").get("kalaja.first_seen.address")).as("remembered").isNull();
    }

    @Test
    void aCredentialCreatedWithAStolenTokenFromANewAddressIsRevoked() {
        admit(alice, "10.0.0.5", "kalaja-cli");
        Tokens.Issued planted = node.tokens.create(alice.caller("203.0.113.7", "kalaja-cli"), Role.ADMIN, "backdoor");
        Admission a = node.sentinel.admit(new AuditEvent(Instant.now(), Action.TOKEN_CREATE, Outcome.UNKNOWN, alice.actor(), alice.name(),
                "admin", "203.0.113.7", "kalaja-cli", "kalaja.tokens", planted.id(), -1, -1, 1, "", Map.of()));
        node.sentinel.complete(a, Outcome.SUCCESS, "", -1, 1);
        node.sentinel.flush();

        assertThat(node.store.state(new RecordId("kalaja.tokens", planted.id())).orElseThrow().deleted()).as("backdoor revoked").isTrue();
        assertThat(node.sentinel.incidents().list()).anySatisfy(i -> assertThat(i.techniques()).extracting(Incident.Technique::id)
                .contains("T1098"));
    }
}
