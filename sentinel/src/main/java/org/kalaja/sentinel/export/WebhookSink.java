package org.kalaja.sentinel.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.kalaja.sentinel.AuditEvent;

/**
 * POSTs a JSON array of at most 500 OCSF events per request, signed:
 * {@code Kalaja-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>} and
 * {@code Kalaja-Event-Range: <first uid>..<last uid>}. A 2xx answer delivers the batch; anything
 * else, or no answer within 30 s, throws, and the {@link AuditExporter} retries the same batch with
 * backoff. A receiver SHOULD check the signature and reject a {@code t} older than a few minutes.
 */
public final class WebhookSink implements Sink {
    private final URI url;
    private final SecretKeySpec key;
    private final OcsfMapper mapper;
    private final ExportContext context;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param secret the shared secret (the server reads it from {@code KALAJA_WEBHOOK_SECRET}); MUST NOT be empty */
    public WebhookSink(URI url, byte[] secret, ExportContext context, Clock clock) {
        if (secret.length == 0) throw new IllegalArgumentException("the webhook secret must not be empty");
        this.url = url;
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.mapper = new OcsfMapper(context);
        this.context = context;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "webhook:" + url;
    }

    /** The {@code Kalaja-Signature} value for {@code body} sent at {@code unixSeconds}. */
    public static String signature(byte[] secret, long unixSeconds, byte[] body) {
        return signature(new SecretKeySpec(secret, "HmacSHA256"), unixSeconds, body);
    }

    private static String signature(SecretKeySpec key, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    @Override
    public void send(List<AuditEvent> events) throws IOException {
        if (events.isEmpty()) return;
        ArrayNode array = ExportContext.JSON.createArrayNode();
        events.forEach(e -> array.add(mapper.map(e)));
        byte[] body = ExportContext.JSON.writeValueAsBytes(array);
        String signature = signature(key, clock.instant().getEpochSecond(), body);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Kalaja-Signature", signature)
                .header("Kalaja-Event-Range", context.uid(events.getFirst()) + ".." + context.uid(events.getLast()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while posting to " + url, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("webhook " + url + " answered " + response.statusCode());
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
