package dev.slm.launcher;

import dev.slm.platform.ServerSettings;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The run command's own settings, each checked before anything starts: a wrong value or a taken port ends the
 * command with one line that says what to change, not a stack trace or a server that waits for minutes.
 */
record LaunchSettings(int port, String bindAddress, Path dataDir, long heapMiB, List<String> javaOptions) {

    /** Why the run command cannot start; printed as one line, exit code 1. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    static LaunchSettings from(Map<String, String> env) throws Refused {
        // the server's own settings too: a bad one failed the server's start minutes later, with whatever cause
        // Payara had logged last ("Broken pipe")
        List<String> problems = ServerSettings.problems(env::get);
        if (!problems.isEmpty()) {
            throw new Refused(String.join("; ", problems));
        }
        return new LaunchSettings(port(env.get("SLM_PORT")), bindAddress(env.get("SLM_BIND")), dataDir(env),
                heapMiB(env.get("SLM_HEAP"), physicalMemoryMiB()), javaOptions(env.get("SLM_JAVA_OPTIONS")));
    }

    /**
     * {@code SLM_JAVA_OPTIONS}: more options for the server's JVM (GC logs, a JIT setting), separated by spaces, each
     * starting with {@code -}. A word that is not an option ({@code -jar x}, a class name, a quoted value with spaces)
     * would become Payara Micro's argument or the JVM's main class: refused here, not as a server that never starts.
     */
    static List<String> javaOptions(String value) throws Refused {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<String> options = List.of(value.trim().split("\\s+"));
        for (String o : options) {
            if (!o.startsWith("-") || o.length() < 2 || o.equals("-jar") || o.startsWith("-cp") || o.startsWith("-classpath")
                    || o.startsWith("--class-path") || o.chars().anyMatch(ch -> ch < 0x20 || ch == '"' || ch == '\'')) {
                throw new Refused("SLM_JAVA_OPTIONS takes JVM options separated by spaces (e.g. -XX:+UseSerialGC "
                        + "-Xlog:gc:gc.log), not '" + o + "'");
            }
        }
        return options;
    }

    /**
     * {@code SLM_HEAP} ({@code 768m}, {@code 2g}, or MiB), by default a quarter of the machine's memory between 512 MiB
     * and 2 GiB: 512 MiB holds the server with a thousand nodes and a few dozen browsers; more is room for the
     * browsers an operator forgets, not a need (issue 10's soak gives the figures).
     */
    static long heapMiB(String value, long physicalMiB) throws Refused {
        if (value == null || value.isBlank()) {
            return Math.max(512, Math.min(2048, physicalMiB / 4));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,7})([mMgG]?)").matcher(value.trim());
        if (m.matches()) {
            long mib = Long.parseLong(m.group(1)) * (m.group(2).equalsIgnoreCase("g") ? 1024 : 1);
            if (mib >= 256 && mib <= physicalMiB) {
                return mib;
            }
        }
        throw new Refused("SLM_HEAP must be a heap size from 256m to this machine's " + physicalMiB
                + "m (e.g. 1g or 768m), not '" + value + "'");
    }

    private static long physicalMemoryMiB() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize() / (1024 * 1024);
    }

    static int port(String value) throws Refused {
        if (value == null || value.isBlank()) {
            return 8080;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new Refused("SLM_PORT must be a port number from 1 to 65535, not '" + value + "'");
    }

    /**
     * An IP address of this machine ({@code localhost} is taken for 127.0.0.1); {@code 0.0.0.0} (every interface)
     * when unset, as before. Host names are not looked up: a bind address that depends on DNS at start is a trap.
     */
    static String bindAddress(String value) throws Refused {
        if (value == null || value.isBlank()) {
            return "0.0.0.0";
        }
        String v = value.trim();
        if (v.equalsIgnoreCase("localhost")) {
            return "127.0.0.1";
        }
        if (!v.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new Refused("SLM_BIND must be an IP address of this machine (e.g. 127.0.0.1), not '" + value + "'");
        }
        try {
            InetAddress address = InetAddress.getByName(v); // a literal: no lookup
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(address, 0));
            }
            return address.getHostAddress();
        } catch (IOException e) {
            throw new Refused("SLM_BIND " + value + " is not an address of this machine (" + e.getMessage() + ")");
        }
    }

    /** {@code SLM_DATA_DIR}, or {@code $HOME/.slm}: the home the README's "~" means (Java's user.home may differ). */
    static Path dataDir(Map<String, String> env) {
        String configured = env.get("SLM_DATA_DIR");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        String home = env.get("HOME");
        return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home, ".slm").toAbsolutePath();
    }

    /**
     * The port must be free on the bind address. Checked by binding it (what Payara would do) so that anything
     * holding it counts; when it is taken, asking it for {@code /api/health} tells whether it is another SLM server.
     */
    void requirePortFree() throws Refused {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // a port in TIME_WAIT is free for Payara too; a listening one is not
            probe.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port));
        } catch (BindException e) {
            throw new Refused("port " + port + " is in use" + (answersHealth() ? " by a server that answers "
                    + "/api/health (another SLM server?)" : "") + ": stop what runs there or set SLM_PORT");
        } catch (IOException e) {
            throw new Refused("cannot listen on " + bindAddress + ":" + port + ": " + e.getMessage());
        }
    }

    private boolean answersHealth() {
        try {
            // only for the message: a server answers its health check in milliseconds
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
