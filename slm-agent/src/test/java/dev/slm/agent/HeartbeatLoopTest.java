package dev.slm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeartbeatLoopTest {

    @TempDir
    Path dir;

    @Test
    void anUnreachableServerIsRetriedWithBackoffThatDoublesUpToTheCap() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Files.writeString(dir.resolve("token"), "t");
        Files.writeString(dir.resolve("agent.properties"),
                "server.url=http://127.0.0.1:" + closedPort + "\nnode.id=n\ntoken.file=token\nstate.dir=.\n");
        AgentConfig config = AgentConfig.load(dir.resolve("agent.properties"));
        HeartbeatLoop loop = new HeartbeatLoop(config, new ServerClient(config));
        assertEquals(Duration.ofSeconds(1), loop.beatOnce());
        assertEquals(Duration.ofSeconds(2), loop.beatOnce());
        assertEquals(Duration.ofSeconds(4), loop.beatOnce());
        for (int i = 0; i < 10; i++) {
            loop.beatOnce();
        }
        assertEquals(HeartbeatLoop.MAX_BACKOFF, loop.beatOnce());
    }

    @Test
    void jitterStaysWithinTenPercent() {
        for (int i = 0; i < 1000; i++) {
            long ms = HeartbeatLoop.jittered(Duration.ofSeconds(30)).toMillis();
            assertTrue(ms >= 27_000 && ms <= 33_000, "jittered to " + ms);
        }
    }
}
