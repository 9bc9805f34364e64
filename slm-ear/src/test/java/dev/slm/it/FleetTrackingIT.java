package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.AgentProcess;
import dev.slm.it.support.Api;
import dev.slm.it.support.Await;
import dev.slm.it.support.TestServer;
import jakarta.json.JsonObject;
import java.util.HexFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WAR on a real Payara Micro, a real PostgreSQL database, a git repository made here and real agent
 * processes: nodes report their commit and the server says, for each, whether it is up to date.
 */
class FleetTrackingIT {

    static final Duration STATUS_WAIT = Duration.ofSeconds(30);

    static TestServer it;
    static final String HOOK_SECRET = "fleet-it-webhook-secret-0123456789";

    @BeforeAll
    static void startServer() throws Exception {
        it = TestServer.start("fleet-it", r -> {
            r.commit("First version", "app/index.html", "<h1>v1</h1>\n");
            r.commit("Outside the tracked path", "README.md", "readme\n");
        }, base -> Map.of("SLM_WEBHOOK_SECRET", HOOK_SECRET));
        assertEquals(200, it.api.put("api/settings/heartbeat_interval_s", it.admin, "{\"value\":\"1\"}").status());
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (it != null) {
            it.close();
        }
    }

    @Test
    void nodeStatusFollowsNewCommitsForcePushesAndTheAgentsReportedVersion() throws Exception {
        String first = refresh().getString("latest_version");
        String token = register("track-1");
        try (AgentProcess agent = AgentProcess.start(it.work.resolve("agent-track-1"), it.server.baseUri(), "track-1", token, first)) {
            JsonObject node = awaitStatus("track-1", "UP_TO_DATE");
            assertEquals(first, node.getString("code_version"));
            assertEquals("track-1.test", node.getString("hostname"));
            assertTrue(node.getBoolean("online"));

            String second = it.repo.commit("Second version", "app/index.html", "<h1>v2</h1>\n");
            assertEquals(second, refresh().getString("latest_version"));
            // stored before the refresh answers: no heartbeat needed
            node = node("track-1");
            assertEquals("OUTDATED", node.getString("code_status"));
            assertEquals(1, node.getInt("commits_behind"));
            assertEquals("Second version", node.getJsonArray("behind").getJsonObject(0).getString("subject"));
            assertTrue(it.api.get("api/updates/pending", it.admin).array().stream()
                    .anyMatch(v -> v.asJsonObject().getString("node_id").equals("track-1")));

            agent.deploy(second);
            awaitStatus("track-1", "UP_TO_DATE");

            // a commit outside app/ changes nothing a node gets: the node stays up to date (issue 12)
            String docs = it.repo.commit("Docs only", "docs/guide.md", "guide\n");
            assertEquals(docs, refresh().getString("latest_version"));
            node = node("track-1");
            assertEquals("UP_TO_DATE", node.getString("code_status"), node.toString());
            assertEquals(0, node.getInt("commits_behind"));
            assertEquals(second, node.getString("code_version"));
            assertTrue(it.api.get("api/updates/pending", it.admin).array().stream()
                    .noneMatch(v -> v.asJsonObject().getString("node_id").equals("track-1")));
            // and a sync would change nothing on it: said, not sent (the web app's preview skips it the same way)
            Api.Response nothing = it.api.post("api/nodes/track-1/sync", it.admin, "{}");
            assertEquals(409, nothing.status(), nothing.toString());
            assertTrue(nothing.json().getString("detail").contains("same content as the target " + docs), nothing.toString());

            it.repo.resetHard(first);
            String rewritten = it.repo.commit("Rewritten history", "app/index.html", "<h1>v2 again</h1>\n");
            assertEquals(rewritten, refresh().getString("latest_version"));
            node = node("track-1");
            assertEquals("DIVERGED", node.getString("code_status"), node.toString());

            agent.deploy(rewritten);
            awaitStatus("track-1", "UP_TO_DATE");

            agent.deploy("0123456789abcdef0123456789abcdef01234567");
            awaitStatus("track-1", "UNKNOWN");
            assertTrue(agent.isAlive());
        }
    }

    /**
     * Issue 16: a push webhook, signed as each forge signs it, makes the server fetch at once — no refresh, no poll
     * (the fetch interval is an hour here). The payload's commit is never used: the fetch decides. Another branch is
     * answered and ignored, a bad signature refused, a replay harmless.
     */
    @Test
    void aSignedPushWebhookFetchesAtOnceAndOtherBranchesBadSignaturesAndReplaysChangeNothing() throws Exception {
        String c = it.repo.commit("Announced by a webhook", "app/hook.txt", "hook 1\n");
        byte[] push = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + "f".repeat(40) + "\"}").getBytes(StandardCharsets.UTF_8);
        Api.Response accepted = hook(push, "X-Hub-Signature-256", "sha256=" + hmac(push), "X-GitHub-Event", "push");
        assertEquals(202, accepted.status(), accepted.toString());
        assertTrue(accepted.json().getString("result").startsWith("accepted: a push to main from Github"), accepted.toString());
        JsonObject status = Await.until(Duration.ofSeconds(15), () -> it.api.get("api/updates/status", it.admin).json(),
                st -> c.equals(st.getString("latest_version")));
        assertTrue(status.getString("last_webhook_result").startsWith("accepted"), status.toString());

