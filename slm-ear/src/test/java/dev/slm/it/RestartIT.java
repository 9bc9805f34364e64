package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.Api;
import dev.slm.it.support.Await;
import dev.slm.it.support.ChildProcesses;
import dev.slm.it.support.TestDatabase;
import dev.slm.it.support.TestServer;
import dev.slm.launcher.MicroServer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's run command ({@code java -jar slm-server.jar}) with no database and no git URL configured:
 * it starts an embedded PostgreSQL and a demo repository, and a server killed with SIGKILL comes back with
 * every node, setting, status and sync operation. A server that cannot start ends the command with the cause.
 */
class RestartIT {

    private String token;

    /**
     * The run command and its server killed with SIGKILL leave the embedded PostgreSQL running (and before, the next
     * start failed after a minute with "Gave up waiting"); started again, it stops that leftover and comes back with
     * every node, setting, status and operation. Then its server alone is killed: the run command ends with it.
     */
    @Test
    void aKilledRunCommandStartsAgainWithEveryNodeSettingAndStatus() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "restart-it-").toAbsolutePath();
        int port = MicroServer.freePort();
        Path firstLog = dataDir.resolve("launcher-1.log");
        Process launcher = startLauncher(dataDir, port, firstLog);
        Api api = new Api(URI.create("http://127.0.0.1:" + port + "/"));
        String admin;
        String latest;
        long operation;
        try {
            awaitHealthy(launcher, port);
            String log = Files.readString(firstLog);
            assertTrue(log.contains("starting an embedded PostgreSQL"), log);
            assertTrue(log.contains("tracking the demo repository"), log);
            assertEmbeddedDatabaseAsksForItsPassword(dataDir);
            String password = Files.readString(dataDir.resolve("initial-admin-password")).trim();
            admin = Api.basic("admin", password);
            awaitBanner(firstLog, port);

            latest = api.post("api/updates/refresh", admin, null).json().getString("latest_version");
            assertEquals(40, latest.length());
            String token = api.post("api/nodes", admin, "{\"node_id\":\"survivor\"}").json().getString("token");
            assertEquals(200, api.post("api/nodes/survivor/heartbeat", Api.bearer(token),
                    "{\"code_version\":\"" + latest + "\",\"hostname\":\"s1\"}").status());
            assertEquals(200, api.put("api/settings/heartbeat_interval_s", admin, "{\"value\":\"17\"}").status());
            operation = api.post("api/nodes/survivor/sync", admin, "{\"reinstall\":true}").json().getJsonNumber("operation_id").longValue();
            this.token = token;

            ProcessHandle payara = payaraOf(launcher);
            assertTrue(payara.info().commandLine().orElse("").contains(" -XX:TieredStopAtLevel=1 "),
                    "SLM_JAVA_OPTIONS reach the server's JVM: " + payara.info().commandLine());
            launcher.destroyForcibly().waitFor();
            payara.destroyForcibly();
            payara.onExit().get(30, TimeUnit.SECONDS);
            long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
            assertTrue(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false),
                    "the embedded PostgreSQL outlives a killed run command");
        } finally {
            stop(launcher);
        }

        Process again = startLauncher(dataDir, port, dataDir.resolve("launcher-2.log"));
        try {
            awaitHealthy(again, port);
            JsonObject node = api.get("api/nodes/survivor", admin).json();
            assertEquals(latest, node.getString("code_version"));
            assertEquals("UP_TO_DATE", node.getString("code_status"));
            assertEquals("s1", node.getString("hostname"));
            assertEquals(latest, api.get("api/updates/status", admin).json().getString("latest_version"));
            assertTrue(api.get("api/settings", admin).array().stream().map(v -> v.asJsonObject())
                    .anyMatch(s -> s.getString("name").equals("heartbeat_interval_s") && s.getString("value").equals("17")));
            // the sync in flight survived, still blocks a second one, and ends with the agent's next report
            assertEquals("PENDING", api.get("api/operations/" + operation, admin).json().getString("status"));
            assertEquals(409, api.post("api/nodes/survivor/sync", admin, "{}").status());
            // (a reinstall of the commit it runs: it ends once its agent has worked on it and is idle again)
            assertEquals(200, api.post("api/nodes/survivor/heartbeat", Api.bearer(token),
                    "{\"code_version\":\"" + latest + "\",\"hostname\":\"s1\",\"state\":\"IDLE\"}").status());
            assertEquals("SENT", api.get("api/operations/" + operation, admin).json().getString("status"));
            assertEquals(200, api.post("api/nodes/survivor/operations/" + operation + "/progress", Api.bearer(token),
                    "{\"stage\":\"HEALTH_CHECK\"}").status());
            assertEquals(200, api.post("api/nodes/survivor/heartbeat", Api.bearer(token),
                    "{\"code_version\":\"" + latest + "\",\"hostname\":\"s1\",\"state\":\"IDLE\"}").status());
            assertEquals("SUCCEEDED", api.get("api/operations/" + operation, admin).json().getString("status"));
            assertTrue(Files.readString(dataDir.resolve("launcher-2.log")).contains("a PostgreSQL left by an earlier run"));

            payaraOf(again).destroyForcibly();
            assertTrue(again.waitFor(60, TimeUnit.SECONDS), "the launcher did not end with its server");
        } finally {
            stop(again);
        }
    }

    /** Before: a taken port was found by Payara after its start; a wrong SLM_PORT was a NumberFormatException. */
    @Test
    void aTakenPortOrAWrongSettingEndsTheRunCommandAtOnceWithOneLine() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "settings-it-").toAbsolutePath();
        com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/api/health", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        other.start();
        try {
            int taken = other.getAddress().getPort();
            assertRefused(dataDir, Map.of("SLM_PORT", Integer.toString(taken)),
                    "slm: port " + taken + " is in use by a server that answers /api/health (another SLM server?)");
            assertRefused(dataDir, Map.of("SLM_PORT", "eighty"),
                    "slm: SLM_PORT must be a port number from 1 to 65535, not 'eighty'");
            assertRefused(dataDir, Map.of("SLM_PORT", "70000"),
                    "slm: SLM_PORT must be a port number from 1 to 65535, not '70000'");
            assertRefused(dataDir, Map.of("SLM_BIND", "192.0.2.7"), "slm: SLM_BIND 192.0.2.7 is not an address of this machine");
            // settings the server reads: before, the server failed its start and the summary said "Broken pipe"
            assertRefused(dataDir, Map.of("SLM_FETCH_INTERVAL", "soon"),
                    "slm: SLM_FETCH_INTERVAL must be a positive duration such as 30s, 5m, 1h or PT5M, not 'soon'");
            // in form but out of range: before, the server started and every page failed (its Vaadin servlet could
            // not start); then the server refused it at its start, a minute later
            assertRefused(dataDir, Map.of("SLM_UI_GONE_AFTER", "100000h"), "slm: SLM_UI_GONE_AFTER must be a duration"
                    + " from 1 s to 24 h (e.g. 30s, 5m, 1h or PT5M), not '100000h'");
            assertRefused(dataDir, Map.of("SLM_GIT_URL", "htps://example.com/repo.git"),
                    "slm: SLM_GIT_URL must be an https://, ssh://, git:// or file:// URL or a local path, not "
                            + "'htps://example.com/repo.git'");
        } finally {
            other.stop(0);
        }
    }

    private static void assertRefused(Path dataDir, Map<String, String> settings, String line) throws Exception {
        Path log = Files.createTempFile(dataDir, "launcher", ".log");
        Process launcher = startLauncher(dataDir, MicroServer.freePort(), log, settings);
        try {
            assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the run command is still running");
            assertEquals(1, launcher.exitValue());
            String text = Files.readString(log);
            assertTrue(text.contains(line), text);
            assertFalse(text.contains("Exception"), "one line, not a stack trace: " + text);
            assertFalse(Files.exists(dataDir.resolve("postgres")), "nothing was started");
        } finally {
            stop(launcher);
        }
    }

    /** A start that fails (here: the configured admin password is too short) ends the command with the cause. */
    @Test
    void aServerThatCannotStartEndsTheRunCommandWithTheCause() throws Exception {
        // before: it waited its whole 3 minutes for a health check that never came
        failedStart("failed-start-it-", "SLM_ADMIN_PASSWORD", "too-short", (launcher, text) -> {
            assertTrue(text.contains("slm: the SLM server did not start: the application failed to start: "
                    + "dev.slm.platform.InvalidInput: password must have at least 12 characters"), text);
            assertTrue(launcher.toHandle().descendants().noneMatch(ProcessHandle::isAlive), "a child outlived it");
        });
    }

    /** What a failed start leaves to check: the run command (ended) and everything it printed. */
    private interface FailedStart {
        void check(Process launcher, String output) throws Exception;
    }

    /** Runs the command with one setting more, which must end it with exit code 1 within 90 s; then {@code check}. */
    private static void failedStart(String dirPrefix, String name, String value, FailedStart check) throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), dirPrefix).toAbsolutePath();
        Path log = dataDir.resolve("launcher.log");
        try (TestDatabase db = TestDatabase.create()) {
            Map<String, String> settings = new HashMap<>(db.serverEnvironment());
            settings.put(name, value);
            Process launcher = startLauncher(dataDir, MicroServer.freePort(), log, settings);
            try {
                assertTrue(launcher.waitFor(90, TimeUnit.SECONDS), "the launcher is still running");
                assertEquals(1, launcher.exitValue());
                check.check(launcher, Files.readString(log));
            } finally {
                stop(launcher);
            }
        }
    }

    private static Process startLauncher(Path dataDir, int port, Path log) throws IOException {
        return startLauncher(dataDir, port, log, Map.of());
    }

    private static Process startLauncher(Path dataDir, int port, Path log, Map<String, String> settings)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", System.getProperty("slm.launcher.jar"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("SLM_"));
        pb.environment().put("SLM_DATA_DIR", dataDir.toString());
        pb.environment().put("SLM_PORT", Integer.toString(port));
        pb.environment().put("SLM_JAVA_OPTIONS", String.join(" ", TestServer.JVM_OPTIONS)); // see there why
        pb.environment().putAll(settings);
        // the run command and its Payara Micro; its PostgreSQL detaches itself (pg_ctl) and is known by its directory
        ChildProcesses.alsoOnExit(() -> ChildProcesses.killNaming(dataDir.resolve("postgres").toString()));
        return pb.start();
    }

    private static void awaitHealthy(Process launcher, int port) throws Exception {
        MicroServer.awaitHealthy(launcher, URI.create("http://127.0.0.1:" + port + "/"), Duration.ofMinutes(3));
    }

    /** The startup log ends with the URL to open and how to log in. */
    private static void awaitBanner(Path log, int port) throws Exception {
        String text = Await.until(Duration.ofSeconds(20), () -> Files.readString(log), t -> t.contains("log in as 'admin'"));
        assertTrue(text.contains("open http://127.0.0.1:" + port + "/"), text);
    }

    /** Before: zonky's initdb trusted every local connection to the fleet's database. */
    private static void assertEmbeddedDatabaseAsksForItsPassword(Path dataDir) throws Exception {
        Path passwordFile = dataDir.resolve("postgres.password");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(passwordFile)));
        int port = Integer.parseInt(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(3).trim());
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        java.sql.SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                () -> java.sql.DriverManager.getConnection(url, "postgres", "").close());
        assertTrue(refused.getMessage().contains("password"), refused.getMessage());
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "postgres",
                Files.readString(passwordFile).trim())) {
            assertTrue(c.isValid(5));
        }
    }

    private static ProcessHandle payaraOf(Process launcher) {
        List<ProcessHandle> servers = launcher.toHandle().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("payara-micro.jar"))
                .toList();
        assertEquals(1, servers.size(), "expected one Payara Micro child of the launcher");
        return servers.get(0);
    }

    private static void stop(Process launcher) throws InterruptedException {
        if (launcher.isAlive()) {
            launcher.destroy();
            if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                launcher.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly().waitFor();
            }
        }
    }
}
