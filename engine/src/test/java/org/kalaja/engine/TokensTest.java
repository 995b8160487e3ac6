package org.kalaja.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;

class TokensTest {
    private final TokenTestStore store = new TokenTestStore();
    private final RecordsEngine engine = RecordsEngine.open(store, EngineConfig.defaults());
    private final Tokens tokens = new Tokens(engine);
    private final Caller admin = Caller.of("token:00000000000000aa", "10.0.0.1", "curl/8");

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void createdTokenAuthenticatesWithItsRoleAndName() {
        Tokens.Issued issued = tokens.create(admin, Role.CLERK, "registry clerk");

        assertThat(issued.token()).startsWith("kalaja_").hasSize("kalaja_".length() + 43);
        assertThat(issued.id()).isEqualTo(Tokens.idOf(issued.token())).matches("[0-9a-f]{16}");
        assertThat(tokens.authenticate(issued.token()))
                .contains(new Principal(issued.id(), "registry clerk", Role.CLERK));
    }

    @Test
    void storedRecordHoldsTheHashNeverTheToken() {
        Tokens.Issued issued = tokens.create(admin, Role.READER, "auditor");

        RecordVersion v = engine.read(store.state(new RecordId(Tokens.COLLECTION, issued.id())).orElseThrow().index());
        String body = new String(v.json(), StandardCharsets.UTF_8);
        assertThat(body).doesNotContain(issued.token().substring("kalaja_".length()))
                .contains("\"sha256\":\"" + HexFormat.of().formatHex(sha256(issued.token())) + "\"")
                .contains("\"created_by\":\"token:00000000000000aa\"")
                .contains("\"role\":\"reader\"");
    }

    @Test
    void creationAndRevocationAreLogEntriesWithTheirActor() {
        Tokens.Issued issued = tokens.create(admin, Role.SERVICE, "tax office");
        tokens.revoke(Caller.of("token:00000000000000bb", "10.0.0.2", "cli"), issued.id());

        Entry created = EntryCodec.decode(store.entry(0).orElseThrow().data());
        Entry revoked = EntryCodec.decode(store.entry(1).orElseThrow().data());
        assertThat(created.kind()).isEqualTo(EntryKind.TOKEN_CREATED);
        assertThat(created.actor()).isEqualTo("token:00000000000000aa");
        assertThat(revoked.kind()).isEqualTo(EntryKind.TOKEN_REVOKED);
        assertThat(revoked.actor()).isEqualTo("token:00000000000000bb");
        assertThat(revoked.key()).isEqualTo(issued.id());
    }

    @Test
    void revokedTokenIsRejectedOnTheNextCall() {
        Tokens.Issued issued = tokens.create(admin, Role.ADMIN, "ops");
        assertThat(tokens.authenticate(issued.token())).isPresent();

        tokens.revoke(admin, issued.id());

        assertThat(tokens.authenticate(issued.token())).isEmpty();
    }

    @Test
    void revokeIsSeenEvenThroughAnotherInstanceSharingTheStore() {
        Tokens.Issued issued = tokens.create(admin, Role.ADMIN, "ops");
        Tokens otherNode = new Tokens(engine);
        assertThat(otherNode.authenticate(issued.token())).isPresent();

        tokens.revoke(admin, issued.id());

        assertThat(otherNode.authenticate(issued.token())).isEmpty();
    }

    @Test
    void revokingAnUnknownOrRevokedTokenIsNotFound() {
        Tokens.Issued issued = tokens.create(admin, Role.ADMIN, "ops");
        tokens.revoke(admin, issued.id());
        long size = engine.size();

        assertThatThrownBy(() -> tokens.revoke(admin, issued.id()))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.problem()).isEqualTo(EngineException.Problem.NOT_FOUND));
        assertThatThrownBy(() -> tokens.revoke(admin, "not-an-id"))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.problem()).isEqualTo(EngineException.Problem.NOT_FOUND));
        assertThat(engine.size()).isEqualTo(size);
    }

    @Test
    void unknownAndMalformedTokensAreRejected() {
        tokens.create(admin, Role.ADMIN, "ops");

        assertThat(tokens.authenticate("kalaja_" + "A".repeat(43))).isEmpty();
        assertThat(tokens.authenticate("")).isEmpty();
        assertThat(tokens.authenticate("x".repeat(10_000))).isEmpty();
    }

    @Test
    void bootstrapWritesAGeneratedAdminTokenToAPrivateFileOnce() throws Exception {
        Tokens.Bootstrap boot = tokens.bootstrap(dir, null).orElseThrow();

        Path file = dir.resolve(Tokens.BOOTSTRAP_FILE);
        assertThat(boot.tokenFile()).isEqualTo(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String token = Files.readString(file).strip();
        assertThat(token).isEqualTo(boot.generated());
        assertThat(tokens.authenticate(token)).hasValueSatisfying(p -> assertThat(p.role()).isEqualTo(Role.ADMIN));
        assertThat(EntryCodec.decode(store.entry(0).orElseThrow().data()).actor()).isEqualTo("system");

        assertThat(tokens.bootstrap(dir, null)).isEmpty();
        assertThat(engine.size()).isEqualTo(1);
    }

    @Test
    void bootstrapDoesNotRecurAfterTheFirstTokenIsRevoked() {
        Tokens.Bootstrap boot = tokens.bootstrap(dir, null).orElseThrow();
        tokens.revoke(admin, boot.tokenId());

        assertThat(tokens.bootstrap(dir, null)).isEmpty();
    }

    @Test
    void bootstrapUsesTheSuppliedTokenWithoutWritingAFile() {
        String supplied = "correct-horse-battery-staple-42";

        Tokens.Bootstrap boot = tokens.bootstrap(dir, supplied).orElseThrow();

        assertThat(boot.tokenFile()).isNull();
        assertThat(dir.resolve(Tokens.BOOTSTRAP_FILE)).doesNotExist();
        assertThat(tokens.authenticate(supplied)).hasValueSatisfying(p -> assertThat(p.role()).isEqualTo(Role.ADMIN));
    }

    @Test
    void bootstrapRefusesAShortSuppliedTokenAndWritesNothing() {
        assertThatThrownBy(() -> tokens.bootstrap(dir, "short"))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("KALAJA_BOOTSTRAP_TOKEN must be 16");
        assertThat(engine.size()).isZero();
    }

    @Test
    void roleParsingNamesTheValidRoles() {
        assertThat(Role.parse("clerk")).isEqualTo(Role.CLERK);
        assertThatThrownBy(() -> Role.parse("root")).hasMessageContaining("admin, clerk, reader, service");
        assertThat(Role.READER.mayWriteRecords()).isFalse();
        assertThat(Role.SERVICE.mayWriteRecords()).isTrue();
        assertThat(Role.CLERK.mayAdminister()).isFalse();
    }

    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