        // each forge's own way: GitLab's token, Gitea's plain hex, Bitbucket's X-Hub-Signature
        String c2 = it.repo.commit("Announced by GitLab", "app/hook.txt", "hook 2\n");
        byte[] gitlab = "{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(202, hook(gitlab, "X-Gitlab-Token", HOOK_SECRET, "X-Gitlab-Event", "Push Hook").status());
        Await.until(Duration.ofSeconds(15), () -> latest(), c2::equals);
        String c3 = it.repo.commit("Announced by Gitea", "app/hook.txt", "hook 3\n");
        assertEquals(202, hook(push, "X-Gitea-Signature", hmac(push), "X-Gitea-Event", "push").status());
        Await.until(Duration.ofSeconds(15), () -> latest(), c3::equals);
        String c4 = it.repo.commit("Announced by Bitbucket", "app/hook.txt", "hook 4\n");
        byte[] bitbucket = "{\"changes\":[{\"ref\":{\"id\":\"refs/heads/main\"}}]}".getBytes(StandardCharsets.UTF_8);
        assertEquals(202, hook(bitbucket, "X-Hub-Signature", "sha256=" + hmac(bitbucket), "X-Event-Key",
                "repo:refs_changed").status());
        Await.until(Duration.ofSeconds(15), () -> latest(), c4::equals);

        // another branch and another event: answered, ignored, recorded
        byte[] other = "{\"ref\":\"refs/heads/feature\"}".getBytes(StandardCharsets.UTF_8);
        Api.Response ignored = hook(other, "X-Hub-Signature-256", "sha256=" + hmac(other), "X-GitHub-Event", "push");
        assertEquals(202, ignored.status());
        assertTrue(ignored.json().getString("result").startsWith("ignored: a push to refs/heads/feature"), ignored.toString());
        assertEquals(202, hook(push, "X-Hub-Signature-256", "sha256=" + hmac(push), "X-GitHub-Event", "issues").status());
        assertTrue(it.api.get("api/updates/status", it.admin).json().getString("last_webhook_result")
                .startsWith("ignored: the event 'issues'"));

        // refused, before anything of the body is used: no signature, another secret, a tampered body, SHA-1
        for (String[] headers : new String[][] {{"X-GitHub-Event", "push"},
                {"X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(new byte[32]), "X-GitHub-Event", "push"},
                {"X-Gitlab-Token", HOOK_SECRET + "!", "X-Gitlab-Event", "Push Hook"},
                {"X-Hub-Signature", "sha1=" + "0".repeat(40)}}) {
            assertProblem(401, hook(push, headers));
        }
        byte[] tampered = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + "e".repeat(40) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertProblem(401, hook(tampered, "X-Hub-Signature-256", "sha256=" + hmac(push), "X-GitHub-Event", "push"));
        // a verified body that is not its event's JSON; a body over the limit, refused before it is read
        byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
        assertProblem(400, hook(notJson, "X-Hub-Signature-256", "sha256=" + hmac(notJson), "X-GitHub-Event", "push"));
        assertProblem(413, hook(new byte[3 * 1024 * 1024], "X-GitHub-Event", "push"));
        assertEquals(405, it.api.get("api/hooks/git", null).status());

        // a replay of the first delivery: harmless, the fetch finds what is there (c4), never the payload's commit
        assertEquals(202, hook(push, "X-Hub-Signature-256", "sha256=" + hmac(push), "X-GitHub-Event", "push").status());
        Await.until(Duration.ofSeconds(15), () -> it.api.get("api/updates/status", it.admin).json(),
                st -> st.getString("last_webhook_result").startsWith("accepted"));
        assertEquals(c4, latest());
        // a burst of twenty pushes: every one answered at once, one fetch or two take them all
        List<Integer> burst = SyncIT.parallel(20, i -> hook(push, "X-Hub-Signature-256", "sha256=" + hmac(push),
                "X-GitHub-Event", "push").status());
        assertEquals(java.util.Collections.nCopies(20, 202), burst);
    }

    /**
     * A delivery on a connection of its own: the 413 is answered before the 3 MiB body is read, and the server closes
     * that connection (on the shared client of Api the test read EOF instead of the answer, once).
     */
    private static Api.Response hook(byte[] body, String... headers) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(it.server.baseUri().resolve("api/hooks/git"))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(b.build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new Api.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
    }

    private static String hmac(byte[] body) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static String latest() throws Exception {
        return it.api.get("api/updates/status", it.admin).json().getString("latest_version");
    }

