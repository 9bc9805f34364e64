package dev.slm.it;

import static dev.slm.it.FleetTrackingIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.Api;
import dev.slm.it.support.Await;
import dev.slm.it.support.LiveSocket;
import dev.slm.it.support.TestServer;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sync path on the real server: operations, command delivery, the agent's reports, history and time-outs. */
class SyncIT {

    static TestServer it;
    static String first;
    static String second;

    @BeforeAll
    static void startServer() throws Exception {
        it = TestServer.start("sync-it", r -> { first = r.commit("First version", "app/index.html", "<h1>v1</h1>\n"); });
        second = it.repo.commit("Second version", "app/index.html", "<h1>v2</h1>\n");
        assertEquals(second, it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (it != null) {
            it.close();
        }
    }

    @Test
    void aSyncReachesAnIdleAgentByLongPollAndSucceedsOnlyWhenTheNodeReportsTheTarget() throws Exception {
        String token = registerAt("s-1", first);
        CompletableFuture<Api.Response> poll = CompletableFuture.supplyAsync(() -> Api.unchecked(() ->
                it.api.get("api/nodes/s-1/commands?wait=30", Api.bearer(token))));
        // a poll with nothing to do is held for its wait and answered 204; by then the long one is held too
        Api.Response idle = it.api.get("api/nodes/s-1/commands?wait=1", Api.bearer(token));
        assertEquals(204, idle.status(), idle.toString());
        assertFalse(poll.isDone(), "an agent with nothing to do waits");

        Api.Response created = it.api.post("api/nodes/s-1/sync", it.admin, "{}");
        assertEquals(202, created.status(), created.toString());
        long id = created.json().getJsonNumber("operation_id").longValue();
        assertEquals(first, created.json().getString("from_commit"));
        assertEquals(second, created.json().getString("target_commit"));

        // woken by the sync (or by the once-a-second check for other instances' commands), not by its 30 s ending
        Api.Response delivered = poll.get(20, TimeUnit.SECONDS);
        assertEquals(200, delivered.status(), delivered.toString());
        JsonObject command = delivered.json().getJsonObject("command");
        assertEquals(id, command.getJsonNumber("operation_id").longValue());
        assertEquals(second, command.getString("target_commit"));
        assertEquals("graceful", command.getString("restart"));
        assertEquals(64, command.getString("sha256").length());
        assertFalse(command.getString("signature").isBlank());
        assertEquals("SENT", operation(id).getString("status"));

        Api.Response again = it.api.post("api/nodes/s-1/sync", it.admin, "{\"restart_type\":\"immediate\"}");
        assertProblem(409, again);
        assertEquals(id, again.json().getJsonNumber("operation_id").longValue());

        for (String stage : List.of("DOWNLOADING", "APPLYING", "RESTARTING", "HEALTH_CHECK")) {
            Api.Response r = it.api.post("api/nodes/s-1/operations/" + id + "/progress", Api.bearer(token),
                    "{\"stage\":\"" + stage + "\",\"percent\":50,\"message\":\"" + stage.toLowerCase() + "\"}");
            assertEquals(200, r.status(), r.toString());
            assertEquals(stage, operation(id).getString("status"));
        }
        // still the old commit: not a success yet
        heartbeat("s-1", token, first);
        assertEquals("HEALTH_CHECK", operation(id).getString("status"));
        heartbeat("s-1", token, second);
        JsonObject done = operation(id);
        assertEquals("SUCCEEDED", done.getString("status"));
        assertNotNull(done.getString("finished_at"));
        assertEquals(4, done.getJsonArray("stages").size());

        assertProblem(409, it.api.post("api/nodes/s-1/operations/" + id + "/progress", Api.bearer(token),
                "{\"stage\":\"FAILED\"}"));
        assertTrue(it.api.get("api/updates/history?node=s-1&status=SUCCEEDED", it.admin).array().stream()
                .anyMatch(o -> o.asJsonObject().getJsonNumber("operation_id").longValue() == id));
        assertEquals(0, it.api.get("api/updates/history?node=s-1&from=2999-01-01T00:00:00Z", it.admin).array().size());
        // the node runs the target now: another sync would change nothing, and says so, unless a reinstall is asked for
        Api.Response already = it.api.post("api/nodes/s-1/sync", it.admin, "{}");
        assertProblem(409, already);
        assertTrue(already.json().getString("detail").contains("already runs " + second), already.toString());
        assertEquals(202, it.api.post("api/nodes/s-1/sync", it.admin, "{\"reinstall\":true}").status(),
                "a new sync after the end is allowed");
    }

    /**
     * Issue 13: a role or a single node held at a commit of its own. The tip is {@code second}; the role pin-db is
     * pinned at {@code first} (a rollback that stays), the node p-4 of that role at {@code second} by a pin of its own.
     */
    @Test
    void aRoleOrANodePinnedAtACommitIsMeasuredAgainstItAndSyncedToItUntilUnpinned() throws Exception {
        String t1 = registerAt("p-1", first, "pin-db");
        String t2 = registerAt("p-2", second, "pin-db");
        String t3 = registerAt("p-3", first, "pin-web");
        String t4 = registerAt("p-4", first, "pin-db", "pin-extra");
        assertEquals("OUTDATED", node("p-1").getString("code_status"));
        assertEquals("UP_TO_DATE", node("p-2").getString("code_status"));

        // refused, and nothing pinned: a malformed role, a commit off the branch or malformed, an unknown node
        for (String bad : List.of("{\"role\":\"a,b\",\"commit\":\"" + first + "\"}",
                "{\"role\":\"\",\"commit\":\"" + first + "\"}",
                "{\"role\":\"" + "r".repeat(65) + "\",\"commit\":\"" + first + "\"}",
                "{\"role\":\"pin-db\",\"commit\":\"" + "e".repeat(40) + "\"}",
                "{\"role\":\"pin-db\",\"commit\":\"" + first.toUpperCase() + "\"}",
                "{\"role\":\"pin-db\"}", "{\"commit\":\"" + first + "\"}", "[]", "{\"role\":7,\"commit\":\"" + first + "\"}")) {
            assertProblem(400, it.api.put("api/updates/pins/roles", it.admin, bad));
        }
        assertProblem(404, it.api.put("api/nodes/no-such-node/pin", it.admin, "{\"commit\":\"" + first + "\"}"));
        assertProblem(404, it.api.put("api/nodes/" + "N".repeat(300) + "/pin", it.admin, "{\"commit\":\"" + first + "\"}"));
        assertProblem(404, it.api.delete("api/nodes/p-1/pin", it.admin));
        assertProblem(404, it.api.delete("api/updates/pins/roles?role=pin-db", it.admin));
        assertProblem(400, it.api.delete("api/updates/pins/roles", it.admin));
        assertProblem(400, it.api.delete("api/updates/pins/roles?role=pin-db&role=pin-web", it.admin));
        assertProblem(400, it.api.delete("api/updates/pins/roles?rol=pin-db", it.admin));
        assertTrue(it.api.get("api/updates/pins", it.admin).json().getJsonArray("roles").isEmpty());

        // the role pinned at first: its nodes are measured against first, the others against the tip, live
        try (LiveSocket socket = LiveSocket.open(it)) {
            CompletableFuture<String> heard = socket.next(m -> m.contains("\"fleet.pins_changed\"") && m.contains("\"p-1\""));
            Api.Response pinned = it.api.put("api/updates/pins/roles", it.admin,
                    "{\"role\":\"pin-db\",\"commit\":\"" + first + "\",\"reason\":\"second breaks the database\"}");
            assertEquals(200, pinned.status(), pinned.toString());
            JsonObject rolePin = pinned.json().getJsonArray("roles").getJsonObject(0);
            assertEquals("pin-db", rolePin.getString("subject"));
            assertEquals("admin", rolePin.getString("pinned_by"));
            assertEquals("second breaks the database", rolePin.getString("reason"));
            assertEquals(second, pinned.json().getString("desired_commit"), "the fleet still follows the tip");
            assertTrue(socket.await(heard, Duration.ofSeconds(10)).contains("role pin-db pinned at " + first.substring(0, 7)));
        }
        JsonObject p1 = node("p-1");
        assertEquals("UP_TO_DATE", p1.getString("code_status"), "stored at once, before its next heartbeat");
        assertEquals(first, p1.getString("desired_commit"));
        assertEquals("role", p1.getJsonObject("pin").getString("scope"));
        assertEquals("NOTHING_NEEDED", heartbeatSays("p-1", t1, first, "pin-db"));
        assertEquals("OUTDATED", node("p-3").getString("code_status"), "another role follows the tip");
        assertEquals(second, node("p-3").getString("desired_commit"));
        assertEquals("UPDATE", heartbeatSays("p-3", t3, first, "pin-web"));
        assertFalse("UP_TO_DATE".equals(node("p-2").getString("code_status")), "p-2 runs second, past its role's pin");
        assertEquals("UPDATE", heartbeatSays("p-2", t2, second, "pin-db"));

        // a node's own pin goes before its role's
        Api.Response own = it.api.put("api/nodes/p-4/pin", it.admin, "{\"commit\":\"" + second + "\"}");
        assertEquals(200, own.status(), own.toString());
        assertEquals(second, own.json().getString("desired_commit"));
        assertEquals("node", own.json().getJsonObject("pin").getString("scope"));
        assertEquals("OUTDATED", own.json().getString("code_status"));
        assertEquals("UPDATE", heartbeatSays("p-4", t4, first, "pin-db", "pin-extra"));

        // a rollout to the fleet's commit leaves the nodes pinned elsewhere where they are, and says so
        Api.Response rollout = it.api.post("api/fleet/sync", it.admin, "{\"strategy\":\"rolling\",\"node_ids\":[\"p-1\",\"p-2\"]}");
        assertProblem(409, rollout);
        assertTrue(rollout.json().getString("detail").contains("pinned to " + first.substring(0, 7) + " (role pin-db)"),
                rollout.toString());

        // a sync with no target sends each node its own desired commit: p-2 back to first, p-3 and p-4 to second
        Api.Response sync = it.api.post("api/fleet/sync", it.admin, "{\"node_ids\":[\"p-1\",\"p-2\",\"p-3\",\"p-4\"]}");
        assertEquals(202, sync.status(), sync.toString());
        Map<String, String> targets = new HashMap<>();
        for (JsonObject o : sync.array().getValuesAs(JsonObject.class)) {
            if (o.getString("result").equals("created")) {
                targets.put(o.getString("node_id"), operation(o.getJsonNumber("operation_id").longValue()).getString("target_commit"));
                assertEquals(200, it.api.post("api/operations/" + o.getJsonNumber("operation_id") + "/cancel", it.admin, null).status());
            }
        }
        assertEquals(Map.of("p-2", first, "p-3", second, "p-4", second), targets, sync.toString());

        // unpinned, they follow the tip again
        assertEquals(200, it.api.delete("api/nodes/p-4/pin", it.admin).status());
        Api.Response unpinned = it.api.delete("api/updates/pins/roles?role=pin-db", it.admin);
        assertEquals(200, unpinned.status(), unpinned.toString());
        assertTrue(unpinned.json().getJsonArray("roles").isEmpty(), unpinned.toString());
        assertEquals("OUTDATED", node("p-1").getString("code_status"));
        assertEquals(second, node("p-1").getString("desired_commit"));
        assertTrue(node("p-1").isNull("pin"), node("p-1").toString());
        assertEquals("UPDATE", heartbeatSays("p-1", t1, first, "pin-db"));
        assertEquals("UP_TO_DATE", node("p-2").getString("code_status"));
    }

    /**
     * A pin is a later decision than a rollout already running: the node it holds is skipped at its batch, not sent
     * the rollout's commit (a found problem: the next batch synced it over the pin). A pin again at the same commit
     * with a better reason keeps its time, so it does not take a node from another role's later pin.
     */
    @Test
    void aPinSetWhileARolloutRunsHoldsItsNodesAtTheirBatchAndARepinForTheReasonKeepsItsPlace() throws Exception {
        String t1 = registerAt("q-1", first, "roll-a");
        String t2 = registerAt("q-2", first, "roll-b", "roll-c");
        Api.Response started = it.api.post("api/fleet/sync", it.admin,
                "{\"strategy\":\"rolling\",\"node_ids\":[\"q-1\",\"q-2\"],\"batch_size\":\"1\"}");
        assertEquals(201, started.status(), started.toString());
        long rollout = started.json().getJsonNumber("rollout_id").longValue();
        // q-1's batch is out: its command comes with a heartbeat
        JsonObject command = Await.until(Duration.ofSeconds(20), () -> heartbeatAnswer("q-1", t1, first, "roll-a"),
                r -> r.containsKey("command") && !r.isNull("command")).getJsonObject("command");
        long op = command.getJsonNumber("operation_id").longValue();

        assertEquals(200, it.api.put("api/updates/pins/roles", it.admin,
                "{\"role\":\"roll-b\",\"commit\":\"" + first + "\",\"reason\":\"roll-b breaks on second\"}").status());
        heartbeatAnswer("q-1", t1, second, "roll-a"); // q-1 reports the target: its batch is done
        assertEquals("SUCCEEDED", operation(op).getString("status"));
        JsonObject ended = Await.until(Duration.ofSeconds(30), () -> it.api.get("api/rollouts/" + rollout, it.admin).json(),
                r -> !r.isNull("ended_at"));
        JsonObject q2 = RolloutIT.nodesOf(ended).get("q-2");
        assertEquals("SKIPPED", q2.getString("state"), ended.toString());
        assertTrue(q2.getString("detail").contains("pinned to " + first.substring(0, 7) + " (role roll-b) by admin after the"
                + " rollout started"), q2.toString());
        assertTrue(q2.isNull("operation_id"), "no operation was created for q-2: " + q2);
        assertEquals("NOTHING_NEEDED", heartbeatSays("q-2", t2, first, "roll-b", "roll-c"));

        // roll-c pinned later at second: it holds q-2; roll-b pinned again at first for a better reason does not take it back
        assertEquals(200, it.api.put("api/updates/pins/roles", it.admin,
                "{\"role\":\"roll-c\",\"commit\":\"" + second + "\"}").status());
        assertEquals(second, node("q-2").getString("desired_commit"));
        Api.Response repinned = it.api.put("api/updates/pins/roles", it.admin,
                "{\"role\":\"roll-b\",\"commit\":\"" + first + "\",\"reason\":\"" + "r".repeat(1024) + "\"}");
        assertEquals(200, repinned.status(), "a reason of 1024 characters is taken, as the request says: " + repinned);
        assertEquals(second, node("q-2").getString("desired_commit"), "the re-pin kept its place");
        assertProblem(400, it.api.put("api/updates/pins/roles", it.admin,
                "{\"role\":\"roll-b\",\"commit\":\"" + first + "\",\"reason\":\"" + "r".repeat(1025) + "\"}"));
        for (String role : List.of(" roll-b", "roll-b ", "a\\u2028b")) {
            assertProblem(400, it.api.put("api/updates/pins/roles", it.admin,
                    "{\"role\":\"" + role + "\",\"commit\":\"" + first + "\"}"));
        }
        Api.Response noRole = it.api.delete("api/updates/pins/roles?role=", it.admin);
        assertProblem(400, noRole);
        assertEquals("role is required", noRole.json().getString("detail"));
        assertEquals(200, it.api.delete("api/updates/pins/roles?role=roll-b", it.admin).status());
        assertEquals(200, it.api.delete("api/updates/pins/roles?role=roll-c", it.admin).status());
    }

    private static JsonObject heartbeatAnswer(String nodeId, String token, String commit, String... roles) {
        Api.Response r = Api.unchecked(() -> it.api.post("api/nodes/" + nodeId + "/heartbeat", Api.bearer(token),
                "{\"code_version\":\"" + commit + "\",\"state\":\"IDLE\",\"roles\":[" + String.join(",",
                        java.util.Arrays.stream(roles).map(x -> "\"" + x + "\"").toList()) + "]}"));
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    /** Whether a heartbeat's answer offers an update: UPDATE or NOTHING_NEEDED. */
    private static String heartbeatSays(String nodeId, String token, String commit, String... roles) throws Exception {
        Api.Response r = it.api.post("api/nodes/" + nodeId + "/heartbeat", Api.bearer(token),
                "{\"code_version\":\"" + commit + "\",\"state\":\"IDLE\",\"roles\":[" + String.join(",",
                        java.util.Arrays.stream(roles).map(x -> "\"" + x + "\"").toList()) + "]}");
        assertEquals(200, r.status(), r.toString());
        return r.json().getBoolean("update_available") ? "UPDATE" : "NOTHING_NEEDED";
    }

    private static String registerAt(String nodeId, String commit, String... roles) throws Exception {
        Api.Response r = it.api.post("api/nodes", it.admin, "{\"node_id\":\"" + nodeId + "\"}");
        assertEquals(201, r.status(), r.toString());
        String token = r.json().getString("token");
        heartbeatSays(nodeId, token, commit, roles);
        return token;
    }

    private static JsonObject node(String id) throws Exception {
        Api.Response r = it.api.get("api/nodes/" + id, it.admin);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    @Test
    void theHeartbeatReplyCarriesTheCommandAndASyncWithoutRestartOnlySwaps() throws Exception {
        String token = registerAt("s-2", first);
        long id = it.api.post("api/nodes/s-2/sync", it.admin, "{\"restart\":false}").json()
                .getJsonNumber("operation_id").longValue();
        JsonObject reply = heartbeat("s-2", token, first);
        assertEquals(id, reply.getJsonObject("command").getJsonNumber("operation_id").longValue());
        assertEquals("manual", reply.getJsonObject("command").getString("restart"));
        assertEquals("SENT", operation(id).getString("status"));
    }

    @Test
    void aRolledBackOrFailedReportEndsTheOperationWithTheReason() throws Exception {
        String token = registerAt("s-3", first);
        long id = it.api.post("api/nodes/s-3/sync", it.admin, "{\"restart_type\":\"immediate\"}").json()
                .getJsonNumber("operation_id").longValue();
        it.api.post("api/nodes/s-3/operations/" + id + "/progress", Api.bearer(token), "{\"stage\":\"HEALTH_CHECK\"}");
        it.api.post("api/nodes/s-3/operations/" + id + "/progress", Api.bearer(token),
                "{\"stage\":\"ROLLED_BACK\",\"message\":\"health check failed: HTTP 500\"}");
        JsonObject op = operation(id);
        assertEquals("ROLLED_BACK", op.getString("status"));
        assertEquals("health check failed: HTTP 500", op.getString("message"));
        assertNotNull(op.getString("finished_at"));
    }

    @Test
    void aLateOrRepeatedStageReportNeverMovesTheOperationBack() throws Exception {
        String token = registerAt("s-6", first);
        long id = it.api.post("api/nodes/s-6/sync", it.admin, "{}").json().getJsonNumber("operation_id").longValue();
        heartbeat("s-6", token, first);
        String progress = "api/nodes/s-6/operations/" + id + "/progress";
        assertEquals(200, it.api.post(progress, Api.bearer(token), "{\"stage\":\"DOWNLOADING\",\"percent\":50}").status());
        assertEquals(200, it.api.post(progress, Api.bearer(token), "{\"stage\":\"HEALTH_CHECK\"}").status());
        // the DOWNLOADING report that was delayed on the way, and HEALTH_CHECK again: answered, nothing moves back
        Api.Response late = it.api.post(progress, Api.bearer(token), "{\"stage\":\"DOWNLOADING\",\"percent\":90}");
        assertEquals(200, late.status());
        assertEquals("HEALTH_CHECK", late.json().getString("status"));
        assertEquals(200, it.api.post(progress, Api.bearer(token), "{\"stage\":\"HEALTH_CHECK\"}").status());
        assertEquals("HEALTH_CHECK", operation(id).getString("status"));
        assertEquals(List.of("DOWNLOADING", "HEALTH_CHECK", "HEALTH_CHECK"), it.db.query(
                "SELECT stage FROM sync_progress WHERE operation_id = ? ORDER BY id", id).stream().map(r -> r.get("stage")).toList());
        assertEquals(200, it.api.post(progress, Api.bearer(token), "{\"stage\":\"ROLLED_BACK\"}").status());
        assertProblem(409, it.api.post(progress, Api.bearer(token), "{\"stage\":\"HEALTH_CHECK\"}"));
        assertEquals("ROLLED_BACK", operation(id).getString("status"));
        // and the database itself refuses a writer that would skip the table
        java.sql.SQLException refused = assertThrows(java.sql.SQLException.class, () -> it.db.query(
                "UPDATE sync_operation SET status = 'DOWNLOADING' WHERE id = ? RETURNING id", id));
        assertTrue(refused.getMessage().contains("ROLLED_BACK -> DOWNLOADING is not a move of the sync lifecycle"),
                refused.getMessage());
    }

    @Test
    void badRequestsAreRefusedAndCreateNothing() throws Exception {
        String token = registerAt("s-4", first);
        String other = registerAt("s-5", first);
        assertEquals(201, it.api.post("api/users", it.admin,
                "{\"username\":\"viewer\",\"password\":\"viewer-password-1\",\"role\":\"VIEWER\"}").status());
        assertProblem(403, it.api.post("api/nodes/s-4/sync", Api.basic("viewer", "viewer-password-1"), "{}"));
        assertProblem(401, it.api.post("api/nodes/s-4/sync", null, "{}"));
        assertProblem(404, it.api.post("api/nodes/nobody/sync", it.admin, "{}"));
        assertEquals("restart_type must be one of immediate, graceful, manual", assertProblem(400,
                it.api.post("api/nodes/s-4/sync", it.admin, "{\"restart_type\":\"sometime\"}")).getString("detail"));
        assertEquals("restart must be true or false", assertProblem(400,
                it.api.post("api/nodes/s-4/sync", it.admin, "{\"restart\":\"yes\"}")).getString("detail"));
        assertEquals("unknown field 'restart_typ'; this body takes restart, restart_type, reinstall, target_commit, override_window", assertProblem(400,
                it.api.post("api/nodes/s-4/sync", it.admin, "{\"restart_typ\":\"manual\"}")).getString("detail"));
        assertTrue(it.db.query("SELECT id FROM sync_operation WHERE node_id = 's-4'").isEmpty());

        long id = it.api.post("api/nodes/s-4/sync", it.admin, "{}").json().getJsonNumber("operation_id").longValue();
        String progress = "api/nodes/s-4/operations/" + id + "/progress";
        assertProblem(400, it.api.post(progress, Api.bearer(token), "{\"stage\":\"SUCCEEDED\"}"));
        assertProblem(400, it.api.post(progress, Api.bearer(token), "{\"stage\":\"DOWNLOADING\",\"percent\":140}"));
        assertProblem(403, it.api.post(progress, Api.bearer(other), "{\"stage\":\"DOWNLOADING\"}"));
        assertProblem(404, it.api.post("api/nodes/s-5/operations/" + id + "/progress", Api.bearer(other),
                "{\"stage\":\"DOWNLOADING\"}"));
        assertProblem(400, it.api.get("api/nodes/s-4/commands?wait=9999", Api.bearer(token)));
        assertEquals("PENDING", operation(id).getString("status"));
        assertProblem(400, it.api.get("api/updates/history?status=DONE", it.admin));
    }

    /**
     * Every class of bad rollout option — out of range, of the wrong type, meaningless for the strategy, naming no
     * node — is a 400 naming the field (404 for unknown nodes, 409 for nothing to do), and no rollout is created.
     */
    @Test
    void aRolloutWithABadOptionIsRefusedNamingItAndCreatesNothing() throws Exception {
        registerAt("r-1", first);
        registerAt("r-2", first);
        registerAt("r-3", second);
        String nodes = "\"strategy\":\"rolling\",\"node_ids\":[\"r-1\",\"r-2\"]";
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        for (String size : List.of("0", "-1", "\"0%\"", "\"101%\"", "\"abc\"", "1.5", "true", "[]", "{}", "\"\"",
                "\"1e3\"", "99999999999999999999")) {
            bad.put("{" + nodes + ",\"batch_size\":" + size + "}", "batch_size");
        }
        for (String delay : List.of("-1", "86401", "\"5\"", "1.5", "2147483648")) {
            bad.put("{" + nodes + ",\"health_check_delay\":" + delay + "}", "health_check_delay");
        }
        for (String limit : List.of("0", "\"0%\"", "\"x\"", "-3")) {
            bad.put("{" + nodes + ",\"max_failures\":" + limit + "}", "max_failures");
        }
        for (String canary : List.of("0", "2", "-1", "\"1\"")) {
            bad.put("{" + nodes + ",\"canary\":" + canary + "}", "canary");
        }
        for (String timeout : List.of("10", "604801", "-5")) {
            bad.put("{" + nodes + ",\"timeout\":" + timeout + "}", "timeout");
        }
        bad.put("{" + nodes + ",\"include_offline\":true}", "include_offline");
        bad.put("{" + nodes + ",\"abort_on_failure\":\"no\"}", "abort_on_failure");
        bad.put("{\"node_ids\":[\"r-1\"],\"batch_size\":2}", "batch_size");
        bad.put("{\"strategy\":\"rolling\"}", "node_ids");
        bad.put("{\"strategy\":\"rolling\",\"roles\":[\"no-such-role\"]}", "roles");
        bad.put("{\"strategy\":\"Rolling\",\"node_ids\":[\"r-1\"]}", "strategy");
        // a blank role would be "no filter" to the node query: the whole fleet
        for (String role : List.of("\"\"", "\"   \"", "\"\\n\"", "\"\\u0007\"", "\"a,b\"", "\"" + "r".repeat(65) + "\"")) {
            bad.put("{\"strategy\":\"rolling\",\"roles\":[" + role + "]}", "roles");
            bad.put("{\"node_ids\":[\"r-1\"],\"roles\":[" + role + "]}", "roles");
        }
        bad.put("{" + nodes + ",\"auto_promote\":true}", "auto_promote");
        bad.put("{" + nodes + ",\"health_check_delay\":120,\"timeout\":100}", "timeout");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            JsonObject problem = assertProblem(400, it.api.post("api/fleet/sync", it.admin, e.getKey()));
            assertTrue(problem.getString("detail").contains(e.getValue()), e.getKey() + " -> " + problem);
        }
        assertTrue(assertProblem(404, it.api.post("api/fleet/sync", it.admin,
                "{\"strategy\":\"rolling\",\"node_ids\":[\"r-1\",\"ghost\"]}")).getString("detail").contains("ghost"));
        assertTrue(assertProblem(409, it.api.post("api/fleet/sync", it.admin,
                "{\"strategy\":\"rolling\",\"node_ids\":[\"r-3\"]}")).getString("detail").contains("nothing to roll out"));
        assertTrue(it.db.query("SELECT rollout_id FROM rollout_node WHERE node_id IN ('r-1', 'r-2', 'r-3')").isEmpty());
        assertTrue(it.db.query("SELECT id FROM sync_operation WHERE node_id IN ('r-1', 'r-2', 'r-3')").isEmpty());
        assertProblem(400, it.api.get("api/rollouts/abc", it.admin));
        assertProblem(400, it.api.get("api/rollouts/99999999999999999999", it.admin));
        assertProblem(404, it.api.get("api/rollouts/12345", it.admin));
        assertProblem(400, it.api.get("api/rollouts?limit=-1", it.admin));
        assertProblem(400, it.api.get("api/rollouts?limit=0", it.admin));
        assertProblem(400, it.api.get("api/rollouts?limit=201", it.admin));
    }

    /** A rollback or a chosen release: any commit of the tracked branch, and no other. */
    @Test
    void aSyncGoesToAnyCommitOfTheTrackedBranchAndNoOther() throws Exception {
        registerAt("target-1", second);
        Api.Response back = it.api.post("api/nodes/target-1/sync", it.admin, "{\"target_commit\":\"" + first + "\"}");
        assertEquals(202, back.status(), back.toString());
        assertEquals(first, back.json().getString("target_commit"));
        assertEquals(second, back.json().getString("from_commit"));

        registerAt("target-2", first);
        Api.Response already = it.api.post("api/nodes/target-2/sync", it.admin, "{\"target_commit\":\"" + first + "\"}");
        assertProblem(409, already);
        assertTrue(already.json().getString("detail").contains("already runs " + first + ", the target"), already.toString());
        for (String bad : List.of("a".repeat(40), first.toUpperCase(java.util.Locale.ROOT), first.substring(0, 7), "", " " + first)) {
            Api.Response r = it.api.post("api/nodes/target-2/sync", it.admin, "{\"target_commit\":\"" + bad + "\"}");
            assertProblem(400, r);
            assertTrue(r.json().getString("detail").contains("target_commit"), r.toString());
        }
        assertTrue(assertProblem(400, it.api.post("api/nodes/target-2/sync", it.admin, "{\"target_commit\":\"" + "b".repeat(40)
                + "\"}")).getString("detail").contains("is not a commit of the tracked branch"));
        Map<String, String> results = new HashMap<>();
        it.api.post("api/fleet/sync", it.admin, "{\"node_ids\":[\"target-2\"],\"target_commit\":\"" + second + "\"}").array()
                .forEach(v -> results.put(v.asJsonObject().getString("node_id"), v.asJsonObject().getString("result")));
        assertEquals(Map.of("target-2", "created"), results);
        assertEquals(0, it.db.query("SELECT 1 FROM sync_operation WHERE node_id = 'target-2' AND target_commit <> ?", second).size(),
                "nothing was created for the refused targets");
    }

    @Test
    void aFleetSyncCreatesOneOperationPerNodeThroughTheSamePath() throws Exception {
        registerAt("f-1", first);
        registerAt("f-2", first);
        Api.Response r = it.api.post("api/fleet/sync", it.admin, "{\"node_ids\":[\"f-1\",\"f-2\",\"ghost\"],\"restart_type\":\"immediate\"}");
        assertEquals(202, r.status(), r.toString());
        Map<String, String> results = new HashMap<>();
        r.array().forEach(v -> results.put(v.asJsonObject().getString("node_id"), v.asJsonObject().getString("result")));
        assertEquals(Map.of("f-1", "created", "f-2", "created", "ghost", "refused"), results);
        Api.Response again = it.api.post("api/fleet/sync", it.admin, "{\"node_ids\":[\"f-1\"]}");
        assertEquals("busy", again.array().getJsonObject(0).getString("result"));

        // a node on the target already is skipped, saying so; of "all outdated", an offline node is left out unless asked
        registerAt("f-3", second);
        registerAt("f-4", first);
        it.db.execute("UPDATE node SET last_seen = now() - interval '1 day' WHERE id = 'f-4'");
        Map<String, String> fleet = new HashMap<>();
        it.api.post("api/fleet/sync", it.admin, "{\"node_ids\":[\"f-3\"],\"all_outdated\":true}").array()
                .forEach(v -> fleet.put(v.asJsonObject().getString("node_id"), v.asJsonObject().getString("result")));
        assertEquals("skipped", fleet.get("f-3"), fleet.toString());
        assertEquals("skipped", fleet.get("f-4"), fleet.toString());
        assertEquals("busy", fleet.get("f-1"), fleet.toString());
        JsonObject offline = it.api.post("api/fleet/sync", it.admin, "{\"node_ids\":[],\"all_outdated\":true,"
                + "\"include_offline\":true}").array().stream().map(v -> v.asJsonObject())
                .filter(o -> o.getString("node_id").equals("f-4")).findFirst().orElseThrow();
        assertEquals("created", offline.getString("result"), offline.toString());
        assertProblem(400, it.api.post("api/fleet/sync", it.admin, "{}"));
        assertEquals("FLEET", it.db.query("SELECT trigger_type FROM sync_operation WHERE node_id = 'f-2'").get(0).get("trigger_type"));
        // a bulk sync that sent nothing leaves no bulk action behind ("0 of 2 sent")
        // (counted by operators' bulk syncs: a schedule of another test may fire meanwhile)
        int bulks = it.db.query("SELECT id FROM bulk_action WHERE trigger_type = 'FLEET'").size();
        assertEquals(202, it.api.post("api/fleet/sync", it.admin, "{\"node_ids\":[\"ghost-1\",\"ghost-2\"]}").status());
        assertEquals(bulks, it.db.query("SELECT id FROM bulk_action WHERE trigger_type = 'FLEET'").size());
    }

    @Test
    void anOperationWithoutProgressTimesOut() throws Exception {
        registerAt("t-1", first);
        long id = it.api.post("api/nodes/t-1/sync", it.admin, "{}").json().getJsonNumber("operation_id").longValue();
        it.db.execute("UPDATE sync_operation SET updated_at = now() - interval '2 hours' WHERE id = ?", id);
        JsonObject op = Await.until(Duration.ofSeconds(30), () -> operation(id),
                o -> o.getString("status").equals("TIMED_OUT"));
        assertNotNull(op.getString("finished_at"));
        assertEquals(202, it.api.post("api/nodes/t-1/sync", it.admin, "{}").status(), "a timed-out node can be synced again");
    }

    /**
     * Before: the operation stayed TIMED_OUT while the node showed the target commit up to date, so history and the
     * node's status disagreed for good.
     */
    @Test
    void aTimedOutOperationWhoseNodeThenReportsTheTargetSucceededLateWithBothTimes() throws Exception {
        String token = registerAt("late-1", first);
        long id = timedOut("late-1");
        String timedOutAt = operation(id).getString("timed_out_at");
        try (LiveSocket socket = LiveSocket.open(it)) {
            CompletableFuture<String> heard = socket.next(m -> m.contains("\"sync.completed\"") && m.contains("\"late-1\""));
            heartbeat("late-1", token, second);
            JsonObject op = operation(id);
            assertEquals("SUCCEEDED", op.getString("status"));
            assertTrue(op.getBoolean("late"), op.toString());
            assertEquals(timedOutAt, op.getString("timed_out_at"), "the time it timed out is kept");
            assertTrue(Instant.parse(op.getString("finished_at")).isAfter(Instant.parse(timedOutAt)), op.toString());
            assertEquals("UP_TO_DATE", it.api.get("api/nodes/late-1", it.admin).json().getString("code_status"));
            assertTrue(socket.await(heard, Duration.ofSeconds(20)).contains("\"operation_id\":" + id), "a live event says so");
        }
    }

    @Test
    void aTimedOutOperationStaysTimedOutOnceItsNodeReportedOtherCodeOrANewerOperationExists() throws Exception {
        String other = "3".repeat(40);
        String token = registerAt("late-2", first);
        long id = timedOut("late-2");
        heartbeat("late-2", token, other);
        heartbeat("late-2", token, second);
        assertEquals("TIMED_OUT", operation(id).getString("status"), "given other code meanwhile: not this sync's doing");
        assertFalse(operation(id).getBoolean("late"));

        String token3 = registerAt("late-3", first);
        long older = timedOut("late-3");
        long newer = timedOut("late-3");
        heartbeat("late-3", token3, second);
        assertEquals("TIMED_OUT", operation(older).getString("status"), "only the newest operation succeeds late");
        assertEquals("SUCCEEDED", operation(newer).getString("status"));
    }

    /**
     * Before: a pending operation of an offline node kept the node busy (409) until it timed out, 900 s later. An
     * operator cancels it; once its agent has claimed it, it cannot be cancelled any more.
     */
    @Test
    void aPendingOperationIsCancelledByAnOperatorAndItsNodeCanBeSyncedAgainAtOnce() throws Exception {
        String token = registerAt("c-1", first);
        long id = it.api.post("api/nodes/c-1/sync", it.admin, "{}").json().getJsonNumber("operation_id").longValue();
        assertEquals(201, it.api.post("api/users", it.admin,
                "{\"username\":\"vic\",\"password\":\"viewer-password-1\",\"role\":\"VIEWER\"}").status());
        assertProblem(403, it.api.post("api/operations/" + id + "/cancel", Api.basic("vic", "viewer-password-1"), null));
        assertProblem(401, it.api.post("api/operations/" + id + "/cancel", null, null));
        assertEquals("PENDING", operation(id).getString("status"), "refused: nothing changed");
        assertProblem(404, it.api.post("api/operations/" + (id + 100000) + "/cancel", it.admin, null));
        assertEquals("operation id must be a whole number, not 'abc'",
                assertProblem(400, it.api.post("api/operations/abc/cancel", it.admin, null)).getString("detail"));
        assertProblem(400, it.api.post("api/operations/99999999999999999999/cancel", it.admin, null));

        try (LiveSocket socket = LiveSocket.open(it)) {
            CompletableFuture<String> heard = socket.next(m -> m.contains("\"sync.cancelled\"") && m.contains("\"c-1\""));
            Api.Response cancelled = it.api.post("api/operations/" + id + "/cancel", it.admin, null);
            assertEquals(200, cancelled.status(), cancelled.toString());
            assertEquals("CANCELLED", cancelled.json().getString("status"));
            assertEquals("admin", cancelled.json().getString("cancelled_by"));
            assertNotNull(cancelled.json().getString("finished_at"));
            assertTrue(socket.await(heard, Duration.ofSeconds(20)).contains("\"operation_id\":" + id), "a live event says so");
        }
        // the agent never gets it: not in the heartbeat's answer, not by long-poll
        JsonObject reply = heartbeat("c-1", token, first);
        assertTrue(!reply.containsKey("command") || reply.isNull("command"), reply.toString());
        assertEquals(204, it.api.get("api/nodes/c-1/commands?wait=1", Api.bearer(token)).status());
        // a report for it (an agent that got it after all) is refused and does not bring it back; nor does the target
        assertProblem(409, it.api.post("api/nodes/c-1/operations/" + id + "/progress", Api.bearer(token),
                "{\"stage\":\"DOWNLOADING\"}"));
        heartbeat("c-1", token, second);
        assertEquals("CANCELLED", operation(id).getString("status"));
        assertTrue(it.api.get("api/updates/history?node=c-1&status=CANCELLED", it.admin).array().stream()
                .anyMatch(o -> o.asJsonObject().getJsonNumber("operation_id").longValue() == id));
        assertProblem(409, it.api.post("api/operations/" + id + "/cancel", it.admin, null));

        heartbeat("c-1", token, first);
        Api.Response again = it.api.post("api/nodes/c-1/sync", it.admin, "{}");
        assertEquals(202, again.status(), "the node is free at once: " + again);
        long next = again.json().getJsonNumber("operation_id").longValue();
        // claimed by its agent (the heartbeat's answer carries it): running, so no longer cancelled
        assertEquals(next, heartbeat("c-1", token, first).getJsonObject("command").getJsonNumber("operation_id").longValue());
        JsonObject running = assertProblem(409, it.api.post("api/operations/" + next + "/cancel", it.admin, null));
        assertTrue(running.getString("detail").contains("is running"), running.toString());
        assertEquals("SENT", operation(next).getString("status"));
    }

    /** Creates an operation for the node and lets the server time it out. */
    private static long timedOut(String nodeId) throws Exception {
        long id = it.api.post("api/nodes/" + nodeId + "/sync", it.admin, "{}").json().getJsonNumber("operation_id").longValue();
        it.db.execute("UPDATE sync_operation SET updated_at = now() - interval '2 hours' WHERE id = ?", id);
        Await.until(Duration.ofSeconds(30), () -> operation(id), o -> o.getString("status").equals("TIMED_OUT"));
        return id;
    }

    /**
     * Two schedules due at the next minute: one parallel, one rolling. Each fires once, to the desired commit, sends
     * the nodes that need it and records the others with why (up to date, offline); the rolling one starts a rollout
     * with the trigger SCHEDULE. While they wait, every class of bad definition is refused naming its field, and the
     * changes are in the audit with who and before/after.
     */
    @Test
    void schedulesFireOnceAtTheirTimeToTheNodesThatNeedItAndRecordWhatTheyLeftOut() throws Exception {
        Map<String, String> tokens = new java.util.HashMap<>();
        tokens.put("sch-1", registerAt("sch-1", first));
        tokens.put("sch-2", registerAt("sch-2", second));
        assertEquals(201, it.api.post("api/nodes", it.admin, "{\"node_id\":\"sch-3\"}").status()); // never seen
        tokens.put("sch-4", registerAt("sch-4", first));
        tokens.put("sch-5", registerAt("sch-5", first));
        tokens.put("sch-6", registerAt("sch-6", first));
        long closed = closedWindow("closed for sch-6", "sch-6");
        Api.Response parallel = it.api.post("api/updates/schedules", it.admin, "{\"name\":\"every minute\","
                + "\"cron\":\"* * * * *\",\"zone\":\"Europe/Berlin\",\"node_ids\":[\"sch-1\",\"sch-2\",\"sch-3\",\"sch-6\"]}");
        assertEquals(201, parallel.status(), parallel.toString());
        long parallelId = parallel.json().getJsonNumber("schedule_id").longValue();
        assertEquals(it.server.baseUri().resolve("api/updates/schedules/" + parallelId).toString(),
                parallel.headers().firstValue("Location").orElseThrow());
        assertEquals(5, parallel.json().getJsonArray("next_runs").size());
        JsonObject firstRun = parallel.json().getJsonArray("next_runs").getJsonObject(0);
        java.time.OffsetDateTime inBerlin = java.time.OffsetDateTime.parse(firstRun.getString("at"));
        assertEquals(java.time.Instant.parse(firstRun.getString("utc")), inBerlin.toInstant());
        assertEquals(java.time.ZoneId.of("Europe/Berlin").getRules().getOffset(inBerlin.toInstant()), inBerlin.getOffset());
        assertEquals(0, inBerlin.getSecond());
        Api.Response rolling = it.api.post("api/updates/schedules", it.admin, "{\"name\":\"rolling each minute\","
                + "\"cron\":\"* * * * *\",\"strategy\":\"rolling\",\"node_ids\":[\"sch-4\",\"sch-5\"],\"batch_size\":1}");
        assertEquals(201, rolling.status(), rolling.toString());
        long rollingId = rolling.json().getJsonNumber("schedule_id").longValue();
        assertEquals("UTC", rolling.json().getString("zone"));

        badSchedulesAreRefusedNamingTheFieldAndCreateNothing(parallelId);

        // the agents stay online while the minute comes (each heartbeat also answers whether a command waits)
        JsonObject run = Await.until(Duration.ofSeconds(90), Duration.ofSeconds(2), () -> {
            for (Map.Entry<String, String> t : tokens.entrySet()) {
                heartbeat(t.getKey(), t.getValue(), t.getKey().equals("sch-2") ? second : first);
            }
            List<JsonObject> runs = it.api.get("api/updates/schedules/" + parallelId + "/runs", it.admin).array()
                    .getValuesAs(JsonObject.class);
            return runs.isEmpty() ? null : runs.get(runs.size() - 1);
        }, r -> r != null && !r.getString("state").equals("FIRING"));
        assertEquals("FIRED", run.getString("state"), run.toString());
        assertEquals(1, run.getInt("sent"), run.toString());
        assertEquals(second, run.getString("target_commit"));
        assertEquals(0, java.time.Instant.parse(run.getString("planned_at")).getEpochSecond() % 60, "on the minute");
        Map<String, String> skipped = run.getJsonArray("skipped").getValuesAs(JsonObject.class).stream()
                .collect(java.util.stream.Collectors.toMap(o -> o.getString("node_id"), o -> o.getString("reason")));
        assertTrue(skipped.get("sch-2").startsWith("up to date"), skipped.toString());
        assertEquals("offline", skipped.get("sch-3"), skipped.toString());
        assertTrue(skipped.get("sch-6").startsWith("outside window: sch-6 is outside its maintenance window 'closed for sch-6'"),
                skipped.toString());
        assertEquals(3, skipped.size(), skipped.toString());
        assertEquals(204, it.api.delete("api/updates/windows/" + closed, it.admin).status());
        List<Map<String, Object>> ops = it.db.query("SELECT trigger_type, target_commit FROM sync_operation WHERE node_id = 'sch-1'");
        assertEquals(1, ops.size(), ops.toString());
        assertEquals("SCHEDULE", ops.get(0).get("trigger_type"));
        // the history filters by what asked: this schedule's operation, and no operator's
        List<JsonObject> bySchedule = it.api.get("api/updates/history?trigger=schedule&schedule=every%20minute", it.admin)
                .array().getValuesAs(JsonObject.class);
        assertEquals(List.of("sch-1"), bySchedule.stream().map(o -> o.getString("node_id")).toList());
        assertTrue(it.api.get("api/updates/history?trigger=manual&node=sch-1", it.admin).array().isEmpty());
        assertTrue(it.api.get("api/updates/history?schedule=no%20such", it.admin).array().isEmpty());
        assertProblem(400, it.api.get("api/updates/history?trigger=SCHEDULE", it.admin));
        assertProblem(400, it.api.get("api/updates/history?schedule=", it.admin));

        JsonObject rolled = Await.until(Duration.ofSeconds(30), Duration.ofSeconds(1), () -> {
            List<JsonObject> runs = it.api.get("api/updates/schedules/" + rollingId + "/runs", it.admin).array()
                    .getValuesAs(JsonObject.class);
            return runs.isEmpty() ? null : runs.get(runs.size() - 1);
        }, r -> r != null && !r.getString("state").equals("FIRING"));
        assertEquals("FIRED", rolled.getString("state"), rolled.toString());
        long rolloutId = rolled.getJsonNumber("rollout_id").longValue();
        assertEquals(2, rolled.getInt("sent"));
        assertEquals("SCHEDULE", it.db.query("SELECT trigger_type FROM rollout WHERE id = " + rolloutId).get(0).get("trigger_type"));
        // fired once each: the disabled schedules have no next time, and no second run of the same time exists
        assertEquals(200, it.api.post("api/updates/schedules/" + parallelId + "/disable", it.admin, null).status());
        assertEquals(200, it.api.post("api/updates/schedules/" + rollingId + "/disable", it.admin, null).status());
        assertEquals(200, it.api.post("api/rollouts/" + rolloutId + "/abort", it.admin, null).status());
        JsonObject disabled = it.api.get("api/updates/schedules/" + parallelId, it.admin).json();
        assertFalse(disabled.getBoolean("enabled"));
        assertEquals(0, disabled.getJsonArray("next_runs").size());
        assertEquals(List.of(), it.db.query("SELECT schedule_id, planned_at FROM schedule_run GROUP BY schedule_id, planned_at"
                + " HAVING count(*) > 1"));
        // the audit: created, then disabled by the admin, with the definition before and after
        List<JsonObject> changes = it.api.get("api/updates/schedules/changes", it.admin).array().getValuesAs(JsonObject.class)
                .stream().filter(c -> c.getJsonNumber("object_id").longValue() == parallelId).toList();
        assertEquals(List.of("disabled", "created"), changes.stream().map(c -> c.getString("action")).toList());
        assertTrue(changes.get(0).getJsonObject("before").getBoolean("enabled"));
        assertFalse(changes.get(0).getJsonObject("after").getBoolean("enabled"));
        assertEquals("admin", changes.get(0).getString("changed_by"));
        // deleted: gone, its runs stay in the trail under its name
        assertEquals(204, it.api.delete("api/updates/schedules/" + parallelId, it.admin).status());
        assertProblem(404, it.api.get("api/updates/schedules/" + parallelId, it.admin));
        assertTrue(it.api.get("api/updates/schedules/runs", it.admin).array().getValuesAs(JsonObject.class).stream()
                .anyMatch(r -> r.getString("schedule_name").equals("every minute")));
    }

    private static void badSchedulesAreRefusedNamingTheFieldAndCreateNothing(long existing) throws Exception {
        String ok = "\"name\":\"x\",\"cron\":\"0 2 * * *\",\"node_ids\":[\"sch-1\"]";
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        for (String cron : List.of("\"\"", "\"* * * *\"", "\"61 * * * *\"", "\"0 0 30 2 *\"", "\"@daily\"", "\"* * * * * *\"",
                "42", "null", "\"0 2 * * \\u0007\"")) {
            bad.put("{\"name\":\"x\",\"cron\":" + cron + ",\"node_ids\":[\"sch-1\"]}", "cron");
        }
        for (String zone : List.of("\"Europe/Atlantis\"", "\"../../etc\"", "\"UTC+99\"", "7")) {
            bad.put("{" + ok + ",\"zone\":" + zone + "}", "zone");
        }
        for (String name : List.of("\"\"", "\"   \"", "\"" + "n".repeat(101) + "\"", "\"a\\nb\"")) {
            bad.put("{\"name\":" + name + ",\"cron\":\"0 2 * * *\",\"node_ids\":[\"sch-1\"]}", "name");
        }
        bad.put("{\"name\":\"x\",\"cron\":\"0 2 * * *\"}", "node_ids");
        bad.put("{\"name\":\"x\",\"cron\":\"0 2 * * *\",\"node_ids\":[]}", "node_ids");
        bad.put("{" + ok.replace("sch-1", "ghost") + "}", "node_ids");
        bad.put("{" + ok + ",\"roles\":[\"a,b\"]}", "roles");
        bad.put("{" + ok + ",\"strategy\":\"Rolling\"}", "strategy");
        bad.put("{" + ok + ",\"batch_size\":2}", "batch_size");
        bad.put("{" + ok + ",\"strategy\":\"rolling\",\"batch_size\":0}", "batch_size");
        bad.put("{" + ok + ",\"strategy\":\"rolling\",\"health_check_delay\":-1}", "health_check_delay");
        bad.put("{" + ok + ",\"strategy\":\"rolling\",\"auto_promote\":true}", "auto_promote");
        bad.put("{" + ok + ",\"target_commit\":\"" + first + "\"}", "target_commit");
        bad.put("{" + ok + ",\"enabled\":\"yes\"}", "enabled");
        bad.put("{" + ok.replace("\"x\"", "\"EVERY MINUTE\"") + "}", "exists");
        int before = it.db.query("SELECT id FROM update_schedule").size();
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Api.Response r = it.api.post("api/updates/schedules", it.admin, e.getKey());
            JsonObject problem = assertProblem(e.getValue().equals("exists") ? 409 : 400, r);
            assertTrue(problem.getString("detail").contains(e.getValue()), e.getKey() + " -> " + problem);
            if (!e.getValue().equals("exists")) {
                assertProblem(400, it.api.put("api/updates/schedules/" + existing, it.admin, e.getKey()));
            }
        }
        assertEquals(before, it.db.query("SELECT id FROM update_schedule").size());
        assertEquals("* * * * *", it.api.get("api/updates/schedules/" + existing, it.admin).json().getString("cron"));
        // a 1 MB node id is not sent back whole
        Api.Response huge = it.api.post("api/updates/schedules", it.admin, "{\"name\":\"huge\",\"cron\":\"0 2 * * *\","
                + "\"node_ids\":[\"" + "n".repeat(1_000_000) + "\"]}");
        assertEquals(400, huge.status());
        assertTrue(huge.body().length() < 2_000, huge.body().length() + " bytes");
        // twenty creates of one name at once (case aside): one 201, the others 409, never a 500; the same for a
        // name that lowers differently in Java and in PostgreSQL ('İ')
        for (String name : List.of("race", "\u0130stanbul")) {
            List<Integer> statuses = parallel(20, i -> it.api.post("api/updates/schedules", it.admin, "{\"name\":\""
                    + (i % 2 == 0 ? name : name.toUpperCase(java.util.Locale.ROOT)) + "\",\"cron\":\"0 2 * * *\","
                    + "\"node_ids\":[\"sch-1\"],\"enabled\":false}").status());
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(19, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        }
        long race = it.api.get("api/updates/schedules", it.admin).array().getValuesAs(JsonObject.class).stream()
                .filter(o -> o.getString("name").equalsIgnoreCase("race")).findFirst().orElseThrow()
                .getJsonNumber("schedule_id").longValue();
        // saved again unchanged (a form saved twice): no change is recorded
        JsonObject same = it.api.get("api/updates/schedules/" + race, it.admin).json();
        int changes = it.db.query("SELECT id FROM config_change WHERE object_id = " + race + " AND kind = 'schedule'").size();
        assertEquals(200, it.api.put("api/updates/schedules/" + race, it.admin, "{\"name\":\"" + same.getString("name")
                + "\",\"cron\":\"0 2 * * *\",\"node_ids\":[\"sch-1\"],\"enabled\":false}").status());
        assertEquals(changes, it.db.query("SELECT id FROM config_change WHERE object_id = " + race + " AND kind = 'schedule'").size());
        for (JsonObject o : it.api.get("api/updates/schedules", it.admin).array().getValuesAs(JsonObject.class)) {
            if (!o.getString("name").equals("every minute") && !o.getString("name").equals("rolling each minute")) {
                assertEquals(204, it.api.delete("api/updates/schedules/" + o.getJsonNumber("schedule_id"), it.admin).status());
            }
        }
        for (String id : List.of("abc", "-1", "99999999999999999999", "1.5")) {
            assertProblem(400, it.api.get("api/updates/schedules/" + id, it.admin));
        }
        assertProblem(404, it.api.get("api/updates/schedules/123456", it.admin));
        assertProblem(404, it.api.post("api/updates/schedules/123456/enable", it.admin, null));
        assertProblem(400, it.api.get("api/updates/schedules/runs?limit=0", it.admin));
        // a list's query is taken whole or refused: a second limit, a typo, a malformed escape
        for (String query : List.of("limit=1&limit=2", "lim=3", "LIMIT=5", "limit=")) {
            assertTrue(assertProblem(400, it.api.get("api/updates/schedules/runs?" + query, it.admin)).getString("detail")
                    .matches("(?i).*(limit|query).*"), query);
            assertProblem(400, it.api.get("api/updates/windows/changes?" + query, it.admin));
        }
        assertEquals(200, it.api.get("api/updates/schedules/runs?limit=5", it.admin).status());
        assertEquals(200, it.api.get("api/updates/schedules/changes", it.admin).status());
    }

    /**
     * Another server instance sharing the database fires a time: it holds the schedule's row while it claims (as
     * {@code Scheduler.claim} does: FOR UPDATE), records its run and moves {@code next_fire_at} on. This server's
     * scheduler passes the locked row by meanwhile (SKIP LOCKED; two ticks, 10 s apart) and afterwards finds the
     * time no longer due: that time has one run, the other instance's, and nothing was sent.
     */
    @Test
    void aTimeAnotherInstanceClaimedIsNotFiredAgainByThisOne() throws Exception {
        registerAt("inst-1", first);
        Api.Response created = it.api.post("api/updates/schedules", it.admin, "{\"name\":\"two instances\","
                + "\"cron\":\"* * * * *\",\"node_ids\":[\"inst-1\"]}");
        assertEquals(201, created.status(), created.toString());
        long id = created.json().getJsonNumber("schedule_id").longValue();
        java.time.Instant due = java.time.Instant.parse(created.json().getString("next_fire_at"));
        Await.until(Duration.ofSeconds(70), Duration.ofMillis(200), java.time.Instant::now,
                now -> !now.isBefore(due.minusSeconds(5)));
        try (java.sql.Connection other = it.db.connect()) {
            other.setAutoCommit(false);
            try (java.sql.Statement st = other.createStatement()) {
                st.executeQuery("SELECT id FROM update_schedule WHERE id = " + id + " FOR UPDATE").close();
                // two of this server's ticks pass while the other instance holds the row
                Await.until(Duration.ofSeconds(40), Duration.ofMillis(200), java.time.Instant::now,
                        now -> now.isAfter(due.plusSeconds(21)));
                st.executeUpdate("INSERT INTO schedule_run (schedule_id, schedule_name, planned_at, started_at, ended_at,"
                        + " state, sent, detail) VALUES (" + id + ", 'two instances', '" + due + "', now(), now(),"
                        + " 'NOTHING_TO_DO', 0, 'the other instance')");
                st.executeUpdate("UPDATE update_schedule SET next_fire_at = '" + due.plusSeconds(60) + "' WHERE id = " + id);
            }
            other.commit();
        }
        // a tick of this server after the commit (they come every 10 s) finds the time no longer due
        Await.until(Duration.ofSeconds(30), Duration.ofMillis(200), java.time.Instant::now,
                now -> now.isAfter(due.plusSeconds(33)));
        List<JsonObject> atDue = runs(id).stream()
                .filter(r -> java.time.Instant.parse(r.getString("planned_at")).equals(due)).toList();
        assertEquals(1, atDue.size(), atDue.toString());
        assertEquals("the other instance", atDue.get(0).getString("detail"));
        assertTrue(it.db.query("SELECT id FROM sync_operation WHERE node_id = 'inst-1'").isEmpty(), "nothing sent twice");
        assertEquals(due.plusSeconds(60), java.time.Instant.parse(it.api.get("api/updates/schedules/" + id, it.admin).json()
                .getString("next_fire_at")));
        assertEquals(204, it.api.delete("api/updates/schedules/" + id, it.admin).status());
    }

    static List<JsonObject> runs(long schedule) throws Exception {
        return it.api.get("api/updates/schedules/" + schedule + "/runs", it.admin).array().getValuesAs(JsonObject.class);
    }

    /** An allow window for {@code node} that opens twelve hours from now, for an hour: the node is outside it. */
    static long closedWindow(String name, String node) throws Exception {
        int hour = (java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour() + 12) % 24;
        Api.Response r = it.api.post("api/updates/windows", it.admin, "{\"name\":\"" + name + "\",\"kind\":\"allow\","
                + "\"cron\":\"0 " + hour + " * * *\",\"duration\":3600,\"node_ids\":[\"" + node + "\"]}");
        assertEquals(201, r.status(), r.toString());
        assertFalse(r.json().getBoolean("open_now"));
        return r.json().getJsonNumber("window_id").longValue();
    }

    /**
     * Outside its allow window a node's manual sync is refused (409 naming the window and when it opens) unless the
     * operator overrides, which the operation records; an open deny window wins over an open allow window; a rollout
     * whose batch is all outside waits at the boundary, RUNNING, and goes on when the window allows.
     */
    @Test
    void maintenanceWindowsRefuseSyncsOutsideThemUnlessOverriddenDenyWinsAndARolloutWaitsForThem() throws Exception {
        registerAt("w-1", first);
        registerAt("w-2", first);
        registerAt("w-3", first);
        long night = closedWindow("night", "w-1");
        JsonObject refused = assertProblem(409, it.api.post("api/nodes/w-1/sync", it.admin, "{}"));
        assertTrue(refused.getString("detail").startsWith("w-1 is outside its maintenance window 'night' (opens "), refused.toString());
        assertTrue(refused.getString("detail").endsWith("set override_window to true to sync it now"), refused.toString());
        assertFalse(it.api.get("api/nodes/w-1/window", it.admin).json().getBoolean("allowed"));
        assertTrue(it.api.get("api/nodes/w-2/window", it.admin).json().getBoolean("allowed"));
        // the node list filters by it: outside its window now, or inside (no window covering counts as inside)
        assertEquals(List.of("w-1"), it.api.get("api/nodes?text=w-&in_window=false", it.admin).array()
                .getValuesAs(JsonObject.class).stream().map(n -> n.getString("node_id")).toList());
        assertEquals(List.of("w-2", "w-3"), it.api.get("api/nodes?text=w-&in_window=true&sort=node_id", it.admin).array()
                .getValuesAs(JsonObject.class).stream().map(n -> n.getString("node_id")).toList());
        assertProblem(400, it.api.get("api/nodes?in_window=maybe", it.admin));
        assertTrue(it.db.query("SELECT id FROM sync_operation WHERE node_id = 'w-1'").isEmpty());
        JsonObject fleet = it.api.post("api/fleet/sync", it.admin, "{\"node_ids\":[\"w-1\"]}").array().getJsonObject(0);
        assertEquals("refused", fleet.getString("result"), fleet.toString());
        assertTrue(fleet.getString("detail").contains("'night'"), fleet.toString());

        Api.Response overridden = it.api.post("api/nodes/w-1/sync", it.admin, "{\"override_window\":true}");
        assertEquals(202, overridden.status(), overridden.toString());
        assertEquals("window 'night' overridden by admin", overridden.json().getString("window_override"));
        // a node no window covers is synced as before, and nothing is recorded
        Api.Response free = it.api.post("api/nodes/w-2/sync", it.admin, "{\"override_window\":true}");
        assertEquals(202, free.status(), free.toString());
        assertFalse(free.json().containsKey("window_override") && !free.json().isNull("window_override"), free.toString());

        // deny wins: w-3 is inside an open allow window and an open deny window
        long open = windowId(it.api.post("api/updates/windows", it.admin, "{\"name\":\"always\",\"kind\":\"allow\","
                + "\"cron\":\"* * * * *\",\"duration\":3600,\"node_ids\":[\"w-3\"]}"));
        long deny = windowId(it.api.post("api/updates/windows", it.admin, "{\"name\":\"freeze\",\"kind\":\"deny\","
                + "\"cron\":\"* * * * *\",\"duration\":3600,\"zone\":\"Asia/Kolkata\",\"node_ids\":[\"w-3\"]}"));
        assertTrue(it.api.get("api/updates/windows/" + deny, it.admin).json().getBoolean("open_now"));
        assertTrue(assertProblem(409, it.api.post("api/nodes/w-3/sync", it.admin, "{}")).getString("detail")
                .startsWith("w-3 is in the deny window 'freeze' until "));
        assertEquals(200, it.api.post("api/updates/windows/" + deny + "/disable", it.admin, null).status());

        // a rollout of w-3 waits while its window is closed, and goes on once the window allows it
        assertEquals(200, it.api.put("api/updates/windows/" + open, it.admin, "{\"name\":\"always\",\"kind\":\"allow\","
                + "\"cron\":\"0 " + ((java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour() + 12) % 24)
                + " * * *\",\"duration\":3600,\"node_ids\":[\"w-3\"]}").status());
        Api.Response started = it.api.post("api/fleet/sync", it.admin, "{\"strategy\":\"rolling\",\"node_ids\":[\"w-3\"]}");
        assertEquals(201, started.status(), started.toString());
        long rollout = started.json().getJsonNumber("rollout_id").longValue();
        JsonObject waiting = Await.until(Duration.ofSeconds(20), () -> it.api.get("api/rollouts/" + rollout, it.admin).json(),
                r -> !r.isNull("reason") && r.getString("reason").startsWith("waiting for a maintenance window: batch 1: w-3"));
        assertEquals("RUNNING", waiting.getString("status"));
        assertEquals(0, waiting.getInt("batch"), waiting.toString());
        assertEquals(200, it.api.post("api/updates/windows/" + open + "/disable", it.admin, null).status());
        JsonObject going = Await.until(Duration.ofSeconds(20), () -> it.api.get("api/rollouts/" + rollout, it.admin).json(),
                r -> r.getInt("batch") == 1);
        assertTrue(going.isNull("reason"), going.toString());
        assertEquals(200, it.api.post("api/rollouts/" + rollout + "/abort", it.admin, null).status());

        // each change is in the windows' audit; a bad window is refused naming its field
        List<String> actions = it.api.get("api/updates/windows/changes", it.admin).array().getValuesAs(JsonObject.class)
                .stream().filter(c -> c.getJsonNumber("object_id").longValue() == open).map(c -> c.getString("action")).toList();
        assertEquals(List.of("disabled", "changed", "created"), actions);
        String ok = "\"name\":\"x\",\"kind\":\"allow\",\"cron\":\"0 2 * * *\",\"duration\":3600";
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("{" + ok.replace("allow", "maybe") + ",\"all_nodes\":true}", "kind");
        bad.put("{" + ok.replace("\"allow\"", "null") + ",\"all_nodes\":true}", "kind");
        for (String d : List.of("0", "59", "604801", "-1", "\"3600\"", "1.5")) {
            bad.put("{" + ok.replace("3600", d) + ",\"all_nodes\":true}", "duration");
        }
        bad.put("{" + ok.replace(",\"duration\":3600", "") + ",\"all_nodes\":true}", "duration");
        bad.put("{" + ok.replace("0 2 * * *", "0 25 * * *") + ",\"all_nodes\":true}", "cron");
        bad.put("{" + ok + ",\"zone\":\"Mars/Olympus\",\"all_nodes\":true}", "zone");
        bad.put("{" + ok + "}", "targets");
        bad.put("{" + ok + ",\"node_ids\":[\"ghost\"]}", "node_ids");
        bad.put("{" + ok + ",\"roles\":[\"\"]}", "roles");
        bad.put("{" + ok.replace("\"x\"", "\"NIGHT\"") + ",\"all_nodes\":true}", "exists");
        int before = it.db.query("SELECT id FROM maintenance_window").size();
        for (Map.Entry<String, String> e : bad.entrySet()) {
            JsonObject problem = assertProblem(e.getValue().equals("exists") ? 409 : 400,
                    it.api.post("api/updates/windows", it.admin, e.getKey()));
            assertTrue(problem.getString("detail").contains(e.getValue()), e.getKey() + " -> " + problem);
        }
        assertEquals(before, it.db.query("SELECT id FROM maintenance_window").size());
        for (long id : List.of(night, open, deny)) {
            assertEquals(204, it.api.delete("api/updates/windows/" + id, it.admin).status());
        }
        assertProblem(404, it.api.get("api/updates/windows/" + night, it.admin));
        assertProblem(400, it.api.get("api/updates/windows/x", it.admin));
    }

    private static long windowId(Api.Response r) {
        assertEquals(201, r.status(), r.toString());
        return r.json().getJsonNumber("window_id").longValue();
    }

    interface Status {
        int of(int i) throws Exception;
    }

    /** {@code count} requests at once (as many threads); their statuses in order. */
    static List<Integer> parallel(int count, Status call) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(count);
        try {
            List<java.util.concurrent.Future<Integer>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> call.of(n)));
            }
            List<Integer> statuses = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Integer> f : futures) {
                statuses.add(f.get(60, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    static String registerAt(String nodeId, String commit) throws Exception {
        Api.Response r = it.api.post("api/nodes", it.admin, "{\"node_id\":\"" + nodeId + "\"}");
        assertEquals(201, r.status(), r.toString());
        String token = r.json().getString("token");
        heartbeat(nodeId, token, commit);
        return token;
    }

    static JsonObject heartbeat(String nodeId, String token, String commit) throws Exception {
        Api.Response r = it.api.post("api/nodes/" + nodeId + "/heartbeat", Api.bearer(token),
                "{\"code_version\":\"" + commit + "\",\"state\":\"IDLE\"}");
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    static JsonObject operation(long id) throws Exception {
        Api.Response r = it.api.get("api/operations/" + id, it.admin);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }


}
