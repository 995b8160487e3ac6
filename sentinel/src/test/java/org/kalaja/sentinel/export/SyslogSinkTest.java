package org.kalaja.sentinel.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Outcome;

class SyslogSinkTest {
    /** RFC 5424 HEADER SP STRUCTURED-DATA SP BOM MSG, with the fields Kalaja writes. */
    private static final Pattern LINE = Pattern.compile(
            "<(\\d{1,3})>1 (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z) (\\S{1,255}) kalaja - ([A-Z_]{1,32}) \\[meta sequenceId=\"(\\d+)\"] \uFEFF(\\{.*})",
            Pattern.DOTALL);

    private static List<AuditEvent> events() {
        return List.of(MappersTest.event(Action.RECORD_DELETE, Outcome.SUCCESS, "", Map.of()),
                MappersTest.event(Action.AUTH_FAILURE, Outcome.FAILURE, "unknown_token", Map.of()),
                MappersTest.event(Action.FINDING, Outcome.SUCCESS, "", Map.of("kalaja.rule.level", "critical")));
    }

    /** Reads one octet-counted frame: digits, a space, then exactly that many bytes (RFC 6587 §3.4.1). */
    private static String frame(DataInputStream in) throws IOException {
        ByteArrayOutputStream len = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != ' ') {
            assertThat(c).as("MSG-LEN digit").isBetween((int) '0', (int) '9');
            len.write(c);
        }
        byte[] msg = new byte[Integer.parseInt(len.toString(StandardCharsets.US_ASCII))];
        in.readFully(msg);
        return new String(msg, StandardCharsets.UTF_8);
    }

    @Test
    void syslogLineIsRfc5424WithOctetCounting() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SyslogSink sink = new SyslogSink(URI.create("tcp://127.0.0.1:" + server.getLocalPort()), MappersTest.CONTEXT);
            sink.send(events());
            List<String> lines = new ArrayList<>();
            try (Socket s = server.accept(); DataInputStream in = new DataInputStream(s.getInputStream())) {
                for (int i = 0; i < 3; i++) lines.add(frame(in));
            }
            sink.close();
            List<Integer> pri = new ArrayList<>();
            List<String> msgIds = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = LINE.matcher(lines.get(i));
                assertThat(m.matches()).as(lines.get(i)).isTrue();
                pri.add(Integer.parseInt(m.group(1)));
                assertThat(m.group(2)).isEqualTo("2022-07-15T08:30:00.123456Z");
                assertThat(m.group(3)).isEqualTo("node1");
                msgIds.add(m.group(4));
                assertThat(m.group(5)).isEqualTo(Integer.toString(i + 1));
                JsonNode ocsf = new ObjectMapper().readTree(m.group(6));
                assertThat(ocsf.at("/metadata/uid").asText()).isEqualTo("kalaja.example/log:41");
            }
            // facility 13 (log audit) × 8 + severity: informational 6, a failure (OCSF Low) 5, a critical finding 2
            assertThat(pri).containsExactly(110, 109, 106);
            assertThat(msgIds).containsExactly("API_ACTIVITY", "AUTHENTICATION", "DETECTION");
        }
    }

    @Test
    void udpSendsOneMessagePerDatagram() throws Exception {
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            server.setSoTimeout(5000);
            SyslogSink sink = new SyslogSink(URI.create("udp://127.0.0.1:" + server.getLocalPort()), MappersTest.CONTEXT);
            sink.send(events());
            for (int i = 0; i < 3; i++) {
                DatagramPacket p = new DatagramPacket(new byte[SyslogSink.MAX_DATAGRAM + 1], SyslogSink.MAX_DATAGRAM + 1);
                server.receive(p);
                String msg = new String(Arrays.copyOf(p.getData(), p.getLength()), StandardCharsets.UTF_8);
                assertThat(LINE.matcher(msg).matches()).as(msg).isTrue();
            }
            sink.close();
            assertThat(sink.truncated()).isZero();
        }
    }
}