    @Test
    void badAgentInputGetsItsStatusAndProblemBodyAndChangesNothing() throws Exception {
        String latest = refresh().getString("latest_version");
        String token = register("bad-1");
        String otherToken = register("bad-2");
        String path = "api/nodes/bad-1/heartbeat";
        String good = "{\"agent_version\":\"1.0\",\"code_version\":\"" + latest + "\",\"hostname\":\"h\",\"roles\":[\"web\"],\"state\":\"IDLE\"}";
        assertEquals(200, it.api.post(path, Api.bearer(token), good).status());
        List<Map<String, Object>> before = it.db.query("SELECT * FROM node ORDER BY id");

        assertProblem(401, it.api.post(path, null, good));
        assertProblem(401, it.api.post(path, Api.bearer(token + "x"), good));
        assertProblem(401, it.api.post(path, it.admin, good));
        assertProblem(403, it.api.post(path, Api.bearer(otherToken), good));
        assertProblem(404, it.api.post("api/nodes/no-such-node/heartbeat", Api.bearer(token), good));
        assertProblem(400, it.api.post(path, Api.bearer(token), "{\"code_version\": "));
        assertProblem(400, it.api.post(path, Api.bearer(token), "[1,2]"));
        assertProblem(400, it.api.post(path, Api.bearer(token), ""));
        assertProblem(400, it.api.post(path, Api.bearer(token), good.replace(latest, "abc123")));
        assertProblem(400, it.api.post(path, Api.bearer(token), good.replace(latest, latest.toUpperCase())));
        assertProblem(400, it.api.post(path, Api.bearer(token), good.replace("\"IDLE\"", "\"DANCING\"")));
        assertProblem(400, it.api.post(path, Api.bearer(token), good.replace("[\"web\"]", "\"web\"")));

        assertEquals(before, it.db.query("SELECT * FROM node ORDER BY id"), "a refused heartbeat changed the database");
    }

    @Test
    void aNewCommitLeavesANodeThatNeverReportedAsItWas() throws Exception {
        refresh();
        register("silent-1");
        List<Map<String, Object>> before = it.db.query("SELECT * FROM node WHERE id = 'silent-1'");
        String next = it.repo.commit("Fetched while a node never reported", "app/silent.txt", "silent\n");
        // the fetch stores the new commit and recalculates the statuses before it answers
        assertEquals(next, refresh().getString("latest_version"));
        assertEquals(before, it.db.query("SELECT * FROM node WHERE id = 'silent-1'"),
                "a node without a version has no status to recalculate");
        assertEquals("UNKNOWN", node("silent-1").getString("code_status"));
    }

    @Test
    void operatorCallsNeedALoginAndTheRightRole() throws Exception {
        assertEquals(201, it.api.post("api/users", it.admin,
                "{\"username\":\"vera\",\"password\":\"viewer-password-1\",\"role\":\"VIEWER\"}").status());
        assertEquals(201, it.api.post("api/users", it.admin,
                "{\"username\":\"otto\",\"password\":\"operator-password-1\",\"role\":\"OPERATOR\"}").status());
        String viewer = Api.basic("vera", "viewer-password-1");
        String operator = Api.basic("otto", "operator-password-1");

        assertProblem(401, it.api.get("api/updates/status", null));
        assertProblem(401, it.api.get("api/updates/status", Api.basic("admin", "wrong-password")));
        assertEquals(200, it.api.get("api/updates/status", viewer).status());
        assertEquals(200, it.api.get("api/nodes", viewer).status());
        assertProblem(403, it.api.post("api/updates/refresh", viewer, null));
        assertProblem(403, it.api.post("api/nodes", viewer, "{\"node_id\":\"v-1\"}"));
        assertProblem(403, it.api.post("api/nodes", operator, "{\"node_id\":\"o-1\"}"));
        assertProblem(403, it.api.put("api/settings/heartbeat_interval_s", operator, "{\"value\":\"5\"}"));
        assertEquals(200, it.api.post("api/updates/refresh", operator, null).status());
        assertProblem(403, it.api.get("api/users", operator));
        assertTrue(it.db.query("SELECT id FROM node WHERE id IN ('v-1', 'o-1')").isEmpty());

        assertProblem(400, it.api.post("api/nodes", it.admin, "{\"node_id\":\"Bad Name!\"}"));
        assertProblem(400, it.api.post("api/nodes", it.admin, "{}"));
        assertEquals(201, it.api.post("api/nodes", it.admin, "{\"node_id\":\"dup-1\"}").status());
        assertProblem(409, it.api.post("api/nodes", it.admin, "{\"node_id\":\"dup-1\"}"));
        assertProblem(400, it.api.put("api/settings/heartbeat_interval_s", it.admin, "{\"value\":\"0\"}"));
        assertProblem(400, it.api.put("api/settings/no_such_setting", it.admin, "{\"value\":\"1\"}"));
        assertProblem(400, it.api.post("api/users", it.admin, "{\"username\":\"weak\",\"password\":\"short\",\"role\":\"VIEWER\"}"));
        assertEquals(201, it.api.post("api/users", it.admin,
                "{\"username\":\"lea\",\"password\":\"viewer-password-2\",\"role\":\"viewer\"}").status(),
                "roles are taken in either case");
        assertProblem(400, it.api.post("api/users", it.admin, "{\"username\":\"max\",\"password\":\"viewer-password-3\",\"role\":\"root\"}"));
        assertTrue(it.db.query("SELECT password_hash FROM operator_account WHERE username = 'vera'").get(0)
                .get("password_hash").toString().startsWith("PBKDF2WithHmacSHA256:"), "passwords are stored hashed");
    }

