package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.AgentProcess;
import dev.slm.it.support.Api;
import dev.slm.it.support.Await;
import dev.slm.it.support.TestServer;
import dev.slm.launcher.MicroServer;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rolling rollouts on the real server with six real agents, each deploying a real small service (python3's
 * http.server) that it health-checks and rolls back: batches gated by health, a failing node that stops the rollout
 * (or not, under max_failures), an offline node deferred then skipped, pause and resume, and a server killed with
 * SIGKILL mid-rollout that carries on after its restart. The gates are asserted from the stored timestamps.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutIT {

    static final int NODES = 6;
    static TestServer it;
    static final Map<String, AgentProcess> agents = new LinkedHashMap<>();
    static final Map<String, Path> dirs = new LinkedHashMap<>();
    static String c1;

    @BeforeAll
    static void start() throws Exception {
        it = TestServer.start("rollout-it", r -> {
            r.commit("v1", "app/index.html", "<h1>v1</h1>\n");
            r.commit("health", "app/health.txt", "ok\n");
            // web-4 checks this file: a commit without it fails web-4's health check only
            r.commit("web-4's health", "app/health-web-4.txt", "ok\n");
        });
        assertEquals(200, it.api.put("api/settings/heartbeat_interval_s", it.admin, "{\"value\":\"1\"}").status());
        String key = it.api.get("api/signing-key", null).json().getString("public_key");
        for (int i = 1; i <= NODES; i++) {
            String node = "web-" + i;
            Api.Response registered = it.api.post("api/nodes", it.admin, "{\"node_id\":\"" + node + "\"}");
            assertTrue(registered.header("Location").endsWith("/api/nodes/" + node), registered.header("Location"));
            String token = registered.json().getString("token");
            int port = MicroServer.freePort();
            Path dir = it.work.resolve(node);
            dirs.put(node, dir);
            agents.put(node, AgentProcess.start(dir, it.server.baseUri(), node, token, null, Map.of(
                    "install.dir", "opt",
                    "signing.key", key,
                    "service.controller", "process",
                    "service.start", "python3 -m http.server " + port + " --bind 127.0.0.1",
                    "health.url", "http://127.0.0.1:" + port + "/" + (i == 4 ? "health-web-4.txt" : "health.txt"),
                    // python3 starts in 0.1 s idle, but took over 8 s in CI beside SoakIT's browsers; web-4's failing
                    // check (a 404 until the deadline) keeps a short one, so that its three failures stay cheap
                    "health.deadline.s", i == 4 ? "8" : "30",
                    "keep.releases", "2")));
        }
        c1 = refresh();
        // every node installs c1 for real first (all at once), so that each has a release to roll back to
        Api.Response r = it.api.post("api/fleet/sync", it.admin, "{\"node_ids\":" + ids(1, NODES)
                + ",\"restart_type\":\"immediate\"}");
        assertEquals(202, r.status(), r.toString());
        for (String node : agents.keySet()) {
            Await.until(Duration.ofSeconds(90), () -> node(node), n -> c1.equals(n.getString("code_version", "")));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AgentProcess a : agents.values()) {
            a.close();
        }
        if (it != null) {
            it.close();
        }
    }

    @Test
    @Order(1)
    void batchesStartOnlyAfterThePreviousStayedHealthyAndAnOfflineNodeIsDeferredThenSkipped() throws Exception {
        String c2 = commit("v2", "app/index.html", "<h1>v2</h1>\n");
        agents.get("web-6").kill();
        Await.until(Duration.ofSeconds(30), () -> node("web-6"), n -> !n.getBoolean("online"));

        JsonObject started = rollout("{\"strategy\":\"rolling\",\"node_ids\":" + ids(1, NODES)
                + ",\"batch_size\":2,\"health_check_delay\":5,\"restart_type\":\"immediate\"}");
        long id = started.getJsonNumber("rollout_id").longValue();
        assertEquals(3, started.getInt("batches"));
        assertEquals(List.of(List.of("web-1", "web-2"), List.of("web-3", "web-4"), List.of("web-5", "web-6")),
                batches(started));
        assertEquals(c2, started.getString("target_commit"));

        // while it runs, its nodes are its own: neither a single sync nor a second rollout may take one
        Api.Response single = it.api.post("api/nodes/web-5/sync", it.admin, "{}");
        assertEquals(409, single.status(), single.toString());
        assertTrue(single.json().getString("detail").contains("rollout " + id), single.toString());
        Api.Response second = it.api.post("api/fleet/sync", it.admin, "{\"strategy\":\"rolling\",\"node_ids\":[\"web-5\"]}");
        assertEquals(409, second.status(), second.toString());
        assertTrue(second.json().getString("detail").contains("rollout " + id), second.toString());

        // through its health check delay a node is still the rollout's: a sync of it would fail the batch
        Await.until(Duration.ofSeconds(60), () -> rolloutNow(id), r -> "CHECKING".equals(nodesOf(r).get("web-1").getString("state")));
        Api.Response during = it.api.post("api/nodes/web-1/sync", it.admin, "{\"target_commit\":\"" + c1 + "\"}");
        assertEquals(409, during.status(), during.toString());
        assertTrue(during.json().getString("detail").contains("rollout " + id), during.toString());

        JsonObject done = awaitEnd(id);
        assertEquals("SUCCEEDED", done.getString("status"), done.toString());
        List<JsonObject> batches = done.getJsonArray("batch_list").getValuesAs(JsonObject.class);
        for (int b = 1; b < batches.size(); b++) {
            JsonObject previous = batches.get(b - 1);
            Instant healthyFrom = Instant.parse(previous.getString("settled_at"));
            Instant next = Instant.parse(batches.get(b).getString("started_at"));
            assertFalse(next.isBefore(healthyFrom.plusSeconds(5)),
                    "batch " + (b + 1) + " started " + next + ", before batch " + b + " had been healthy for 5 s (from "
                            + healthyFrom + ")");
            assertFalse(Instant.parse(previous.getString("settled_at")).isBefore(Instant.parse(previous.getString("started_at"))));
        }
        Map<String, JsonObject> nodes = nodesOf(done);
        assertEquals("SKIPPED", nodes.get("web-6").getString("state"), done.toString());
        assertTrue(nodes.get("web-6").getString("detail").contains("offline"), done.toString());
        for (int i = 1; i <= 5; i++) {
            assertEquals("SUCCEEDED", nodes.get("web-" + i).getString("state"), done.toString());
            assertEquals(c2, node("web-" + i).getString("code_version"));
        }
        assertEquals(c1, node("web-6").getString("code_version"), "the offline node was never sent anything");

        agents.put("web-6", AgentProcess.restart(dirs.get("web-6")));
        Await.until(Duration.ofSeconds(30), () -> node("web-6"), n -> n.getBoolean("online"));
    }

    @Test
    @Order(2)
    void aNodeFailingItsHealthCheckStopsTheRolloutWithTheLaterBatchesUntouched() throws Exception {
        it.repo.git("rm", "-q", "app/health-web-4.txt");
        String c3 = commit("v3 without web-4's health file", "app/index.html", "<h1>v3</h1>\n");

        JsonObject started = rollout("{\"strategy\":\"rolling\",\"node_ids\":" + ids(1, NODES)
                + ",\"batch_size\":2,\"restart_type\":\"immediate\"}");
        long id = started.getJsonNumber("rollout_id").longValue();
        JsonObject done = awaitEnd(id);
        assertEquals("FAILED", done.getString("status"), done.toString());
        assertTrue(done.getString("reason").contains("web-4"), done.getString("reason"));
        Map<String, JsonObject> nodes = nodesOf(done);
        assertEquals("FAILED", nodes.get("web-4").getString("state"));
        assertTrue(nodes.get("web-4").getString("detail").startsWith("ROLLED_BACK"), nodes.get("web-4").toString());
        assertEquals("NOT_REACHED", nodes.get("web-5").getString("state"));
        assertEquals("NOT_REACHED", nodes.get("web-6").getString("state"));
        assertFalse(has(nodes.get("web-5"), "operation_id"), "batch 3 was never sent");
        assertFalse(has(nodes.get("web-6"), "operation_id"), "batch 3 was never sent");
        assertEquals(c3, node("web-3").getString("code_version"));
        assertFalse(c3.equals(node("web-4").getString("code_version")), "web-4 rolled itself back");
        assertFalse(c3.equals(node("web-5").getString("code_version")));

        // with max_failures 2, one failure is not enough to stop it: the rest goes on
        JsonObject again = rollout("{\"strategy\":\"rolling\",\"node_ids\":[\"web-4\",\"web-5\",\"web-6\"]"
                + ",\"batch_size\":2,\"max_failures\":2,\"restart_type\":\"immediate\"}");
        JsonObject end = awaitEnd(again.getJsonNumber("rollout_id").longValue());
        assertEquals("COMPLETED_WITH_FAILURES", end.getString("status"), end.toString());
        Map<String, JsonObject> second = nodesOf(end);
        assertEquals("FAILED", second.get("web-4").getString("state"));
        assertEquals("SUCCEEDED", second.get("web-5").getString("state"));
        assertEquals("SUCCEEDED", second.get("web-6").getString("state"));
        assertEquals(c3, node("web-6").getString("code_version"));
    }

    @Test
    @Order(3)
    void aPausedRolloutStartsNoBatchAndAServerKilledMidRolloutFinishesItAfterItsRestart() throws Exception {
        String c4 = commit("v4 with web-4's health file again", "app/health-web-4.txt", "ok again\n");
        JsonObject started = rollout("{\"strategy\":\"rolling\",\"all_outdated\":true,\"batch_size\":2"
                + ",\"health_check_delay\":6,\"restart_type\":\"immediate\"}");
        long id = started.getJsonNumber("rollout_id").longValue();
        assertEquals(3, started.getInt("batches"));
        Await.until(Duration.ofSeconds(30), () -> rolloutNow(id), r -> r.getInt("batch") == 1);
        Api.Response paused = it.api.post("api/rollouts/" + id + "/pause", it.admin, null);
        assertEquals(200, paused.status(), paused.toString());
        assertEquals("PAUSED", paused.json().getString("status"));
        // batch 1 finishes and stays healthy, and still batch 2 does not start
        JsonObject whilePaused = Await.until(Duration.ofSeconds(60), () -> rolloutNow(id),
                r -> !batches(r).isEmpty() && has(r.getJsonArray("batch_list").getJsonObject(0), "settled_at")
                        && nodesOf(r).values().stream().noneMatch(n -> n.getString("state").equals("SYNCING")));
        assertEquals(1, whilePaused.getInt("batch"));
        assertEquals("PAUSED", whilePaused.getString("status"));
        assertEquals(409, it.api.post("api/rollouts/" + id + "/pause", it.admin, null).status(), "paused already");
        assertEquals(200, it.api.post("api/rollouts/" + id + "/resume", it.admin, null).status());

        // killed while batch 2 is on the target and waits out its delay: after the restart every node's last report is
        // as old as the downtime, which must not fail them "offline during the health check delay"
        Await.until(Duration.ofSeconds(90), () -> rolloutNow(id), r -> r.getInt("batch") == 2 && r.getJsonArray("batch_list")
                .getJsonObject(1).getJsonArray("nodes").getValuesAs(JsonObject.class).stream()
                .anyMatch(n -> n.getString("state").equals("CHECKING")));
        it.killAndRestart();
        JsonObject done = awaitEnd(id);
        assertEquals("SUCCEEDED", done.getString("status"), done.toString());
        for (String node : agents.keySet()) {
            assertEquals(c4, node(node).getString("code_version"), node + " on the target: " + done);
        }
        assertEquals(409, it.api.post("api/rollouts/" + id + "/abort", it.admin, null).status(), "ended already");
    }

    @Test
    @Order(4)
    void aRolloutBackToThePreviousCommitActivatesTheReleasesKeptOnTheNodesWithoutADownload() throws Exception {
        String c4 = it.repo.head();
        String c3 = it.repo.git("rev-parse", "HEAD~1").trim();
        // web-4 failed c3's health check twice: it stays out of the way back
        List<String> back = List.of("web-1", "web-2", "web-3", "web-5", "web-6");
        Map<String, Long> logSizes = new LinkedHashMap<>();
        for (String node : back) {
            assertEquals(c4, node(node).getString("code_version"));
            assertTrue(node(node).getJsonArray("releases").toString().contains(c3), node + " keeps c3: " + node(node));
            logSizes.put(node, java.nio.file.Files.size(dirs.get(node).resolve("agent.log")));
        }
        JsonObject started = rollout("{\"strategy\":\"rolling\",\"node_ids\":[" + back.stream().map(n -> "\"" + n + "\"")
                .collect(Collectors.joining(",")) + "],\"batch_size\":\"50%\",\"target_commit\":\"" + c3
                + "\",\"restart_type\":\"immediate\"}");
        assertEquals(3, started.getJsonObject("options").getInt("batch_size"), "50% of 5, rounded up");
        JsonObject done = awaitEnd(started.getJsonNumber("rollout_id").longValue());
        assertEquals("SUCCEEDED", done.getString("status"), done.toString());
        for (String node : back) {
            assertEquals(c3, node(node).getString("code_version"), node);
            String log = java.nio.file.Files.readString(dirs.get(node).resolve("agent.log")).substring(logSizes.get(node).intValue());
            assertTrue(log.contains("the release of " + c3 + " is kept on this node: activated without a download"), node + ": " + log);
            assertFalse(log.contains("resuming the download"), log);
        }
    }

    @Test
    @Order(5)
    void aPinnedFleetStaysRolledBackWhenANewCommitArrivesAndFollowsTheTipOnceUnpinned() throws Exception {
        String c3 = it.repo.git("rev-parse", "HEAD~1").trim();
        String c4 = it.repo.head();
        assertEquals(400, it.api.put("api/updates/pin", it.admin, "{\"commit\":\"" + "e".repeat(40) + "\"}").status(),
                "not a commit of the branch");
        assertEquals(409, it.api.delete("api/updates/pin", it.admin).status(), "nothing is pinned");
        assertEquals(400, it.api.post("api/fleet/sync", it.admin, "{\"all_outdated\":true,\"pin\":true}").status(),
                "a pin needs its commit");

        Api.Response pinned = it.api.put("api/updates/pin", it.admin, "{\"commit\":\"" + c3 + "\",\"reason\":\"c4 is bad\"}");
        assertEquals(200, pinned.status(), pinned.toString());
        assertEquals(c3, pinned.json().getString("desired_commit"));
        assertEquals("admin", pinned.json().getString("pinned_by"));
        assertEquals("c4 is bad", pinned.json().getString("pin_reason"));
        for (String node : List.of("web-1", "web-2", "web-3", "web-5", "web-6")) {
            Await.until(Duration.ofSeconds(10), () -> node(node), n -> "UP_TO_DATE".equals(n.getString("code_status")));
        }
        assertFalse("UP_TO_DATE".equals(node("web-4").getString("code_status")), "web-4 runs c4, past the pin");

        // a new commit pushed and fetched changes nobody's status: the fleet is held at c3
        String c5 = commit("v5", "app/index.html", "<h1>v5</h1>\n");
        assertEquals(c3, it.api.get("api/updates/status", it.admin).json().getString("desired_commit"));
        for (String node : List.of("web-1", "web-2", "web-3", "web-5", "web-6")) {
            assertEquals("UP_TO_DATE", node(node).getString("code_status"), node);
        }
        // "sync all outdated" sends the pinned commit (to web-4, whose health check c3 fails: it rolls back again)
        Api.Response all = it.api.post("api/fleet/sync", it.admin, "{\"all_outdated\":true,\"restart_type\":\"immediate\"}");
        assertEquals(202, all.status(), all.toString());
        List<String> sent = all.array().getValuesAs(JsonObject.class).stream().filter(o -> o.getString("result").equals("created"))
                .map(o -> o.getString("node_id")).toList();
        assertEquals(List.of("web-4"), sent, all.toString());
        long op = all.array().getJsonObject(0).getJsonNumber("operation_id").longValue();
        JsonObject ended = Await.until(Duration.ofSeconds(60), () -> it.api.get("api/operations/" + op, it.admin).json(),
                o -> List.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "TIMED_OUT").contains(o.getString("status")));
        assertEquals(c3, ended.getString("target_commit"), "the pinned commit was sent, not the tip");

        Api.Response unpinned = it.api.delete("api/updates/pin", it.admin);
        assertEquals(200, unpinned.status(), unpinned.toString());
        assertEquals(c5, unpinned.json().getString("desired_commit"));
        for (String node : agents.keySet()) {
            Await.until(Duration.ofSeconds(10), () -> node(node), n -> "OUTDATED".equals(n.getString("code_status")));
        }
        assertFalse(c4.equals(c5));
    }

    // ---- helpers ----

    static String refresh() throws Exception {
        return it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version");
    }

    static String commit(String message, String path, String content) throws Exception {
        String c = it.repo.commit(message, path, content);
        assertEquals(c, refresh());
        return c;
    }

    static JsonObject rollout(String body) throws Exception {
        Api.Response r = it.api.post("api/fleet/sync", it.admin, body);
        assertEquals(201, r.status(), r.toString());
        long id = r.json().getJsonNumber("rollout_id").longValue();
        assertNotNull(r.header("Location"));
        assertTrue(r.header("Location").endsWith("/api/rollouts/" + id), r.header("Location"));
        assertEquals(200, it.api.get(r.header("Location").replaceFirst("^https?://[^/]+/", ""), it.admin).status());
        return r.json();
    }

    static JsonObject rolloutNow(long id) throws Exception {
        return it.api.get("api/rollouts/" + id, it.admin).json();
    }

    static JsonObject awaitEnd(long id) throws Exception {
        return Await.until(Duration.ofSeconds(150), () -> rolloutNow(id), r -> has(r, "ended_at")
                && nodesOf(r).values().stream().noneMatch(n -> n.getString("state").equals("SYNCING")));
    }

    static List<List<String>> batches(JsonObject rollout) {
        List<List<String>> out = new ArrayList<>();
        for (JsonValue b : rollout.getJsonArray("batch_list")) {
            out.add(b.asJsonObject().getJsonArray("nodes").getValuesAs(JsonObject.class).stream()
                    .map(n -> n.getString("node_id")).toList());
        }
        return out;
    }

    static Map<String, JsonObject> nodesOf(JsonObject rollout) {
        return rollout.getJsonArray("batch_list").getValuesAs(JsonObject.class).stream()
                .flatMap(b -> b.getJsonArray("nodes").getValuesAs(JsonObject.class).stream())
                .collect(Collectors.toMap(n -> n.getString("node_id"), n -> n, (a, b) -> b, LinkedHashMap::new));
    }

    /** Present and not null: the API writes absent values as null. */
    static boolean has(JsonObject o, String key) {
        return o.containsKey(key) && !o.isNull(key);
    }

    static JsonObject node(String id) throws Exception {
        return it.api.get("api/nodes/" + id, it.admin).json();
    }

    static String ids(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            ids.add("\"web-" + i + "\"");
        }
        return "[" + String.join(",", ids) + "]";
    }
}
