package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.AgentProcess;
import dev.slm.it.support.ChildProcesses;
import dev.slm.it.support.Await;
import dev.slm.it.support.TestServer;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent killed with SIGKILL in the middle of each step of an update — downloading, extracting, swapping,
 * restarting — and started again: the node ends on one whole release, reports it, and the operation ends. Then the
 * agent managing its own code: it moves itself to a new release through its launcher, and a release of itself that
 * cannot start is reverted by the launcher and reported ROLLED_BACK.
 * <p>
 * The tracked tree holds a small service ({@code serve.sh}, which takes three seconds to drain on SIGTERM), a
 * pre-activation hook that waits while the test holds it, 2 MB that do not compress, and the agent's own
 * distribution ({@code bin/}, {@code lib/}).
 */
class AgentRecoveryIT {

    static final String SERVICE = String.join("\n",
            "#!/bin/sh",
            "v=$(cat VERSION)",
            "trap 'trap \"\" TERM; echo \"draining $v\" >> \"$SERVICE_LOG\"; sleep 3; echo \"drained $v\" >> \"$SERVICE_LOG\"; exit 0' TERM",
            "echo \"started $v\" >> \"$SERVICE_LOG\"",
            "while true; do sleep 1 & wait $!; done", "");

    /** Runs in releases/.<commit>.extracting; the node's directory is three levels up. */
    static final String HOOK = String.join("\n",
            "#!/bin/sh",
            "node=../../..",
            "if [ -f $node/hold-hook ]; then",
            "  touch $node/hook-running",
            "  while [ -f $node/hold-hook ]; do sleep 0.1; done",
            "fi", "");

    /** A stand-in for systemctl (no systemd here): a unit that runs serve.sh and is slow to report "started". */
    static final String SYSTEMCTL = String.join("\n",
            "#!/bin/sh",
            "node=$(cd \"$(dirname \"$0\")\" && pwd)",
            "verb=$1; shift; [ \"$1\" = --quiet ] && shift",
            "pidf=$node/unit.pid",
            "alive() { [ -f \"$pidf\" ] && kill -0 \"$(cat \"$pidf\")\" 2>/dev/null; }",
            "case $verb in",
            "  start) alive && exit 0",
            "    (cd \"$node/opt/current\" && SERVICE_LOG=\"$node/events.log\" exec sh serve.sh) </dev/null >/dev/null 2>&1 &",
            "    echo $! > \"$pidf\"",
            "    touch \"$node/starting\"; while [ -f \"$node/hold-start\" ]; do sleep 0.1; done; rm -f \"$node/starting\" ;;",
            "  stop) if alive; then kill \"$(cat \"$pidf\")\"; while alive; do sleep 0.1; done; fi; rm -f \"$pidf\" ;;",
            "  is-active) alive ;;",
            "  *) exit 1 ;;",
            "esac", "");

    static TestServer it;
    static String key;
    static String first;
    static Path agentHome = Path.of(System.getProperty("slm.agent.home"));

    @BeforeAll
    static void start() throws Exception {
        it = TestServer.start("agent-recovery-it", r -> {
            r.commit("service", "app/serve.sh", SERVICE);
            r.commitExecutable("hook", "app/.slm/pre-activate", HOOK);
            byte[] noise = new byte[2 * 1024 * 1024];
            new Random(7).nextBytes(noise);
            Files.createDirectories(r.dir().resolve("app"));
            Files.write(r.dir().resolve("app/noise.bin"), noise);
            r.commitTree("the agent", "app", agentHome);
            r.commit("v1", "app/VERSION", "v1\n");
        });
        assertEquals(200, it.api.put("api/settings/heartbeat_interval_s", it.admin, "{\"value\":\"1\"}").status());
        key = it.api.get("api/signing-key", null).json().getString("public_key");
        first = it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version");
    }

    @AfterAll
    static void stop() throws Exception {
        if (it != null) {
            it.close();
        }
    }