    @Test
    void aTokenIsStoredOnlyAsItsHashAndARotatedTokenReplacesTheOldOne() throws Exception {
        String token = register("rot-1");
        String stored = (String) it.db.query("SELECT token_hash FROM node WHERE id = 'rot-1'").get(0).get("token_hash");
        assertFalse(stored.contains(token));
        assertEquals(64, stored.length());
        String heartbeat = "{\"code_version\":null}";
        assertEquals(200, it.api.post("api/nodes/rot-1/heartbeat", Api.bearer(token), heartbeat).status());
        String rotated = it.api.post("api/nodes/rot-1/token", it.admin, null).json().getString("token");
        assertProblem(401, it.api.post("api/nodes/rot-1/heartbeat", Api.bearer(token), heartbeat));
        assertEquals(200, it.api.post("api/nodes/rot-1/heartbeat", Api.bearer(rotated), heartbeat).status());
    }

    @Test
    void anUnreachableRemoteOrADeletedBranchKeepsTheLastKnownStateAndRecordsTheError() throws Exception {
        JsonObject good = refresh();
        String latest = good.getString("latest_version");
        Map<String, Object> counts = Map.copyOf(good.getJsonObject("counts"));
        Path away = it.repo.dir().resolveSibling("repo-away");
        Files.move(it.repo.dir(), away);
        try {
            JsonObject failed = refresh();
            assertEquals(latest, failed.getString("latest_version"));
            assertTrue(failed.getString("last_fetch_error").contains("failed"), failed.toString());
            assertEquals(good.getString("fetched_at"), failed.getString("fetched_at"));
            assertEquals(counts, Map.copyOf(failed.getJsonObject("counts")));
        } finally {
            Files.move(away, it.repo.dir());
        }
        it.repo.git("branch", "-m", "main", "renamed");
        try {
            JsonObject failed = refresh();
            assertEquals(latest, failed.getString("latest_version"));
            assertTrue(failed.getString("last_fetch_error").contains("branch 'main'"), failed.toString());
        } finally {
            it.repo.git("branch", "-m", "renamed", "main");
        }
        JsonObject recovered = refresh();
        assertEquals(latest, recovered.getString("latest_version"));
        assertTrue(recovered.isNull("last_fetch_error"));
    }

