package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.AgentProcess;
import dev.slm.it.support.Api;
import dev.slm.it.support.Await;
import dev.slm.it.support.TestServer;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Graceful and immediate restarts with a real agent and a service that needs two seconds to finish its work when
 * asked to stop (SIGTERM): graceful lets it finish, immediate does not wait for it.
 */
@TestMethodOrder(MethodOrderer.MethodName.class) // the tests commit in turn; each expects the commits before it
class RestartTypesIT {

    static final String SERVICE = String.join("\n",
            "#!/bin/sh",
            "v=$(cat VERSION)",
            "trap 'echo \"draining $v\" >> \"$SERVICE_LOG\"; sleep 2; echo \"drained $v\" >> \"$SERVICE_LOG\"; exit 0' TERM",
            "echo \"started $v\" >> \"$SERVICE_LOG\"",
            "while true; do sleep 1 & wait $!; done", "");

    static TestServer it;
    static AgentProcess agent;
    static Path node;
    static Path serviceLog;

    @BeforeAll
    static void start() throws Exception {
        it = TestServer.start("restart-types-it", r -> {
            r.commit("service", "app/serve.sh", SERVICE);
            r.commit("v1", "app/VERSION", "v1\n");
        });
        assertEquals(200, it.api.put("api/settings/heartbeat_interval_s", it.admin, "{\"value\":\"1\"}").status());
        String token = it.api.post("api/nodes", it.admin, "{\"node_id\":\"worker-1\"}").json().getString("token");
        String key = it.api.get("api/signing-key", null).json().getString("public_key");
        node = it.work.resolve("node");
        serviceLog = node.resolve("service-events.log");
        agent = AgentProcess.start(node, it.server.baseUri(), "worker-1", token, null, Map.of(
                "install.dir", "opt", "signing.key", key, "service.controller", "process",
                "service.start", "env SERVICE_LOG=" + serviceLog + " sh serve.sh", "drain.timeout.s", "10"));
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
    void gracefulLetsTheServiceFinishItsWorkAndImmediateDoesNotWait() throws Exception {
        it.api.post("api/updates/refresh", it.admin, null);
        sync("immediate");
        assertEquals(List.of("started v1"), events());

        it.repo.commit("v2", "app/VERSION", "v2\n");
        it.api.post("api/updates/refresh", it.admin, null);
        sync("graceful");
        assertEquals(List.of("started v1", "draining v1", "drained v1", "started v2"), events());

        it.repo.commit("v3", "app/VERSION", "v3\n");
        it.api.post("api/updates/refresh", it.admin, null);
        sync("immediate");
        List<String> events = events();
        assertEquals(List.of("started v1", "draining v1", "drained v1", "started v2", "draining v2", "started v3"),
                events, "immediate stops without waiting for the work to finish");
    }

    static void sync(String type) throws Exception {
        assertEquals("SUCCEEDED", syncAndWait("worker-1", type, node));
        // the new service writes its first line right after it starts
        Await.until(Duration.ofSeconds(5), RestartTypesIT::events, e -> !e.isEmpty() && e.get(e.size() - 1).startsWith("started"));
    }

    @Test
    void anAgentKilledWithSigkillDuringTheHealthCheckFinishesTheUpdateWhenStartedAgain() throws Exception {
        Path dir = it.work.resolve("node-2");
        Path healthy = dir.resolve("healthy");
        AgentProcess first = serviceNode("worker-2", dir, Map.of("health.command", "test -f " + healthy,
                "health.deadline.s", "60"));
        AgentProcess second = null;
        try {
            String latest = it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version");
            long id = it.api.post("api/nodes/worker-2/sync", it.admin, "{\"restart_type\":\"immediate\",\"reinstall\":true}").json()
                    .getJsonNumber("operation_id").longValue();
            Path state = dir.resolve("state/state.json");
            Await.until(Duration.ofSeconds(30), () -> Files.exists(state) ? Files.readString(state) : "",
                    text -> text.contains("\"stage\":\"HEALTH_CHECK\""));
            first.kill();
            assertTrue(Files.exists(state), "the killed agent left its state behind");

            second = AgentProcess.restart(dir);
            Files.writeString(healthy, "ok");
            JsonObject op = Await.until(Duration.ofSeconds(60), () -> it.api.get("api/operations/" + id, it.admin).json(),
                    o -> List.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "TIMED_OUT").contains(o.getString("status")));
            assertEquals("SUCCEEDED", op.getString("status"), op.toString());
            assertEquals(latest, Files.readSymbolicLink(dir.resolve("opt/current")).getFileName().toString());
            assertTrue(Files.notExists(state));
            assertEquals(1, Files.readAllLines(dir.resolve("events.log")).stream().filter(l -> l.startsWith("started")).count(),
                    "the service was started once, not again by the resumed agent");
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
    }

    @Test
    void gracefulWithADrainCommandAsksTheServiceToFinishBeforeItIsStopped() throws Exception {
        Path dir = it.work.resolve("node-3");
        Path log = dir.resolve("events.log");
        // the drain command runs in the current release and returns once the work is done (here: a second)
        AgentProcess a = serviceNode("worker-3", dir, Map.of("drain.timeout.s", "20", "drain.command",
                "echo \"drain asked of $(cat VERSION)\" >> " + log + "; sleep 1; echo \"work done\" >> " + log));
        try {
            it.api.post("api/updates/refresh", it.admin, null);
            assertEquals("SUCCEEDED", syncAndWait("worker-3", "immediate", dir));
            String label = Files.readString(dir.resolve("opt/current/VERSION")).trim();
            it.repo.commit("v-drain", "app/VERSION", "v-drain\n");
            it.api.post("api/updates/refresh", it.admin, null);
            assertEquals("SUCCEEDED", syncAndWait("worker-3", "graceful", dir));
            Await.until(Duration.ofSeconds(5), () -> Files.readAllLines(log), e -> e.contains("started v-drain"));
            // the drain command first (in the release that runs), then SIGTERM with what is left of the drain time
            assertEquals(List.of("started " + label, "drain asked of " + label, "work done", "draining " + label,
                    "drained " + label, "started v-drain"), Files.readAllLines(log));
        } finally {
            a.close();
        }
    }

    /** A registered node whose agent runs serve.sh as a plain process, logging to {@code dir/events.log}. */
    static AgentProcess serviceNode(String nodeId, Path dir, Map<String, String> extra) throws Exception {
        String token = it.api.post("api/nodes", it.admin, "{\"node_id\":\"" + nodeId + "\"}").json().getString("token");
        String key = it.api.get("api/signing-key", null).json().getString("public_key");
        Map<String, String> config = new java.util.HashMap<>(Map.of("install.dir", "opt", "signing.key", key,
                "service.controller", "process", "service.start", "env SERVICE_LOG=" + dir.resolve("events.log") + " sh serve.sh"));
        config.putAll(extra);
        return AgentProcess.start(dir, it.server.baseUri(), nodeId, token, null, config);
    }

    static String syncAndWait(String nodeId, String type, Path dir) throws Exception {
        // the same commit again, to watch each restart type: a reinstall, asked for
        Api.Response r = it.api.post("api/nodes/" + nodeId + "/sync", it.admin, "{\"restart_type\":\"" + type
                + "\",\"reinstall\":true}");
        assertEquals(202, r.status(), r.toString());
        long id = r.json().getJsonNumber("operation_id").longValue();
        JsonObject op = Await.until(Duration.ofSeconds(60), () -> it.api.get("api/operations/" + id, it.admin).json(),
                o -> List.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "TIMED_OUT").contains(o.getString("status")));
        return op.getString("status") + (op.getString("status").equals("SUCCEEDED") ? ""
                : " " + op + "\n" + Files.readString(dir.resolve("agent.log")));
    }

    static List<String> events() throws Exception {
        return Files.exists(serviceLog) ? Files.readAllLines(serviceLog) : List.of();
    }
}
