package dev.slm.launcher;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The SLM server on Payara Micro, as a child JVM: {@code java -jar payara-micro.jar --deploy ROOT.war}. */
public final class MicroServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final StartWatch watch;

    private MicroServer(Process process, int port, StartWatch watch) {
        this.process = process;
        this.port = port;
        this.watch = watch;
    }

    /** The asadmin dotted name and value that switch HTTP/2 off on Payara Micro's listener. */
    public static final String HTTP2_OFF =
            "configs.config.server-config.network-config.protocols.protocol.http-listener.http.http2-enabled=false";

    /**
     * @param bindAddress the address the HTTP listener binds ({@code 0.0.0.0}: every interface)
     * @param heapMiB     the server's maximum heap
     * @param jvmOptions  more options for the server's JVM, after the heap's (SLM_JAVA_OPTIONS)
     * @param environment the {@code SLM_*} settings for the server
     * @param log         where the server's output goes; null for this process's standard output, watched for a
     *                    failed deployment (see {@link #awaitReady})
     */
    public static MicroServer start(Path payaraMicroJar, Path war, String bindAddress, int port, long heapMiB,
                                    List<String> jvmOptions, Path workDir, Map<String, String> environment, Path log)
            throws IOException {
        Files.createDirectories(workDir);
        // Payara Micro redeploys what it finds in a reused root directory, and serves 503 while it does: start clean
        Path root = workDir.resolve("payara-micro");
        deleteRecursively(root);
        // before the boot: set after it, the listener's address restarts a listener that is starting, and now and then
        // (twice in full runs) it never serves ("GrizzlyProxy is NULL")
        Path preBoot = workDir.resolve("pre-boot.asadmin");
        // Payara's own MicroProfile endpoints (/metrics, /openapi, /health) would answer on the application's port
        // without a login, telling anyone the server's internals: SLM has its own /api/health. Metrics can only be
        // switched off after the boot (before it, the command fails: its service starts later)
        // HTTP/2 off (Payara's default is on, cleartext upgrade and prior knowledge both): the server speaks HTTP/1.1
        // to its clients and proxies, and Grizzly's HTTP/2 kept every stream that carried a body for as long as its
        // connection lived — anyone's: 5,000 POSTs to /api/health on one connection left 5,000 streams in the heap —
        // and wrote a warning per unknown frame and a stack per malformed one. An "Upgrade: h2c" is answered in HTTP/1.1
        Files.writeString(preBoot, "set configs.config.server-config.network-config.network-listeners"
                + ".network-listener.http-listener.address=" + bindAddress + "\n"
                + "set " + HTTP2_OFF + "\n"
                + "set-openapi-configuration --enabled=false\n"
                + "set-microprofile-healthcheck-configuration --enabled=false\n");
        Path postBoot = workDir.resolve("post-boot.asadmin");
        Files.writeString(postBoot, "set-metrics-configuration --enabled=false\n");
        // --nohazelcast, not --nocluster: with --nocluster Payara Micro still opens its data grid's port 6900 on every
        // interface (seen with ss -ltnp). The server needs none of it: one instance, non-persistent timers, sessions in
        // memory. What is left open is the HTTP port, on bindAddress.
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heapMiB + "m", "-Djava.io.tmpdir=" + workDir.toAbsolutePath()));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-jar", payaraMicroJar.toString(),
                "--deploy", war.toString(),
                "--contextroot", "/",
                "--port", Integer.toString(port),
                "--nohazelcast",
                "--prebootcommandfile", preBoot.toAbsolutePath().toString(),
                "--postbootcommandfile", postBoot.toAbsolutePath().toString(),
                "--rootdir", root.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = new HashMap<>(environment);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        Process process = pb.start();
        Files.writeString(workDir.resolve(PID_FILE), Long.toString(process.pid()));
        StartWatch watch = null;
        if (log == null) {
            watch = new StartWatch();
            watch.follow(process.getInputStream(), System.out);
        }
        return new MicroServer(process, port, watch);
    }

    /**
     * Waits until {@code /api/health} answers 200; fails early if the process dies or, when its output is watched, as
     * soon as Payara Micro reports that the application failed to start (it then runs on, serving nothing).
     */
    public MicroServer awaitReady(Duration timeout) throws IOException, InterruptedException {
        awaitHealthy(process, baseUri(), timeout, watch == null ? Optional::empty : watch::failure);
        return this;
    }

    /** Waits until {@code base}/api/health answers 200; fails early if {@code process} (the server or its launcher) dies. */
    public static void awaitHealthy(Process process, URI base, Duration timeout) throws IOException, InterruptedException {
        awaitHealthy(process, base, timeout, Optional::empty);
    }

    private static void awaitHealthy(Process process, URI base, Duration timeout, Supplier<Optional<String>> failure)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(base.resolve("api/health")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with code " + process.exitValue() + " before it was ready");
            }
            Optional<String> failed = failure.get();
            if (failed.isPresent()) {
                throw new IOException(failed.get());
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(300);
        }
        throw new IOException("the server was not ready after " + timeout.toSeconds() + " s");
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public Process process() {
        return process;
    }

    /** Like a crash: SIGKILL, no shutdown hooks. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    private static final String PID_FILE = "payara-micro.pid";

    /**
     * Stops the Payara Micro an earlier run started in {@code workDir} if it still runs: when the run command is
     * killed with SIGKILL its server lives on, holding the port and the database. Only a process whose command
     * line names payara-micro and this directory is touched (a reused pid is left alone).
     */
    public static void stopLeftover(Path workDir) throws IOException, InterruptedException {
        Path pidFile = workDir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> leftover;
        try {
            leftover = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (NumberFormatException e) {
            leftover = Optional.empty();
        }
        String root = workDir.resolve("payara-micro").toAbsolutePath().toString();
        Optional<ProcessHandle> ours = leftover.filter(ProcessHandle::isAlive).filter(p -> p.info().commandLine()
                .map(c -> c.contains("payara-micro") && c.contains(root)).orElse(false));
        if (ours.isPresent()) {
            System.out.println("slm: the server of an earlier run (pid " + ours.get().pid() + ") still runs: stopping it");
            ours.get().destroy();
            if (ours.get().onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).join() == null) {
                ours.get().destroyForcibly();
                ours.get().onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).join();
            }
        }
        Files.deleteIfExists(pidFile);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * A port to start a server on, from 20000–32767: below Linux's ephemeral range (32768–60999), where the local
     * end of every outgoing connection (JDBC, HTTP clients) may take the port between this check and the server's
     * bind — seen once in a full run: "GrizzlyProxy is NULL", a server that never answered.
     */
    public static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(20_000, 32_768);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IOException("no free port found in 20000-32767");
    }
}
