package dev.slm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeartbeatLoopTest {

    @TempDir
    Path dir;

    /**
     * A port bound but not listening: every connection to it is refused, and no one else can take it during the test
     * (a port closed after the OS gave it out could be).
     */
    final Socket refusing = new Socket();

    @BeforeEach
    void reservePort() throws IOException {
        refusing.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void releasePort() throws IOException {
        refusing.close();
    }

    @Test
    void anUnreachableServerIsRetriedWithBackoffThatDoublesUpToTheCap() throws Exception {
        int closedPort = refusing.getLocalPort();
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
        assertEquals(Backoff.MAX, loop.beatOnce());
    }

    @Test
    void badAnswersFromTheServerNeverStopTheAgentAndGoodOnesSetTheInterval() throws Exception {
        String[] answer = {"500", "<html>oops</html>"};
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes()));
            byte[] out = answer[1].getBytes();
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
        try {
            Files.writeString(dir.resolve("token"), "t");
            Files.createDirectories(dir.resolve("state"));
            Files.writeString(dir.resolve("agent.properties"), "server.url=http://127.0.0.1:"
                    + server.getAddress().getPort() + "\nnode.id=n\ntoken.file=token\nstate.dir=state\n");
            AgentConfig config = AgentConfig.load(dir.resolve("agent.properties"));
            HeartbeatLoop loop = new HeartbeatLoop(config, new ServerClient(config));

            assertEquals(Duration.ofSeconds(1), loop.beatOnce());
            answer[0] = "200";
            answer[1] = "not json at all";
            assertEquals(Duration.ofSeconds(2), loop.beatOnce());
            answer[1] = "[1, 2]";
            assertEquals(Duration.ofSeconds(4), loop.beatOnce());
            answer[1] = "{\"status\":\"ok\",\"heartbeat_interval_s\":10}";
            Duration next = loop.beatOnce();
            assertTrue(next.toMillis() >= 9_000 && next.toMillis() <= 11_000, "interval " + next);

            String commit = "0123456789abcdef0123456789abcdef01234567";
            Files.writeString(dir.resolve("state/version.json"), "{\"commit\":\"" + commit + "\"}");
            loop.beatOnce();
            assertTrue(bodies.get(bodies.size() - 1).contains(commit), "version.json is re-read for each heartbeat");
            assertTrue(bodies.get(0).contains("\"code_version\":null"), bodies.get(0));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void jitterStaysWithinTenPercent() {
        for (int i = 0; i < 1000; i++) {
            long ms = HeartbeatLoop.jittered(Duration.ofSeconds(30)).toMillis();
            assertTrue(ms >= 27_000 && ms <= 33_000, "jittered to " + ms);
        }
    }
}
