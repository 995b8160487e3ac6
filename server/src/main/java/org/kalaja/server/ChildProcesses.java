package org.kalaja.server;

import java.util.concurrent.TimeUnit;

/** Ending a {@code kalaja} process this one started (the drill's nodes, end-to-end tests' nodes). */
public final class ChildProcesses {
    private ChildProcesses() {
    }

    /** SIGKILL on POSIX: no shutdown hook runs, as when a wiper destroys the machine or it loses power. */
    public static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** A clean stop (SIGTERM: the node closes its store), then SIGKILL after 30 s. */
    public static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) kill(process);
    }
}
