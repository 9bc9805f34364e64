package dev.slm.it.support;

import dev.slm.launcher.MicroServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One real server for a test class: a fresh database, a git repository made in the test (tracked path {@code app},
 * branch {@code main}, no timer fetches: tests refresh), and the WAR on Payara Micro. Its log is {@code server.log}
 * in {@link #work}.
 */
public final class TestServer implements AutoCloseable {

    /**
     * The JIT's first tier only: a test server lives a minute, and the second tier's compiling is a third of its start
     * (Payara Micro ready in 16 s instead of 24 s on the 2-core machine, and less CPU taken from the class running
     * beside it). The run command keeps both tiers: a real server runs for weeks.
     */
    public static final java.util.List<String> JVM_OPTIONS = java.util.List.of("-XX:TieredStopAtLevel=1");

    public final Path work;
    public final TestDatabase db;
    public final GitRepo repo;
    /** Replaced by {@link #killAndRestart()}, on the same port. */
    public volatile MicroServer server;
    private Map<String, String> environment;
    private java.util.List<String> jvmOptions;
    public final Api api;
    public final String admin;
    private final String adminPassword;

    private TestServer(Path work, TestDatabase db, GitRepo repo, MicroServer server, String adminPassword) {
        this.work = work;
        this.db = db;
        this.repo = repo;
        this.server = server;
        this.api = new Api(server.baseUri());
        this.admin = Api.basic("admin", adminPassword);
        this.adminPassword = adminPassword;
    }

    /** For logging in through the web app's form. */
    public String adminPassword() {
        return adminPassword;
    }

    public interface Seed {
        void into(GitRepo repo) throws Exception;
    }

    public static TestServer start(String name, Seed seed) throws Exception {
        return start(name, seed, base -> Map.of());
    }

    /** @param settings more {@code SLM_*} settings, given the URL the server will have */
    public static TestServer start(String name, Seed seed, Function<URI, Map<String, String>> settings) throws Exception {
        return start(name, seed, settings, JVM_OPTIONS);
    }

    /** @param jvmOptions the server JVM's options instead of {@link #JVM_OPTIONS} */
    public static TestServer start(String name, Seed seed, Function<URI, Map<String, String>> settings,
                                   java.util.List<String> jvmOptions) throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), name + "-").toAbsolutePath();
        TestDatabase db = TestDatabase.create();
        GitRepo repo = GitRepo.init(work.resolve("repo"));
        seed.into(repo);
        String password = name + "-admin-password";
        Map<String, String> env = new HashMap<>(db.serverEnvironment());
        env.put("SLM_DATA_DIR", work.resolve("data").toString());
        env.put("SLM_GIT_URL", repo.dir().toString());
        env.put("SLM_GIT_BRANCH", "main");
        env.put("SLM_GIT_PATH", "app");
        env.put("SLM_FETCH_INTERVAL", "1h");
        env.put("SLM_ADMIN_PASSWORD", password);
        ChildProcesses.guard();
        Path log = work.resolve("server.log");
        MicroServer server;
        @SuppressWarnings("unchecked")
        Map<String, String>[] settingsUsed = new Map[1];
        try {
            server = Ports.startOnFreePort(log, port -> {
                Map<String, String> all = new HashMap<>(env);
                all.putAll(settings.apply(URI.create("http://127.0.0.1:" + port + "/")));
                settingsUsed[0] = all;
                MicroServer started = MicroServer.start(Path.of(System.getProperty("slm.micro.jar")),
                        Path.of(System.getProperty("slm.war")), "127.0.0.1", port, 512, jvmOptions, work.resolve("server"),
                        all, log);
                try {
                    return started.awaitReady(Duration.ofMinutes(3));
                } catch (Exception | Error e) {
                    // a server that never became ready would otherwise outlive the test run and slow every later class
                    try (started) {
                        throw e;
                    }
                }
            });
        } catch (Exception | Error e) {
            try (db) {
                throw e;
            }
        }
        TestServer it = new TestServer(work, db, repo, server, password);
        it.environment = settingsUsed[0];
        it.jvmOptions = jvmOptions;
        return it;
    }

    /**
     * A crash and a restart: SIGKILL (no shutdown hook, no transaction finished), then the server started again on the
     * same port, database, data directory and settings, ready when this returns. Agents keep their server URL.
     */
    public void killAndRestart() throws Exception {
        server.kill();
        int port = server.baseUri().getPort();
        MicroServer again = MicroServer.start(Path.of(System.getProperty("slm.micro.jar")),
                Path.of(System.getProperty("slm.war")), "127.0.0.1", port, 512, jvmOptions, work.resolve("server"),
                environment, work.resolve("server.log"));
        try {
            server = again.awaitReady(Duration.ofMinutes(3));
        } catch (Exception | Error e) {
            try (again) {
                throw e;
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            server.close();
        } finally {
            db.close();
        }
    }
}
