package dev.slm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.slm.agent.update.Updater;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers of a broken or hostile server (or of a connection dropped on the way) that must not hold or fill the agent:
 * HttpClient's request timeout ends with the headers, so a body that stops arriving, or never ends, is the agent's
 * own business. {@code read.timeout.s = 1} here.
 */
class ServerAnswersTest {

    @TempDir
    Path root;

    HttpServer server;
    /** What the server answers: the status, the declared length (0: chunked), the bytes sent, then a stall. */
    volatile int status = 200;
    volatile long declared;
    volatile byte[] sent = new byte[0];
    volatile boolean stall;
    final CountDownLatch released = new CountDownLatch(1);
    /** The Upgrade header of every request ("null" when there was none). */
    final java.util.Queue<String> upgrades = new java.util.concurrent.ConcurrentLinkedQueue<>();
    ServerClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            try (exchange) {
                upgrades.add(String.valueOf(exchange.getRequestHeaders().getFirst("Upgrade")));
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(status, declared);
                OutputStream out = exchange.getResponseBody();
                out.write(sent);
                out.flush();
                if (stall) {
                    released.await(30, TimeUnit.SECONDS);
                }
            } catch (IOException | InterruptedException gaveUp) {
                // the agent closed the connection: what it should do
            }
        });
        server.start();
        Files.writeString(root.resolve("token"), "t");
        Files.writeString(root.resolve("agent.properties"), String.join("\n",
                "server.url = http://127.0.0.1:" + server.getAddress().getPort(), "node.id = n1", "token.file = token",
                "state.dir = " + root.resolve("state"), "read.timeout.s = 1", ""));
        client = new ServerClient(AgentConfig.load(root.resolve("agent.properties")));
    }

    @AfterEach
    void stop() {
        released.countDown();
        server.stop(0);
    }

    @Test
    void aHeartbeatAnswerThatStopsHalfwayFailsWithinTheReadTimeoutInsteadOfHoldingTheHeartbeat() {
        sent = "{\"status\":".getBytes(StandardCharsets.UTF_8);
        declared = 1000;
        stall = true;
        // the server stalls for 30 s and then closes: only the agent's own 1 s read time-out gives this reason
        IOException e = assertThrows(IOException.class, this::heartbeat);
        assertTrue(e.getMessage().contains("sent nothing for 1 s"), e.getMessage());
    }

    @Test
    void theAgentSpeaksHttp11WithoutAskingForAnUpgradeToHttp2() throws Exception {
        sent = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
        declared = sent.length;
        heartbeat();
        heartbeat();
        assertEquals(java.util.List.of("null", "null"), java.util.List.copyOf(upgrades));
    }

    @Test
    void aHeartbeatAnswerBeyondOneMebibyteIsRefusedUnread() {
        byte[] huge = new byte[1024 * 1024 + 10];
        java.util.Arrays.fill(huge, (byte) ' ');
        huge[huge.length - 2] = '{';
        huge[huge.length - 1] = '}';
        sent = huge;
        IOException e = assertThrows(IOException.class, this::heartbeat);
        assertTrue(e.getMessage().contains("larger than 1024 KiB"), e.getMessage());
    }

    @Test
    void aDownloadThatStopsHalfwayFailsWithinTheReadTimeoutAndKeepsWhatArrivedForTheResume() throws Exception {
        sent = new byte[100];
        declared = 1000;
        stall = true;
        Path part = Files.createDirectories(root.resolve("state")).resolve("p.tar.gz.part");
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/nodes/n1/code-package");
        IOException e = assertThrows(IOException.class, () -> client.download(url, part, 1000));
        assertTrue(String.valueOf(e.getMessage()).contains("sent nothing for 1 s"), String.valueOf(e));
        assertFalse(e instanceof Updater.DownloadRefused, "a stall is retried: " + e);
        assertEquals(100, Files.size(part));
    }

    @Test
    void aDiskThatFillsDuringTheDownloadIsNamedInTheReason() throws Exception {
        // /dev/full answers every write as a full disk does; Java's own message says only "No space left on device"
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full));
        sent = new byte[100];
        declared = 100;
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/nodes/n1/code-package");
        IOException e = assertThrows(IOException.class, () -> client.download(url, full, 100));
        String reason = dev.slm.agent.update.Reasons.of(e);
        assertTrue(reason.contains("No space left on device") && reason.contains("/dev/full"), reason);
    }

    private void heartbeat() throws Exception {
        client.heartbeat(new ServerClient.Heartbeat("test", Optional.empty(), "host", List.of(), AgentState.IDLE, null, List.of()));
    }
}
