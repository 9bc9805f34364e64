package dev.slm.it.support;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real agent, started from its built distribution ({@code bin/slm-agent}) as a separate process, with its
 * configuration, token and state in {@code dir} (log: {@code dir/agent.log}). Closing it also stops a service the
 * agent started ({@code state/service.pid}), which outlives the agent by design.
 */
public final class AgentProcess implements AutoCloseable {

    private final Process process;
    private final Path dir;

    private AgentProcess(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    public static AgentProcess start(Path dir, URI server, String nodeId, String token, String deployedCommit)
            throws IOException {
        return start(dir, server, nodeId, token, deployedCommit, Map.of());
    }

    /** @param extra more lines of agent.properties (install.dir, signing.key, service.*, health.*) */
    public static AgentProcess start(Path dir, URI server, String nodeId, String token, String deployedCommit,
                                     Map<String, String> extra) throws IOException {
        configure(dir, server, nodeId, token, deployedCommit, extra);
        return restart(dir);
    }

    /** Writes agent.properties, the token and version.json without starting the agent. */
    public static void configure(Path dir, URI server, String nodeId, String token, String deployedCommit,
                                 Map<String, String> extra) throws IOException {
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("token"), token + "\n");
        List<String> lines = new ArrayList<>(List.of(
                "server.url=" + server,
                "node.id=" + nodeId,
                "token.file=token",
                "state.dir=state",
                "hostname=" + nodeId + ".test",
                "roles=web,test"));
        extra.forEach((k, v) -> lines.add(k + "=" + v));
        lines.add("");
        Files.writeString(dir.resolve("agent.properties"), String.join("\n", lines));
        if (deployedCommit != null) {
            writeVersion(dir.resolve("state"), deployedCommit);
        }
    }

    /** Starts the agent again on the configuration and state it left (after {@link #kill()}). */
    public static AgentProcess restart(Path dir) throws IOException {
        Path home = Path.of(System.getProperty("slm.agent.home"));
        ChildProcesses.alsoOnExit(() -> stopService(dir));
        Process p = new ProcessBuilder(home.resolve("bin/slm-agent").toString(), "--config",
                dir.resolve("agent.properties").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent.log").toFile()))
                .start();
        return new AgentProcess(p, dir);
    }

    /** What the updater will do after a swap: write version.json (atomically, by rename). */
    public void deploy(String commit) throws IOException {
        writeVersion(dir.resolve("state"), commit);
    }

    private static void writeVersion(Path stateDir, String commit) throws IOException {
        Path tmp = stateDir.resolve("version.json.tmp");
        Files.writeString(tmp, "{\"commit\":\"" + commit + "\",\"deployed_at\":\"2026-01-01T00:00:00Z\"}");
        Files.move(tmp, stateDir.resolve("version.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, whatever the agent was doing stops mid-step. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        stopService(dir);
    }

    /** The service outlives a killed agent by design; the test's ends with the test. */
    private static void stopService(Path dir) {
        Path pid = dir.resolve("state/service.pid");
        try {
            if (Files.exists(pid)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
