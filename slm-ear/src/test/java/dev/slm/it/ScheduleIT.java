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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Update schedules on the real server with three real agents (two of the role "web", one "db"), each deploying a
 * real small service (python3's http.server) it health-checks: a schedule every minute for the role "web" syncs only
 * the web nodes that need it, leaves out the one a deny window covers with the reason, and records each run, one per
 * minute; the server killed with SIGKILL over a firing time and started again within the grace makes that time up
 * once.
 */
class ScheduleIT {

    static TestServer it;
    static final Map<String, AgentProcess> agents = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        it = TestServer.start("schedule-it", r -> {
            r.commit("v1", "app/index.html", "<h1>v1</h1>\n");
            r.commit("health", "app/health.txt", "ok\n");
        });
        assertEquals(200, it.api.put("api/settings/heartbeat_interval_s", it.admin, "{\"value\":\"1\"}").status());
        // offline after 10 s of silence, not 3: beside a browser test on two cores a heartbeat can come 5 s late, and a
        // firing must find the nodes online
        assertEquals(200, it.api.put("api/settings/offline_after_missed_heartbeats", it.admin, "{\"value\":\"10\"}").status());
        String key = it.api.get("api/signing-key", null).json().getString("public_key");
        for (String node : List.of("web-1", "web-2", "db-1")) {
            String token = it.api.post("api/nodes", it.admin, "{\"node_id\":\"" + node + "\"}").json().getString("token");
            int port = MicroServer.freePort();
            Path dir = it.work.resolve(node);
            agents.put(node, AgentProcess.start(dir, it.server.baseUri(), node, token, null, Map.of(
                    "roles", node.startsWith("web") ? "web,eu" : "db",
                    "install.dir", "opt",
                    "signing.key", key,
                    "service.controller", "process",
                    "service.start", "python3 -m http.server " + port + " --bind 127.0.0.1",
                    "health.url", "http://127.0.0.1:" + port + "/health.txt",
                    "health.deadline.s", "30")));
        }
        String c1 = refresh();
        // every node runs c1 for real first: then a new commit makes them all outdated
        assertEquals(202, it.api.post("api/fleet/sync", it.admin, "{\"node_ids\":[\"web-1\",\"web-2\",\"db-1\"],"
                + "\"restart_type\":\"immediate\"}").status());
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
    void aScheduleForARoleFiresOncePerMinuteSkipsADeniedNodeAndMakesUpATimeTheServerWasDownFor() throws Exception {
        String c2 = it.repo.commit("v2", "app/index.html", "<h1>v2</h1>\n");
        assertEquals(c2, refresh());
        Api.Response deny = it.api.post("api/updates/windows", it.admin, "{\"name\":\"freeze web-2\",\"kind\":\"deny\","
                + "\"cron\":\"* * * * *\",\"duration\":3600,\"node_ids\":[\"web-2\"]}");
        assertEquals(201, deny.status(), deny.toString());
        Api.Response created = it.api.post("api/updates/schedules", it.admin, "{\"name\":\"web every minute\","
                + "\"cron\":\"* * * * *\",\"zone\":\"America/New_York\",\"roles\":[\"web\"]}");
        assertEquals(201, created.status(), created.toString());
        long id = created.json().getJsonNumber("schedule_id").longValue();

        // the first firing: web-1 synced for real; web-2 left out by the deny window; db-1 is no target
        JsonObject first = Await.until(Duration.ofSeconds(90), () -> ended(id, 1), r -> r != null);
        assertEquals("FIRED", first.getString("state"), first.toString());
        assertEquals(1, first.getInt("sent"), first.toString());
        assertEquals(c2, first.getString("target_commit"));
        Map<String, String> skipped = skipped(first);
        assertEquals(List.of("web-2"), List.copyOf(skipped.keySet()), first.toString());
        assertTrue(skipped.get("web-2").startsWith("outside window: web-2 is in the deny window 'freeze web-2' until "),
                skipped.toString());
        // a rollback stays rolled back (issue 13): the fleet pinned at c2, a new commit c3 changes nothing for the
        // schedule; pinned before c3 arrives, so that no firing in between takes c3 for the desired commit
        assertEquals(200, it.api.put("api/updates/pin", it.admin, "{\"commit\":\"" + c2 + "\",\"reason\":\"hold\"}").status());
        String c3 = it.repo.commit("v3", "app/index.html", "<h1>v3</h1>\n");
        assertEquals(c3, refresh());
        Await.until(Duration.ofSeconds(90), () -> node("web-1"), n -> c2.equals(n.getString("code_version", "")));
        assertFalse(c2.equals(node("db-1").getString("code_version")), "db-1 is not a web node");
        assertFalse(c2.equals(node("web-2").getString("code_version")), "web-2 is frozen");
        JsonObject pinned = Await.until(Duration.ofSeconds(90), () -> ended(id, 2), r -> r != null);
        assertEquals("NOTHING_TO_DO", pinned.getString("state"), pinned.toString());
        assertEquals(c2, pinned.getString("target_commit"), "the desired commit is the pin");
        assertTrue(skipped(pinned).get("web-1").matches("(up to date|busy).*"), pinned.toString());
        // the next firing, unpinned, sends c3. It is one time T of the day, 20-80 s ahead, instead of every minute: the
        // server is killed 8 s before T and comes back after it, within the grace (15 minutes), and T is made up, once.
        // With every minute, a restart slower than a minute (beside two other classes on two cores, once 68 s) had a
        // newer time to fire, and T was rightly recorded as missed
        ZonedDateTime at = ZonedDateTime.now(ZoneId.of("America/New_York")).plusSeconds(20).truncatedTo(ChronoUnit.MINUTES)
                .plusMinutes(1);
        Api.Response once = it.api.put("api/updates/schedules/" + id, it.admin, "{\"name\":\"web every minute\","
                + "\"cron\":\"" + at.getMinute() + " " + at.getHour() + " * * *\",\"zone\":\"America/New_York\",\"roles\":[\"web\"]}");
        assertEquals(200, once.status(), once.toString());
        assertEquals(200, it.api.delete("api/updates/pin", it.admin).status());
        Instant missed = Instant.parse(it.api.get("api/updates/schedules/" + id, it.admin).json().getString("next_fire_at"));
        assertEquals(at.toInstant(), missed);
        Await.until(Duration.ofSeconds(70), Duration.ofMillis(200), Instant::now, now -> !now.isBefore(missed.minusSeconds(8)));
        assertTrue(Instant.now().isBefore(missed), "killed before the firing time");
        it.killAndRestart();
        assertTrue(Instant.now().isAfter(missed), "started again after the firing time");
        // (after a start a firing waits until its nodes have had the time to report again: Scheduler)
        JsonObject madeUp = Await.until(Duration.ofSeconds(150), () -> runs(id).stream()
                .filter(r -> Instant.parse(r.getString("planned_at")).equals(missed) && !r.getString("state").equals("FIRING"))
                .findFirst().orElse(null), r -> r != null);
        assertEquals("FIRED", madeUp.getString("state"), madeUp.toString());
        assertEquals(c3, madeUp.getString("target_commit"));
        assertTrue(Instant.parse(madeUp.getString("started_at")).isAfter(missed), madeUp.toString());
        Await.until(Duration.ofSeconds(90), () -> node("web-1"), n -> c3.equals(n.getString("code_version", "")));

        assertEquals(200, it.api.post("api/updates/schedules/" + id + "/disable", it.admin, null).status());
        // once per minute while it was every minute: every planned time once, a minute apart, the first two in a row;
        // then T, once
        List<Instant> planned = runs(id).stream().map(r -> Instant.parse(r.getString("planned_at"))).sorted().toList();
        assertEquals(planned.size(), planned.stream().distinct().count(), planned.toString());
        assertEquals(Instant.parse(first.getString("planned_at")).plusSeconds(60), planned.get(1), planned.toString());
        assertEquals(missed, planned.get(planned.size() - 1), planned.toString());
        for (int i = 1; i < planned.size() - 1; i++) {
            assertEquals(60, Duration.between(planned.get(i - 1), planned.get(i)).toSeconds(), planned.toString());
        }
        assertTrue(runs(id).stream().noneMatch(r -> r.getString("state").equals("MISSED")), runs(id).toString());
    }

    // ---- helpers ----

    static List<JsonObject> runs(long schedule) throws Exception {
        return it.api.get("api/updates/schedules/" + schedule + "/runs", it.admin).array().getValuesAs(JsonObject.class);
    }

    /** The n-th run (oldest first) once it has ended, or null. */
    static JsonObject ended(long schedule, int n) throws Exception {
        List<JsonObject> runs = runs(schedule);
        if (runs.size() < n) {
            return null;
        }
        JsonObject r = runs.get(runs.size() - n);
        return r.getString("state").equals("FIRING") ? null : r;
    }

    static Map<String, String> skipped(JsonObject run) {
        return run.getJsonArray("skipped").getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(o -> o.getString("node_id"), o -> o.getString("reason"), (a, b) -> a, LinkedHashMap::new));
    }

    static String refresh() throws Exception {
        return it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version");
    }

    static JsonObject node(String id) throws Exception {
        return it.api.get("api/nodes/" + id, it.admin).json();
    }
}
