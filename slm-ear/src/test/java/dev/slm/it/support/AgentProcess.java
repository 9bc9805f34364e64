package dev.slm.it.support;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The real agent, started from its built distribution ({@code bin/slm-agent}) as a separate process. */
public final class AgentProcess implements AutoCloseable {

    private final Process process;
    private final Path stateDir;

    private AgentProcess(Process process, Path stateDir) {
        this.process = process;
        this.stateDir = stateDir;
    }

    public static AgentProcess start(Path dir, URI server, String nodeId, String token, String deployedCommit)
            throws IOException {
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("token"), token + "\n");
        Files.writeString(dir.resolve("agent.properties"), String.join("\n",
                "server.url=" + server,
                "node.id=" + nodeId,
                "token.file=token",
                "state.dir=state",
                "hostname=" + nodeId + ".test",
                "roles=web,test", ""));
        AgentProcess agent = new AgentProcess(null, dir.resolve("state"));
        if (deployedCommit != null) {
            agent.deploy(deployedCommit);
        }
        Path home = Path.of(System.getProperty("slm.agent.home"));
        Process p = new ProcessBuilder(home.resolve("bin/slm-agent").toString(), "--config",
                dir.resolve("agent.properties").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("agent.log").toFile()))
                .start();
        return new AgentProcess(p, dir.resolve("state"));
    }

    /** What the updater will do after a swap: write version.json (atomically, by rename). */
    public void deploy(String commit) throws IOException {
        Path tmp = stateDir.resolve("version.json.tmp");
        Files.writeString(tmp, "{\"commit\":\"" + commit + "\",\"deployed_at\":\"2026-01-01T00:00:00Z\"}");
        Files.move(tmp, stateDir.resolve("version.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