    /** A node deployed by a first sync (to whatever is latest), with its agent running. */
    AgentProcess deployedNode(String nodeId, Map<String, String> config) throws Exception {
        String token = it.api.post("api/nodes", it.admin, "{\"node_id\":\"" + nodeId + "\"}").json().getString("token");
        Path dir = it.work.resolve(nodeId);
        Map<String, String> all = new HashMap<>(Map.of("install.dir", "opt", "signing.key", key,
                "service.controller", "process", "service.start", "env SERVICE_LOG=" + dir.resolve("events.log") + " sh serve.sh",
                "drain.timeout.s", "30"));
        all.putAll(config);
        AgentProcess agent = AgentProcess.start(dir, it.server.baseUri(), nodeId, token, null, all);
        try {
            assertEquals("SUCCEEDED", awaitEnd(sync(nodeId, "immediate")).getString("status"));
            return agent;
        } catch (Exception | AssertionError e) {
            agent.close();
            throw e;
        }
    }

    static String newCommit(String label) throws Exception {
        it.repo.commit(label, "app/VERSION", label + "\n");
        return it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version");
    }

    @Test
    void killedWhileDownloadingItResumesTheDownloadAndDeploys() throws Exception {
        Path dir = it.work.resolve("dl-1");
        AgentProcess agent = deployedNode("dl-1", Map.of("download.limit.kb.s", "1000")); // 2 s or more for the package
        AgentProcess again = null;
        String base = current(dir);
        try {
            String target = newCommit("dl");
            long id = sync("dl-1", "immediate");
            Path part = dir.resolve("state/staging/" + target + ".tar.gz.part");
            Await.until(Duration.ofSeconds(30), () -> Files.exists(part) ? Files.size(part) : 0L, n -> n > 300_000);
            agent.kill();
            long kept = Files.size(part);
            assertTrue(kept < 2 * 1024 * 1024, "killed before the package was complete: " + kept);
            assertEquals(base, current(dir), "nothing touched current");

            again = AgentProcess.restart(dir);
            assertEndsOn(id, dir, target);
            assertTrue(Files.readString(dir.resolve("agent.log")).contains("resuming the download of"),
                    "the second agent continued the .part file with a Range request");
            assertTrue(Files.notExists(part));
        } finally {
            close(agent, again);
        }
    }

