package org.kalaja.sentinel.export;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.kalaja.sentinel.AuditEvent;

/**
 * Newline-delimited JSON, one OCSF or ECS event per line, appended to a file (forced to disk before
 * {@link #send} returns) or written to standard output ({@code --audit-out -}).
 */
public final class FileSink implements Sink {
    /** Which schema the lines follow. */
    public enum Format { OCSF, ECS }

    private final String name;
    private final Function<AuditEvent, ObjectNode> mapper;
    private final @Nullable FileChannel file;
    private final @Nullable OutputStream stdout;

    private FileSink(String name, Function<AuditEvent, ObjectNode> mapper, @Nullable FileChannel file, @Nullable OutputStream stdout) {
        this.name = name;
        this.mapper = mapper;
        this.file = file;
        this.stdout = stdout;
    }

    /** Appends to {@code file}, creating it; {@code "-"} means standard output. */
    public static FileSink open(String file, Format format, ExportContext context) throws IOException {
        Function<AuditEvent, ObjectNode> mapper = format == Format.OCSF ? new OcsfMapper(context)::map : new EcsMapper(context)::map;
        String name = "file-" + format.name().toLowerCase(Locale.ROOT) + ":" + file;
        if (file.equals("-")) return new FileSink(name, mapper, null, System.out);
        FileChannel ch = FileChannel.open(Path.of(file), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new FileSink(name, mapper, ch, null);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(List<AuditEvent> events) throws IOException {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        for (AuditEvent e : events) {
            lines.writeBytes(ExportContext.JSON.writeValueAsBytes(mapper.apply(e)));
            lines.write('\n');
        }
        if (file != null) {
            ByteBuffer buf = ByteBuffer.wrap(lines.toByteArray());
            while (buf.hasRemaining()) file.write(buf);
            file.force(false);
        } else if (stdout != null) {
            lines.writeTo(stdout);
            stdout.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (file != null) file.close();
    }
}
