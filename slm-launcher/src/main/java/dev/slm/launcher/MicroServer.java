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

    /**
     * @param environment the {@code SLM_*} settings for the server
     * @param log         where the server's output goes; null for this process's standard output, watched for a
     *                    failed deployment (see {@link #awaitReady})
     */
    public static MicroServer start(Path payaraMicroJar, Path war, int port, Path workDir,
                                    Map<String, String> environment, Path log) throws IOException {
        Files.createDirectories(workDir);
        // Payara Micro redeploys what it finds in a reused root directory, and serves 503 while it does: start clean
        Path root = workDir.resolve("payara-micro");
        deleteRecursively(root);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.io.tmpdir=" + workDir.toAbsolutePath(),
                "-jar", payaraMicroJar.toString(),
                "--deploy", war.toString(),
                "--contextroot", "/",
                "--port", Integer.toString(port),
                "--nocluster",
                "--rootdir", root.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = new HashMap<>(environment);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        Process process = pb.start();
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

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
