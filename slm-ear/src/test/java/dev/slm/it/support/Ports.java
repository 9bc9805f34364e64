package dev.slm.it.support;

import dev.slm.launcher.MicroServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A free port for a server the test starts. Payara Micro binds its port by itself, after {@link MicroServer#freePort}
 * found it free, so another process can take it in between: the server then logs a {@code BindException} and exits
 * (code 0, within seconds). That start is tried again on another port; any other failure is the test's.
 */
public final class Ports {

    static final int ATTEMPTS = 3;
    static final String BIND_FAILED = "java.net.BindException: Address already in use";

    private Ports() {
    }

    public interface Start<T> {
        /** Starts the server on {@code port} and waits until it is ready; stops what it started when it fails. */
        T on(int port) throws Exception;
    }

    /** @param log the file the server writes its output to; only what a failed attempt added to it is read */
    public static <T> T startOnFreePort(Path log, Start<T> start) throws Exception {
        for (int attempt = 1; ; attempt++) {
            long before = Files.exists(log) ? Files.size(log) : 0;
            int port = MicroServer.freePort();
            try {
                return start.on(port);
            } catch (Exception | Error e) {
                if (attempt >= ATTEMPTS || !bindFailed(log, before)) {
                    throw e;
                }
                System.out.println("port " + port + " was taken before the server bound it; starting on another");
            }
        }
    }

    static boolean bindFailed(Path log, long from) throws java.io.IOException {
        if (!Files.exists(log)) {
            return false;
        }
        byte[] all = Files.readAllBytes(log);
        int start = (int) Math.min(from, all.length);
        return new String(all, start, all.length - start, StandardCharsets.UTF_8).contains(BIND_FAILED);
    }
}
