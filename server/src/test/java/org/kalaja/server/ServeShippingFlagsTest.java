package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.vault.Vault;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.VerifierKey;
import picocli.CommandLine;

/** {@code serve}'s vault and witness flags: a bad one is refused with exit 2 before anything is created. */
class ServeShippingFlagsTest {
    @TempDir
    Path tmp;

    CliTest.Run serve(String... flags) {
        String[] args = new String[flags.length + 3];
        args[0] = "serve";
        args[1] = "--data";
        args[2] = tmp.resolve("data").toString();
        System.arraycopy(flags, 0, args, 3, flags.length);
        return CliTest.kalaja(args);
    }

    void assertRefused(CliTest.Run run, String... messageParts) {
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(messageParts);
        assertThat(tmp.resolve("data")).doesNotExist();
    }

    @Test
    void badVaultAndDurabilityFlagsExitTwoAndCreateNothing() throws Exception {
        String vault = "dir:" + Files.createDirectories(tmp.resolve("vault"));
        assertRefused(serve("--vault", "dir:" + tmp.resolve("not-mounted")), "does not exist");
        assertRefused(serve("--vault", "ftp://vault.example/x"), "--vault must be dir:");
        assertRefused(serve("--vault", "s3://bucket?nonsense=1"), "nonsense");
        assertRefused(serve("--durability", "vault"), "--durability vault needs at least one --vault");
        assertRefused(serve("--vault", vault, "--durability", "sometimes"), "--durability must be store or vault");
        assertRefused(serve("--vault", vault, "--durability-timeout-ms", "5"), "--durability-timeout-ms");
        assertRefused(serve("--witness", "http://127.0.0.1:9/"), "--witness needs at least one --vault");
    }

    @Test
    void badWitnessFlagsExitTwoAndCreateNothing() throws Exception {
        String vault = "dir:" + Files.createDirectories(tmp.resolve("vault"));
        String key = SigningKey.generate("w.example/a", SignatureType.COSIGNATURE_V1).verifierKey().format();
        String logKey = SigningKey.generate("w.example/log", SignatureType.ED25519).verifierKey().format();
        assertRefused(serve("--vault", vault, "--witness", "http://127.0.0.1:9/#" + key, "--quorum", "2"),
                "--quorum must be between 1 and the number of --witness flags (1)");
        assertRefused(serve("--vault", vault, "--witness", "ftp://w.example/#" + key), "--witness must be http(s)");
        assertRefused(serve("--vault", vault, "--witness", "http://127.0.0.1:9/#" + logKey), "cosignature/v1");
        assertRefused(serve("--vault", vault, "--witness", "http://127.0.0.1:9/"), "cannot fetch the key of witness",
                "#<vkey>");
    }

    @Test
    void aWitnessKeyFetchedOnFirstUseIsPinnedAndAChangedKeyRefusesTheNextStart() throws Exception {
        AtomicReference<VerifierKey> served = new AtomicReference<>(
                SigningKey.generate("w.example/a", SignatureType.COSIGNATURE_V1).verifierKey());
        HttpServer witness = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        witness.createContext("/vkey", ex -> {
            byte[] body = (served.get().format() + "\n").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        witness.start();
        try {
            String url = "http://127.0.0.1:" + witness.getAddress().getPort() + "/";
            Path data = Files.createDirectories(tmp.resolve("data"));
            ShippingOptions options = options(url);

            String warning = CliTest.capturingStderr(() -> {
                ShippingOptions.Resolved first = options.resolve(new CommandLine(new ServeCommand()), data);
                assertThat(first.shipping().witnesses().witnesses().getFirst().key()).isEqualTo(served.get());
                first.pins().save();
                closeAll(first);
            });
            assertThat(warning).contains("trusting witness key", "pinned in");
            assertThat(Files.readString(data.resolve(WitnessPins.FILE))).isEqualTo(url + " " + served.get().format() + "\n");

            ShippingOptions.Resolved again = options(url).resolve(new CommandLine(new ServeCommand()), data);
            assertThat(again.shipping().witnesses().witnesses().getFirst().key()).isEqualTo(served.get());
            closeAll(again);

            VerifierKey pinned = served.get();
            served.set(SigningKey.generate("w.example/a", SignatureType.COSIGNATURE_V1).verifierKey());
            assertThatThrownBy(() -> options(url).resolve(new CommandLine(new ServeCommand()), data))
                    .isInstanceOf(CommandLine.ParameterException.class)
                    .hasMessageContaining("now serves the key " + served.get())
                    .hasMessageContaining(pinned + " was pinned");
        } finally {
            witness.stop(0);
        }
    }

    private ShippingOptions options(String witnessUrl) throws Exception {
        ShippingOptions o = new ShippingOptions();
        o.vaults.add("dir:" + Files.createDirectories(tmp.resolve("vault")));
        o.witnesses.add(witnessUrl);
        o.durability = "store";
        o.timeoutMs = 30_000;
        return o;
    }

    private static void closeAll(ShippingOptions.Resolved r) {
        r.shipping().vaults().forEach(Vault::close);
        r.shipping().witnesses().close();
    }
}
