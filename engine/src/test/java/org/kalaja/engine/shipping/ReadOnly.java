package org.kalaja.engine.shipping;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Makes a directory tree unwritable, for Kalaja as for root: {@code chattr +i} (immutable) when running
 * as root, whom permission bits do not stop, else {@code chmod -R a-w}.
 */
final class ReadOnly {
    private ReadOnly() {}

    static void set(Path dir, boolean readOnly) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        String[] cmd = root ? new String[] {"chattr", "-R", readOnly ? "+i" : "-i", dir.toString()}
                : new String[] {"chmod", "-R", readOnly ? "a-w" : "u+w", dir.toString()};
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
}
