package org.kalaja.sentinel.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;
import org.kalaja.sentinel.AuditEvent;

/**
 * RFC 5424 syslog, the message being the OCSF event:
 * {@code <PRI>1 TIMESTAMP HOSTNAME kalaja - MSGID [meta sequenceId="N"] BOM{...}} with facility 13
 * (log audit), the severity from OCSF's, MSGID naming the OCSF class, and {@code meta sequenceId}
 * (RFC 5424 §7.3.1) counting 1 … 2^31-1 and wrapping. Over {@code tcp://} and {@code tls://} each
 * message is framed by octet counting ({@code LEN SP MSG}, RFC 6587 §3.4.1, RFC 5425); over
 * {@code udp://} one message per datagram, cut at {@value #MAX_DATAGRAM} bytes ({@link #truncated()}).
 *
 * <p>A stream sink reconnects on the next {@link #send} after an error; a message the server had
 * received before the connection broke may then arrive twice.
 */
public final class SyslogSink implements Sink {
    static final int MAX_DATAGRAM = 8192;
    private static final int FACILITY_LOG_AUDIT = 13;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final URI target;
    private final OcsfMapper mapper;
    private final String hostname;
    private final AtomicLong truncated = new AtomicLong();
    private int sequence;
    private @Nullable Socket socket;
    private @Nullable OutputStream out;
    private @Nullable DatagramSocket udp;

    /** @param target {@code tcp://host:port}, {@code tls://host:port} or {@code udp://host:port} */
    public SyslogSink(URI target, ExportContext context) {
        if (!List.of("tcp", "tls", "udp").contains(String.valueOf(target.getScheme())) || target.getHost() == null || target.getPort() < 0) {
            throw new IllegalArgumentException("syslog target must be tcp://, tls:// or udp://host:port, got " + target);
        }
        this.target = target;
        this.mapper = new OcsfMapper(context);
        String h = context.node().replaceAll("[^\\x21-\\x7e]", "-");
        this.hostname = h.isEmpty() ? "-" : h.length() > 255 ? h.substring(0, 255) : h;
    }

    @Override
    public String name() {
        return "syslog:" + target;
    }

    /** UDP messages cut to fit a datagram. */
    public long truncated() {
        return truncated.get();
    }

    /** One syslog message (without framing) for {@code e}, numbered {@code sequenceId}. */
    byte[] message(AuditEvent e, int sequenceId) throws IOException {
        ObjectNode ocsf = mapper.map(e);
        int severity = switch (ocsf.path("severity_id").asInt(1)) {
            case 2 -> 5;
            case 3 -> 4;
            case 4 -> 3;
            case 5 -> 2;
            case 6 -> 1;
            default -> 6;
        };
        String header = "<" + (FACILITY_LOG_AUDIT * 8 + severity) + ">1 " + ExportContext.MICROS.format(e.time()) + " " + hostname
                + " kalaja - " + msgId(ocsf.path("class_uid").asInt()) + " [meta sequenceId=\"" + sequenceId + "\"] ";
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        m.writeBytes(BOM);
        m.writeBytes(ExportContext.JSON.writeValueAsBytes(ocsf));
        return m.toByteArray();
    }

    static String msgId(int classUid) {
        return switch (classUid) {
            case 6003 -> "API_ACTIVITY";
            case 3002 -> "AUTHENTICATION";
            case 3001 -> "ACCOUNT_CHANGE";
            case 3004 -> "ENTITY_MGMT";
            case 6005 -> "DATASTORE";
            case 2004 -> "DETECTION";
            case 2005 -> "INCIDENT";
            default -> "-";
        };
    }

    @Override
    public void send(List<AuditEvent> events) throws IOException {
        int first = sequence;
        try {
            if (target.getScheme().equals("udp")) sendDatagrams(events);
            else sendStream(events);
        } catch (IOException e) {
            sequence = first; // the retry sends the same messages, with the same numbers
            disconnect();
            throw e;
        }
    }

    private int nextSequence() {
        sequence = sequence == Integer.MAX_VALUE ? 1 : sequence + 1;
        return sequence;
    }

    private void sendStream(List<AuditEvent> events) throws IOException {
        if (out == null) {
            Socket s = target.getScheme().equals("tls")
                    ? SSLSocketFactory.getDefault().createSocket() : new Socket();
            s.connect(new InetSocketAddress(target.getHost(), target.getPort()), 5_000);
            s.setSoTimeout(30_000);
            socket = s;
            out = s.getOutputStream();
        }
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (AuditEvent e : events) {
            byte[] msg = message(e, nextSequence());
            frames.writeBytes((msg.length + " ").getBytes(StandardCharsets.US_ASCII));
            frames.writeBytes(msg);
        }
        frames.writeTo(out);
        out.flush();
    }

    private void sendDatagrams(List<AuditEvent> events) throws IOException {
        if (udp == null) udp = new DatagramSocket();
        InetSocketAddress to = new InetSocketAddress(target.getHost(), target.getPort());
        for (AuditEvent e : events) {
            byte[] msg = message(e, nextSequence());
            int n = msg.length;
            if (n > MAX_DATAGRAM) {
                n = MAX_DATAGRAM;
                truncated.incrementAndGet();
            }
            udp.send(new DatagramPacket(msg, n, to));
        }
    }

    private void disconnect() {
        try {
            if (socket != null) socket.close();
        } catch (IOException ignored) {
            // already broken; the next send reconnects
        }
        socket = null;
        out = null;
    }

    @Override
    public void close() {
        disconnect();
        if (udp != null) udp.close();
    }
}