    @Test
    void killedWhileExtractingItExtractsAfreshAndDeploys() throws Exception {
        Path dir = it.work.resolve("ex-1");
        AgentProcess agent = deployedNode("ex-1", Map.of());
        AgentProcess again = null;
        String base = current(dir);
        try {
            String target = newCommit("ex");
            Files.writeString(dir.resolve("hold-hook"), "");
            long id = sync("ex-1", "immediate");
            Await.until(Duration.ofSeconds(30), () -> Files.exists(dir.resolve("hook-running")), b -> b);
            agent.kill();
            assertTrue(Files.isDirectory(dir.resolve("opt/releases/." + target + ".extracting")),
                    "the kill left a half-made release");
            assertTrue(Files.notExists(dir.resolve("opt/releases/" + target)));
            assertEquals(base, current(dir));

            Files.delete(dir.resolve("hold-hook"));
            again = AgentProcess.restart(dir);
            assertEndsOn(id, dir, target);
            assertEquals("ex\n", Files.readString(dir.resolve("opt/current/VERSION")));
            try (Stream<Path> s = Files.list(dir.resolve("opt/releases"))) {
                assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList(),
                        "no half-made release is left");
            }
        } finally {
            close(agent, again);
        }
    }

    @Test
    void killedWhileTheServiceDrainsBeforeTheSwapItFinishesTheSwap() throws Exception {
        Path dir = it.work.resolve("sw-1");
        AgentProcess agent = deployedNode("sw-1", Map.of());
        AgentProcess again = null;
        String base = current(dir);
        String old = label(dir);
        try {
            String target = newCommit("sw");
            long id = sync("sw-1", "graceful");
            Await.until(Duration.ofSeconds(30), () -> events(dir), e -> e.contains("draining " + old));
            agent.kill();
            assertTrue(state(dir).contains("\"stage\":\"SWAPPING\""), state(dir));
            assertEquals(base, current(dir), "killed before the swap: the old release is whole");

            again = AgentProcess.restart(dir);
            assertEndsOn(id, dir, target);
            Await.until(Duration.ofSeconds(5), () -> events(dir), e -> e.contains("started sw"));
            assertEquals(List.of("started " + old, "draining " + old, "drained " + old, "started sw"), events(dir));
        } finally {
            close(agent, again);
        }
    }

    @Test
    void killedWhileTheServiceStartsItDoesNotStartItTwice() throws Exception {
        Path dir = it.work.resolve("rs-1");
        Files.createDirectories(dir);
        Path systemctl = dir.resolve("systemctl");
        Files.writeString(systemctl, SYSTEMCTL);
        systemctl.toFile().setExecutable(true);
        AgentProcess agent = deployedNode("rs-1", Map.of("service.controller", "systemd", "service.unit", "app.service",
                "systemctl", systemctl.toString()));
        AgentProcess again = null;
        String base = current(dir);
        String old = label(dir);
        try {
            String target = newCommit("rs");
            Files.writeString(dir.resolve("hold-start"), "");
            long id = sync("rs-1", "immediate");
            Await.until(Duration.ofSeconds(30), () -> Files.exists(dir.resolve("starting")), b -> b);
            agent.kill();
            assertTrue(state(dir).contains("\"stage\":\"RESTARTING\""), state(dir));
            assertEquals(target, current(dir), "swapped, then killed while systemctl start waited for the unit");

            Files.delete(dir.resolve("hold-start"));
            again = AgentProcess.restart(dir);
            JsonObject op = awaitEnd(id);
            assertEquals("SUCCEEDED", op.getString("status"), op.toString());
            assertEquals(List.of("started " + old, "draining " + old, "drained " + old, "started rs"), events(dir),
                    "the resumed agent found the unit started and did not start it again");
        } finally {
            close(agent, again);
            Path pid = dir.resolve("unit.pid");
            if (Files.exists(pid)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void theAgentUpdatesItselfThroughItsLauncherAndTheLauncherRevertsAReleaseThatCannotStart() throws Exception {
        String token = it.api.post("api/nodes", it.admin, "{\"node_id\":\"self-1\"}").json().getString("token");
        Path dir = it.work.resolve("self-1");
        Path opt = dir.resolve("opt");
        // installed as the Ansible role does it: a first release, current, and the launcher beside them
        Files.createDirectories(opt.resolve("releases"));
        copyTree(agentHome, opt.resolve("releases/" + first));
        Files.createSymbolicLink(opt.resolve("current"), Path.of("releases/" + first));
        Files.copy(agentHome.resolve("bin/slm-agent-launcher"), opt.resolve("slm-agent-launcher"),
                StandardCopyOption.COPY_ATTRIBUTES);
        AgentProcess.configure(dir, it.server.baseUri(), "self-1", token, first,
                Map.of("install.dir", "opt", "signing.key", key, "self.managed", "true"));
        ProcessBuilder pb = new ProcessBuilder(opt.resolve("slm-agent-launcher").toString(), "--config",
                dir.resolve("agent.properties").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile());
        pb.environment().put("SLM_AGENT_SUPERVISE", "1");
        pb.environment().put("SLM_AGENT_MAX_STARTS", "3");
        ChildProcesses.guard();
        Process launcher = pb.start();
        try {
            assertEquals(first, Await.until(Duration.ofSeconds(30), () -> codeVersion("self-1"), first::equals));
            assertEquals(first, runningRelease(launcher));

            String second = newCommit("self-v2");
            JsonObject op = awaitEnd(sync("self-1", "immediate"));
            assertEquals("SUCCEEDED", op.getString("status"), op + "\n" + Files.readString(dir.resolve("agent.log")));
            assertEquals(second, current(dir));
            assertEquals(second, Await.until(Duration.ofSeconds(10), () -> runningRelease(launcher), second::equals),
                    "the launcher runs the new release of the agent");
            assertTrue(Files.notExists(opt.resolve("agent-trial")), "the new agent confirmed itself");
            assertEquals(second, codeVersion("self-1"));

            it.repo.commitExecutable("an agent that cannot start", "app/bin/slm-agent",
                    "#!/bin/sh\necho 'this agent cannot start' >&2\nexit 1\n");
            String broken = it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version");
            op = awaitEnd(sync("self-1", "immediate"));
            assertEquals("ROLLED_BACK", op.getString("status"), op + "\n" + Files.readString(dir.resolve("agent.log")));
            assertTrue(op.getString("message").contains("did not come up in 3 starts"), op.toString());
            assertEquals(second, current(dir));
            assertEquals(second, runningRelease(launcher), "the previous release of the agent runs again");
            assertTrue(Files.isDirectory(opt.resolve("releases/" + broken)), "the broken release was really tried");
            String log = Files.readString(dir.resolve("agent.log"));
            assertEquals(3, log.lines().filter(l -> l.contains("this agent cannot start")).count(), log);
            assertEquals(second, codeVersion("self-1"));
        } finally {
            launcher.destroy(); // SIGTERM: the supervise loop stops the agent and leaves
            if (!launcher.waitFor(15, TimeUnit.SECONDS)) {
                launcher.descendants().forEach(ProcessHandle::destroyForcibly);
                launcher.destroyForcibly();
            }
        }
    }

    /** The release the launcher's agent process runs, from its class path. */
    static String runningRelease(Process launcher) {
        return launcher.descendants().map(h -> h.info().commandLine().orElse(""))
                .map(cmd -> java.util.regex.Pattern.compile("releases/([0-9a-f]{40})/lib").matcher(cmd))
                .filter(java.util.regex.Matcher::find).map(m -> m.group(1)).findFirst().orElse(null);
    }

    static String codeVersion(String nodeId) throws Exception {
        JsonObject node = it.api.get("api/nodes/" + nodeId, it.admin).json();
        return node.isNull("code_version") ? null : node.getString("code_version");
    }

    static void copyTree(Path from, Path to) throws Exception {
        Process p = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
    }

    // --- helpers

    static long sync(String nodeId, String type) throws Exception {
        // a node may run the latest commit already (a reinstall, asked for)
        var r = it.api.post("api/nodes/" + nodeId + "/sync", it.admin, "{\"restart_type\":\"" + type + "\",\"reinstall\":true}");
        assertEquals(202, r.status(), r.toString());
        return r.json().getJsonNumber("operation_id").longValue();
    }

    static JsonObject awaitEnd(long id) throws Exception {
        return Await.until(Duration.ofSeconds(90), () -> it.api.get("api/operations/" + id, it.admin).json(),
                o -> List.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "TIMED_OUT").contains(o.getString("status")));
    }

    /** The operation ends SUCCEEDED with the node's current release on the target. */
    static void assertEndsOn(long id, Path dir, String target) throws Exception {
        JsonObject op = awaitEnd(id);
        assertEquals("SUCCEEDED", op.getString("status"), op.toString());
        assertEquals(target, current(dir));
    }

    static String current(Path dir) throws Exception {
        return Files.readSymbolicLink(dir.resolve("opt/current")).getFileName().toString();
    }

    /** What the deployed service calls its version. */
    static String label(Path dir) throws Exception {
        return Files.readString(dir.resolve("opt/current/VERSION")).trim();
    }

    static String state(Path dir) throws Exception {
        Path s = dir.resolve("state/state.json");
        return Files.exists(s) ? Files.readString(s) : "(no state.json)";
    }

    static List<String> events(Path dir) throws Exception {
        Path log = dir.resolve("events.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    static void close(AgentProcess... agents) throws Exception {
        for (AgentProcess a : agents) {
            if (a != null) {
                a.close();
            }
        }
    }
}