    /**
     * Another instance stores a new latest commit (holding the status lock exclusive) while a heartbeat's batch waits
     * for the lock: the heartbeat is then classified against that new commit, never stored against the one before.
     */
    @Test
    void aHeartbeatThatWaitedForANewLatestCommitIsClassifiedAgainstIt() throws Exception {
        String first = refresh().getString("latest_version");
        String token = register("race-1");
        String beat = "{\"code_version\":\"" + first + "\"}";
        assertEquals(200, it.api.post("api/nodes/race-1/heartbeat", Api.bearer(token), beat).status());
        String second = it.repo.commit("Fetched by this instance", "app/race.txt", "race\n");
        assertEquals(second, refresh().getString("latest_version"));
        assertEquals(200, it.api.post("api/nodes/race-1/heartbeat", Api.bearer(token), beat).status());
        assertEquals("OUTDATED", node("race-1").getString("code_status"));

        // the force-push back to the first commit happens for real: a fetch of this instance that is still on its way
        // (an earlier test's burst of webhooks announces one or two) then finds what "another instance" stores below.
        // With the repository left at the second commit, such a fetch stored it after the lock was released, and the
        // heartbeat was answered with it (seen once in a full run)
        it.repo.resetHard(first);
        CompletableFuture<Api.Response> heartbeat;
        try (Connection other = it.db.connect()) {
            // "another instance" fetched the force-push and recomputed the statuses
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + STATUS_LOCK + ")");
                s.execute("UPDATE tracked_source SET latest_commit = '" + first + "'");
                s.execute("UPDATE node SET code_status = 'UP_TO_DATE', commits_behind = NULL, status_basis = '"
                        + first + "' WHERE code_version = '" + first + "'");
            }
            heartbeat = CompletableFuture.supplyAsync(() -> {
                try {
                    return it.api.post("api/nodes/race-1/heartbeat", Api.bearer(token), beat);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // the heartbeats' own statement waits, not a fetch that wants the lock too
            Await.until(Duration.ofSeconds(10), () -> it.db.query("SELECT count(*) AS waiting FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND wait_event = 'advisory'"
                    + " AND query LIKE '%store_heartbeats%'").get(0).get("waiting"),
                    waiting -> ((Number) waiting).intValue() == 1);
            assertFalse(heartbeat.isDone(), "the heartbeat did not wait for the status lock");
            other.commit();
        }
        Api.Response answer = heartbeat.get(20, TimeUnit.SECONDS);
        assertEquals(200, answer.status(), answer.toString());
        assertEquals(first, answer.json().getString("latest_version"));
        assertFalse(answer.json().getBoolean("update_available"));
        Map<String, Object> row = it.db.query("SELECT code_status, status_basis FROM node WHERE id = 'race-1'").get(0);
        assertEquals("UP_TO_DATE", row.get("code_status"));
        assertEquals(first, row.get("status_basis"));
        // back to the second commit, for the other tests
        it.repo.resetHard(second);
        assertEquals(second, refresh().getString("latest_version"));
    }

    /**
     * A new commit's statuses are stored after it, outside the transaction that stores it. A heartbeat stored between
     * the recalculation's read of the nodes and its UPDATE (here: while the UPDATE waits for the node's row) has
     * already classified the node against the new commit, for the version it now runs: the UPDATE leaves it alone.
     */
    @Test
    void aStatusRecalculationNeverOverwritesWhatAHeartbeatStoredMeanwhile() throws Exception {
        String first = refresh().getString("latest_version");
        reportingNode("guard-1", first);
        String second = it.repo.commit("Recalculated while a heartbeat lands", "app/guard.txt", "guard\n");
        // the recalculation read the node as it was and its UPDATE waits for the row; meanwhile the node's heartbeat,
        // now on the new commit, is stored
        JsonObject done = refreshWhile("SELECT 1 FROM node WHERE id = 'guard-1' FOR UPDATE",
                "wait_event_type = 'Lock' AND query LIKE 'UPDATE node SET code_status%'",
                "UPDATE node SET code_version = '" + second + "', code_status = 'UP_TO_DATE', commits_behind = 0,"
                        + " status_basis = '" + second + "' WHERE id = 'guard-1'");
        assertEquals(second, done.getString("latest_version"));
        JsonObject node = node("guard-1");
        assertEquals(second, node.getString("code_version"));
        assertEquals("UP_TO_DATE", node.getString("code_status"), node.toString());
    }

    /**
     * Every version nodes run is classified before a new commit is stored; a node that reported a version none ran
     * while the commit waited to be stored is classified after, with the rest.
     */
    @Test
    void aVersionFirstReportedWhileANewCommitIsStoredIsClassifiedAgainstIt() throws Exception {
        String first = refresh().getString("latest_version");
        reportingNode("late-1", first);
        String middle = it.repo.commit("Run by no node yet", "app/late.txt", "middle\n");
        String third = it.repo.commit("Stored while a node reports the one before", "app/late.txt", "third\n");
        // the fetch has classified the versions it knew and waits to store the new commit; meanwhile the node's
        // heartbeat stores a new version, classified against the commit still stored
        JsonObject done = refreshWhile("SELECT pg_advisory_xact_lock(" + STATUS_LOCK + ")", "wait_event = 'advisory'",
                "UPDATE node SET code_version = '" + middle + "', code_status = 'DIVERGED', commits_behind = NULL,"
                        + " status_basis = '" + first + "' WHERE id = 'late-1'");
        assertEquals(third, done.getString("latest_version"));
        JsonObject node = node("late-1");
        assertEquals("OUTDATED", node.getString("code_status"), node.toString());
        assertEquals(1, node.getInt("commits_behind"));
        assertEquals(third, it.db.query("SELECT status_basis FROM node WHERE id = 'late-1'").get(0).get("status_basis"));
    }

    /** Registers the node and stores one heartbeat of it reporting {@code commit}. */
    private static void reportingNode(String nodeId, String commit) throws Exception {
        String token = register(nodeId);
        assertEquals(200, it.api.post("api/nodes/" + nodeId + "/heartbeat", Api.bearer(token),
                "{\"code_version\":\"" + commit + "\"}").status());
    }

    /**
     * Refreshes while a transaction of the test holds what {@code hold} takes, until the server waits for it as
     * {@code waiting} (a condition on pg_stat_activity) says; then runs {@code meanwhile} in that transaction and
     * commits it.
     *
     * @return the refresh's answer
     */
    private JsonObject refreshWhile(String hold, String waiting, String meanwhile) throws Exception {
        CompletableFuture<Api.Response> refresh;
        try (Connection test = it.db.connect()) {
            test.setAutoCommit(false);
            try (Statement s = test.createStatement()) {
                s.execute(hold);
                refresh = CompletableFuture.supplyAsync(this::refreshCall);
                Await.until(Duration.ofSeconds(60), () -> it.db.query("SELECT count(*) AS waiting FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND " + waiting).get(0).get("waiting"),
                        n -> ((Number) n).intValue() == 1);
                s.execute(meanwhile);
            }
            test.commit();
        }
        Api.Response done = refresh.get(30, TimeUnit.SECONDS);
        assertEquals(200, done.status(), done.toString());
        return done.json();
    }

    /**
     * PostgreSQL drops every connection of the server (as when it restarts): the next heartbeat and the next operator
     * call work at once — the pool validates a connection before handing it out, the heartbeat writer replaces its own.
     */
    @Test
    void theServerKeepsWorkingWhenTheDatabaseDropsItsConnections() throws Exception {
        String latest = refresh().getString("latest_version");
        String token = register("reconnect-1");
        String beat = "{\"code_version\":\"" + latest + "\",\"hostname\":\"before\"}";
        assertEquals(200, it.api.post("api/nodes/reconnect-1/heartbeat", Api.bearer(token), beat).status());
        assertEquals("before", node("reconnect-1").getString("hostname"));
        // the same report again changes nothing, so the writer's last statement is store_heartbeats (a status change
        // is followed by the look for a late success, whose statement the writer's connection would show instead)
        assertEquals(200, it.api.post("api/nodes/reconnect-1/heartbeat", Api.bearer(token), beat).status());
        List<Map<String, Object>> writer = it.db.query("SELECT pid FROM pg_stat_activity"
                + " WHERE datname = current_database() AND query LIKE '%store_heartbeats(%' AND pid <> pg_backend_pid()");
        assertEquals(1, writer.size(), "the heartbeat writer's connection");
        List<Map<String, Object>> killed = it.db.query("SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
        assertTrue(killed.size() >= 2, "the pool's connections and the writer's: " + killed);

        Api.Response after = it.api.post("api/nodes/reconnect-1/heartbeat", Api.bearer(token),
                beat.replace("before", "after"));
        assertEquals(200, after.status(), after.toString());
        assertEquals("after", node("reconnect-1").getString("hostname"));
        assertEquals(200, it.api.get("api/updates/status", it.admin).status());
    }

    /** SourceStore.STATUS_LOCK: heartbeats take it shared, a change of the latest commit exclusive. */
    static final long STATUS_LOCK = 0x534C4D0001L;

    /** FetchLock.KEY: the session advisory lock an instance holds while it fetches. */
    static final long FETCH_LOCK = 0x534C4D0002L;

    @Test
    void aFetchWaitsWhileAnotherInstanceFetchesAndNotAfterThatInstanceDied() throws Exception {
        refresh();
        String next = it.repo.commit("Committed while another instance fetches", "app/lease.txt", "lease\n");
        CompletableFuture<Api.Response> refresh;
        try (Connection other = it.db.connect(); Statement s = other.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + FETCH_LOCK + ")");
            refresh = CompletableFuture.supplyAsync(this::refreshCall);
            // the server has tried the lock once it is a connection's last statement
            Await.until(Duration.ofSeconds(30), () -> it.db.query("SELECT 1 FROM pg_stat_activity"
                    + " WHERE query LIKE 'SELECT pg_try_advisory_lock%'").size(), tries -> tries > 0);
            assertFalse(refresh.isDone(), "the refresh did not wait for the other instance's fetch");
            assertNotEquals(next, it.db.query("SELECT latest_commit FROM tracked_source").get(0).get("latest_commit"));
            s.execute("SELECT pg_advisory_unlock(" + FETCH_LOCK + ")");
            Api.Response done = refresh.get(20, TimeUnit.SECONDS);
            assertEquals(200, done.status(), done.toString());
            assertEquals(next, done.json().getString("latest_version"));
        }

        // an instance killed mid-fetch: its session ends with it, and with the session its lock (before the lock, a
        // lease row left by a killed instance kept Refresh waiting a minute and then failing, for ten minutes)
        String after = it.repo.commit("Committed after an instance died", "app/lease.txt", "died\n");
        try (Connection dying = it.db.connect(); Statement s = dying.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + FETCH_LOCK + ")");
            int pid = ((Number) it.db.query("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = "
                    + (FETCH_LOCK & 0xffffffffL) + " AND granted").get(0).get("pid")).intValue();
            it.db.query("SELECT pg_terminate_backend(?)", pid);
            Api.Response done = refreshCall();
            assertEquals(200, done.status(), done.toString());
            assertEquals(after, done.json().getString("latest_version"));
        }
    }

