package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.AgentProcess;
import dev.slm.it.support.Api;
import dev.slm.it.support.Await;
import dev.slm.it.support.TestServer;
import dev.slm.launcher.MicroServer;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end: the real server, a real agent process, and a real small service (python3's http.server) that the agent
 * deploys, restarts, checks and rolls back. One test, in the order an operator lives it.
 */
class DeployIT {

    static TestServer it;
    static AgentProcess agent;
    static Path agentDir;
    static int servicePort;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        it = TestServer.start("deploy-it", r -> {
            r.commit("v1", "app/index.html", "<h1>v1</h1>\n");
            r.commit("health", "app/health.txt", "ok\n");
            r.commit("old file", "app/old.txt", "to be deleted\n");
        });
        assertEquals(200, it.api.put("api/settings/heartbeat_interval_s", it.admin, "{\"value\":\"1\"}").status());
        String token = it.api.post("api/nodes", it.admin, "{\"node_id\":\"web-1\"}").json().getString("token");
        String key = it.api.get("api/signing-key", null).json().getString("public_key");
        servicePort = MicroServer.freePort();
        agentDir = it.work.resolve("node");
        agent = AgentProcess.start(agentDir, it.server.baseUri(), "web-1", token, null, Map.of(
                "install.dir", "opt",
                "signing.key", key,
                "service.controller", "process",
                "service.start", "python3 -m http.server " + servicePort + " --bind 127.0.0.1",
                "health.url", "http://127.0.0.1:" + servicePort + "/health.txt",
                "health.deadline.s", "6",
                "drain.timeout.s", "5",
                "keep.releases", "2"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (it != null) {
            it.close();
        }
    }

    @Test
    void syncDeploysRestartsAndChecksHealthAndAFailingReleaseIsRolledBack() throws Exception {
        String v1 = refresh();
        JsonObject first = syncAndWait("{\"restart_type\":\"immediate\"}", "SUCCEEDED");
        assertEquals("<h1>v1</h1>\n", serve("index.html"));
        assertEquals(v1, node().getString("code_version"));
        assertEquals("UP_TO_DATE", node().getString("code_status"));
        List<String> stages = first.getJsonArray("stages").stream()
                .map(v -> v.asJsonObject().getString("stage")).distinct().toList();
        assertEquals(List.of("DOWNLOADING", "APPLYING", "RESTARTING", "HEALTH_CHECK"), stages);
        assertEquals(List.of(".", "health.txt", "index.html", "old.txt", "version.json"), releaseTree());

        it.repo.git("rm", "-q", "app/old.txt");
        String v2 = it.repo.commit("v2", "app/index.html", "<h1>v2</h1>\n");
        assertEquals(v2, refresh());
        assertEquals("OUTDATED", node().getString("code_status"));
        syncAndWait("{\"restart_type\":\"graceful\"}", "SUCCEEDED");
        assertEquals("<h1>v2</h1>\n", serve("index.html"));
        assertEquals("UP_TO_DATE", node().getString("code_status"));
        assertFalse(releaseTree().contains("old.txt"), "files deleted in git are gone on the node");

        it.repo.git("rm", "-q", "app/health.txt");
        String v3 = it.repo.commit("v3 without a health endpoint", "app/index.html", "<h1>v3</h1>\n");
        assertEquals(v3, refresh());
        JsonObject rolledBack = syncAndWait("{\"restart_type\":\"immediate\"}", "ROLLED_BACK");
        assertTrue(rolledBack.getString("message").contains("health"), rolledBack.toString());
        assertEquals("<h1>v2</h1>\n", serve("index.html"), "the old code serves again");
        assertEquals(v2, node().getString("code_version"));
        assertEquals(v2, Files.readSymbolicLink(agentDir.resolve("opt/current")).getFileName().toString());

        // manual: swap only; the running service keeps the code it started with until someone restarts it
        String v4 = it.repo.commit("v4", "app/health.txt", "ok again\n");
        assertEquals(v4, refresh());
        JsonObject manual = syncAndWait("{\"restart_type\":\"manual\"}", "SUCCEEDED");
        assertEquals(v4, Files.readSymbolicLink(agentDir.resolve("opt/current")).getFileName().toString());
        assertEquals("<h1>v2</h1>\n", serve("index.html"), "not restarted");
        assertTrue(Files.readString(agentDir.resolve("state/version.json")).contains("\"restart_pending\":true"));
        assertTrue(manual.getJsonArray("stages").stream().anyMatch(st -> st.asJsonObject().getString("message", "")
                .contains("restart pending")), manual.toString());
        assertEquals(List.of(), Files.list(agentDir.resolve("opt/releases")).filter(p -> p.getFileName().toString()
                .startsWith(".")).toList(), "no half-extracted release left");
        assertTrue(agent.isAlive());
    }

    static String refresh() throws Exception {
        return it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version");
    }

    static JsonObject syncAndWait(String options, String end) throws Exception {
        // some rounds deploy the commit the node runs again (a reinstall, asked for)
        Api.Response r = it.api.post("api/nodes/web-1/sync", it.admin, options.replaceFirst("\\{", "{\"reinstall\":true,"));
        assertEquals(202, r.status(), r.toString());
        long id = r.json().getJsonNumber("operation_id").longValue();
        JsonObject op = Await.until(Duration.ofSeconds(60), () -> it.api.get("api/operations/" + id, it.admin).json(),
                o -> List.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "TIMED_OUT").contains(o.getString("status")));
        assertEquals(end, op.getString("status"), op + "\n" + Files.readString(agentDir.resolve("agent.log")));
        return op;
    }

    static JsonObject node() throws Exception {
        return it.api.get("api/nodes/web-1", it.admin).json();
    }

    static String serve(String file) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + servicePort + "/" + file)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static List<String> releaseTree() throws Exception {
        Path current = agentDir.resolve("opt/current").toRealPath();
        try (Stream<Path> s = Files.walk(current)) {
            return s.map(p -> current.relativize(p).toString()).map(p -> p.isEmpty() ? "." : p).sorted()
                    .collect(Collectors.toList());
        }
    }
}