    private Api.Response refreshCall() {
        try {
            return it.api.post("api/updates/refresh", it.admin, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void statusCountsNodesPerCodeStatus() throws Exception {
        String latest = refresh().getString("latest_version");
        String token = register("count-1");
        JsonObject before = it.api.get("api/updates/status", it.admin).json();
        assertEquals(200, it.api.post("api/nodes/count-1/heartbeat", Api.bearer(token),
                "{\"code_version\":\"" + latest + "\"}").status());
        JsonObject after = it.api.get("api/updates/status", it.admin).json();
        JsonObject b = before.getJsonObject("counts");
        JsonObject a = after.getJsonObject("counts");
        assertEquals(b.getInt("UP_TO_DATE") + 1, a.getInt("UP_TO_DATE"));
        assertEquals(b.getInt("UNKNOWN") - 1, a.getInt("UNKNOWN"));
        assertEquals(before.getInt("nodes"), after.getInt("nodes"));
        assertTrue(after.getInt("online") >= 1);
        assertEquals("app", after.getString("path"));
    }

    @Test
    void aNodeIsOfflineAfterThreeMissedHeartbeatIntervals() throws Exception {
        String token = register("quiet-1");
        assertFalse(node("quiet-1").getBoolean("online"), "a node that never reported is offline");
        assertEquals(200, it.api.post("api/nodes/quiet-1/heartbeat", Api.bearer(token), "{\"code_version\":null}").status());
        assertTrue(node("quiet-1").getBoolean("online"));
        // the interval is 1 s in this test class: three missed heartbeats take a little over 3 s
        Await.until(Duration.ofSeconds(10), () -> node("quiet-1"), n -> !n.getBoolean("online"));
    }

    /**
     * {@code GET /api/nodes} answers with the Nodes page's own queries: several statuses, online, text, role and
     * commits behind, sorted both ways by the page's columns, paged with the total in {@code X-Total-Count} and the
     * next page in {@code Link}; a parameter or value it cannot use is a 400 problem naming it.
     */
    @Test
    void theNodeListFiltersSortsAndPagesAsTheNodesPageDoes() throws Exception {
        // this class's 1 s interval takes a node offline 3 s after its heartbeat: a long one while the list is read
        assertEquals(200, it.api.put("api/settings/heartbeat_interval_s", it.admin, "{\"value\":\"3600\"}").status());
        try {
            String base = refresh().getString("latest_version");
            it.repo.git("checkout", "-q", "-b", "list-side", base);
            String side = it.repo.commit("Listed, on a side branch only", "app/list.txt", "side\n");
            it.repo.git("checkout", "-q", "main");
            String older = it.repo.commit("Listed, one behind", "app/list.txt", "older\n");
            String latest = it.repo.commit("Listed, latest", "app/list.txt", "latest\n");
            assertEquals(latest, refresh().getString("latest_version"));
            listedNode("list-1", latest, "alpha.list.test", "web");
            listedNode("list-2", older, "beta.list.test", "web\",\"eu");
            listedNode("list-3", base, "gamma.list.test", "db");
            listedNode("list-4", side, "delta.list.test", "db");
            register("list-5"); // never reports: UNKNOWN and offline, no host name
            listedNode("list-6", "0123456789abcdef0123456789abcdef01234567", "epsilon.list.test", "web");

            Api.Response all = list("text=list-");
            assertEquals(List.of("list-1", "list-2", "list-3", "list-4", "list-5", "list-6"), ids(all));
            Map<String, String> statuses = new java.util.TreeMap<>();
            all.array().forEach(v -> statuses.put(v.asJsonObject().getString("node_id"), v.asJsonObject().getString("code_status")));
            assertEquals(Map.of("list-1", "UP_TO_DATE", "list-2", "OUTDATED", "list-3", "OUTDATED", "list-4", "DIVERGED",
                    "list-5", "UNKNOWN", "list-6", "UNKNOWN"), statuses, all.body());
            assertEquals("6", all.header("X-Total-Count"));
            assertNull(all.header("Link"), "one page");

            // filters, alone and together
            assertEquals(List.of("list-2", "list-3", "list-4"), ids(list("text=list-&status=OUTDATED&status=DIVERGED")));
            assertEquals(List.of("list-2", "list-3", "list-4"), ids(list("text=list-&status=OUTDATED,DIVERGED")));
            assertEquals("3", list("text=list-&status=OUTDATED,DIVERGED").header("X-Total-Count"));
            assertEquals(List.of("list-1", "list-5", "list-6"), ids(list("text=list-&status=UNKNOWN&status=UP_TO_DATE")));
            assertEquals(List.of("list-5"), ids(list("text=list-&online=false")));
            assertEquals(List.of("list-1", "list-2", "list-3", "list-4", "list-6"), ids(list("text=list-&online=true")));
            assertEquals(List.of("list-1"), ids(list("text=ALPHA.list")), "the host name, in any case");
            assertEquals(List.of("list-4"), ids(list("text=LIST-4")));
            // lowered by the database on both sides: Java lowered the text alone, a final Σ to ς (PostgreSQL: σ)
            listedNode("greek-1", latest, "ΟΔΟΣ.list.test", "web");
            assertEquals(List.of("greek-1"), ids(list("text=%CE%9F%CE%94%CE%9F%CE%A3")), "the host name ΟΔΟΣ");
            assertEquals(List.of("greek-1"), ids(list("text=%CE%BF%CE%B4%CE%BF%CF%83.")), "οδοσ.");
            assertEquals(List.of("list-2"), ids(list("text=list-&role=eu")));
            assertEquals(List.of("list-3", "list-4"), ids(list("text=list-&role=db")));
            assertEquals(List.of("list-2", "list-3"), ids(list("text=list-&behind_gt=0")));
            assertEquals(List.of("list-3"), ids(list("text=list-&behind_gt=1")));
            assertEquals(List.of(), ids(list("text=list-&behind_gt=2")));
            assertEquals(List.of("list-6"), ids(list("text=list-&status=UNKNOWN&online=true&role=web")));

            // sorted by the page's columns, both ways (no host name: first ascending, last descending), ties by id
            assertEquals(List.of("list-3", "list-2"), ids(list("text=list-&status=OUTDATED&sort=commits_behind,desc")));
            assertEquals(List.of("list-2", "list-3"), ids(list("text=list-&status=OUTDATED&sort=commits_behind,asc")));
            List<String> byHost = List.of("list-5", "list-1", "list-2", "list-4", "list-6", "list-3");
            assertEquals(byHost, ids(list("text=list-&sort=hostname,asc")));
            assertEquals(byHost, ids(list("text=list-&sort=hostname")));
            List<String> byHostDescending = List.of("list-3", "list-6", "list-4", "list-2", "list-1", "list-5");
            assertEquals(byHostDescending, ids(list("text=list-&sort=hostname,desc")));
            assertEquals(List.of("list-4", "list-3", "list-2", "list-6", "list-5", "list-1"),
                    ids(list("text=list-&sort=code_status,asc&sort=node_id,desc")));

            // pages: every node once, the total on each, the next page's link
            Api.Response first = list("text=list-&sort=hostname,desc&size=4");
            assertEquals(byHostDescending.subList(0, 4), ids(first));
            assertEquals("6", first.header("X-Total-Count"));
            String next = link(first, "next");
            assertNull(link(first, "prev"));
            Api.Response second = it.api.get(next, it.admin);
            assertEquals(byHostDescending.subList(4, 6), ids(second));
            assertEquals("6", second.header("X-Total-Count"));
            assertNull(link(second, "next"), second.header("Link"));
            assertEquals(ids(first), ids(it.api.get(link(second, "prev"), it.admin)));
            List<String> paged = new java.util.ArrayList<>();
            for (int page = 0; page < 3; page++) {
                Api.Response r = list("text=list-&sort=hostname,desc&size=2&page=" + page);
                assertEquals("6", r.header("X-Total-Count"), "page " + page);
                paged.addAll(ids(r));
            }
            assertEquals(byHostDescending, paged, "no node twice, none left out");
            Api.Response beyond = list("text=list-&size=2&page=3");
            assertEquals(List.of(), ids(beyond));
            assertEquals("6", beyond.header("X-Total-Count"));

            // no parameter: the fleet (below the 1,000 cut-off) by node id, a viewer may read it
            assertEquals(201, it.api.post("api/users", it.admin,
                    "{\"username\":\"lister\",\"password\":\"viewer-password-9\",\"role\":\"VIEWER\"}").status());
            Api.Response fleet = it.api.get("api/nodes", Api.basic("lister", "viewer-password-9"));
            List<String> every = ids(fleet);
            assertEquals(it.db.query("SELECT id FROM node ORDER BY id").stream().map(row -> (String) row.get("id")).toList(),
                    every);
            assertTrue(every.containsAll(ids(all)), every.toString());
            assertEquals(String.valueOf(every.size()), fleet.header("X-Total-Count"));

            // what it cannot use: 400 naming the parameter, after the login
            Map<String, String> refused = new java.util.LinkedHashMap<>();
            refused.put("status=BOGUS", "status ");
            refused.put("status=OUTDATED,", "status ");
            refused.put("size=-5", "size ");
            refused.put("size=0", "size ");
            refused.put("size=10001", "size ");
            refused.put("size=abc", "size ");
            refused.put("page=-1", "page ");
            refused.put("online=maybe", "online ");
            refused.put("behind_gt=-1", "behind_gt ");
            refused.put("behind_gt=99999999999999999999", "behind_gt ");
            refused.put("sort=token_hash,asc", "sort ");
            refused.put("sort=hostname,sideways", "sort direction ");
            refused.put("text=a%00b", "text ");
            refused.put("page=1&page=2", "page ");
            refused.put("foo=1", "unknown query parameter 'foo'");
            for (Map.Entry<String, String> e : refused.entrySet()) {
                JsonObject problem = assertProblem(400, list(e.getKey()));
                assertTrue(problem.getString("detail").startsWith(e.getValue()), e.getKey() + ": " + problem);
            }
            assertProblem(401, it.api.get("api/nodes?status=BOGUS", null));
        } finally {
            assertEquals(200, it.api.put("api/settings/heartbeat_interval_s", it.admin, "{\"value\":\"1\"}").status());
        }
    }

    /** Registers the node and stores one heartbeat of it; {@code roles} is the inside of a JSON array of strings. */
    private static void listedNode(String nodeId, String commit, String hostname, String roles) throws Exception {
        String token = register(nodeId);
        Api.Response r = it.api.post("api/nodes/" + nodeId + "/heartbeat", Api.bearer(token), "{\"code_version\":\"" + commit
                + "\",\"hostname\":\"" + hostname + "\",\"roles\":[\"" + roles + "\"]}");
        assertEquals(200, r.status(), r.toString());
    }

    private static Api.Response list(String query) throws Exception {
        return it.api.get("api/nodes?" + query, it.admin);
    }

    private static List<String> ids(Api.Response r) {
        assertEquals(200, r.status(), r.toString());
        return r.array().stream().map(v -> v.asJsonObject().getString("node_id")).toList();
    }

    /** The URL of the {@code Link} header's relation, or null. */
    private static String link(Api.Response r, String rel) {
        String header = r.header("Link");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<([^>]*)>; rel=\"" + rel + "\"")
                .matcher(header == null ? "" : header);
        return m.find() ? m.group(1) : null;
    }

    static JsonObject assertProblem(int status, Api.Response r) {
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.toString());
        JsonObject problem = r.json();
        assertEquals(status, problem.getInt("status"), r.toString());
        assertFalse(problem.getString("detail", "").isBlank(), r.toString());
        return problem;
    }

    static JsonObject refresh() throws Exception {
        Api.Response r = it.api.post("api/updates/refresh", it.admin, null);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    static String register(String nodeId) throws Exception {
        Api.Response r = it.api.post("api/nodes", it.admin, "{\"node_id\":\"" + nodeId + "\"}");
        assertEquals(201, r.status(), r.toString());
        return r.json().getString("token");
    }

    static JsonObject node(String nodeId) throws Exception {
        Api.Response r = it.api.get("api/nodes/" + nodeId, it.admin);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    static JsonObject awaitStatus(String nodeId, String status) throws Exception {
        return Await.until(STATUS_WAIT, () -> node(nodeId), n -> status.equals(n.getString("code_status")));
    }
}
