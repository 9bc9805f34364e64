package dev.slm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slm.agent.update.Command;
import dev.slm.agent.update.PackageVerifier;
import dev.slm.agent.update.TestPackages;
import dev.slm.agent.update.TestPackages.Entry;
import dev.slm.agent.update.Updater;
import dev.slm.agent.update.UpdaterFactory;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent against a server of the test's own that signs with a test key and serves hostile commands and packages,
 * over real HTTP. The node first runs a release deployed by a good sync; after each hostile command the operation is
 * reported FAILED with a reason a person can act on, {@code current} and the running service are untouched, and not
 * one file of the whole test root (install dir, state dir, configuration) was created, changed or deleted. A second
 * server on another port never sees a request: the node's token stays on its own server.
 */
class HostileServerTest {

    static final String OLD = "1".repeat(40);
    static final String NEW = "2".repeat(40);
    static final String NODE = "n1";
    static final String TOKEN = "node-token-that-must-not-leak";

    @TempDir
    Path root;

    KeyPair key;
    HttpServer server;
    HttpServer foreign;
    final List<String> foreignRequests = new CopyOnWriteArrayList<>();
    final List<String[]> reports = new CopyOnWriteArrayList<>();
    volatile JsonObject command;
    volatile byte[] served;
    /** Package requests to answer with half the body and a broken connection, then with 404. */
    volatile int brokenDownloads;
    volatile boolean refuseDownloads;
    /** Package requests received (each download attempt). */
    final java.util.concurrent.atomic.AtomicInteger packageRequests = new java.util.concurrent.atomic.AtomicInteger();
    /** Package requests to answer as a Payara still deploying the server does: 404 with its HTML error page. */
    volatile int startingDownloads;
    /** How a resumed download (a Range request) is answered: null (properly), "416", or "206 from byte 0". */
    volatile String resumeAnswer;
    /** Where package requests are redirected to, if anywhere. */
    volatile String redirectDownloads;
    ServerClient client;
    Updater updater;

    /** One hostile case: how the command (and the package served with it) is spoiled, and what the reason says. */
    record Attack(String name, String reasonContains, Spoil spoil) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Spoil {
        void apply(HostileServerTest t, Map<String, Object> command) throws Exception;
    }

    static Stream<Arguments> attacks() {
        List<Attack> a = new ArrayList<>();
        // the target becomes a directory name
        for (String target : List.of("../../../etc", "/etc", "", "HEAD", "AB12".repeat(10), NEW.substring(1), NEW + "2",
                NEW + "\n", "..", NEW.substring(0, 39) + "/", "2".repeat(63))) {
            a.add(new Attack("target " + Command.class.getSimpleName() + " " + target.replace("\n", "\\n"),
                    "target_commit must be a full commit id", (t, c) -> c.put("target_commit", target)));
        }
        a.add(new Attack("target missing", "target_commit must be a full commit id", (t, c) -> c.remove("target_commit")));
        a.add(new Attack("target a number", "target_commit must be a full commit id", (t, c) -> c.put("target_commit", 42L)));
        a.add(new Attack("restart unknown", "restart must be one of", (t, c) -> c.put("restart", "reboot")));
        a.add(new Attack("restart a number", "restart must be one of", (t, c) -> c.put("restart", 1L)));
        // the package URL carries the token
        a.add(new Attack("url on another port", "is not on the server", (t, c) -> c.put("package_url",
                "http://127.0.0.1:" + t.foreign.getAddress().getPort() + "/api/nodes/n1/code-package")));
        a.add(new Attack("url other scheme", "is not on the server", (t, c) -> c.put("package_url",
                "https://127.0.0.1:" + t.server.getAddress().getPort() + "/api/nodes/n1/code-package")));
        a.add(new Attack("url other host name", "is not on the server", (t, c) -> c.put("package_url",
                "http://localhost:" + t.foreign.getAddress().getPort() + "/x")));
        a.add(new Attack("url file", "is not on the server", (t, c) -> c.put("package_url", "file:///etc/passwd")));
        a.add(new Attack("url with user info", "is not on the server", (t, c) -> c.put("package_url",
                "http://x@127.0.0.1:" + t.server.getAddress().getPort() + "/api/nodes/n1/code-package")));
        a.add(new Attack("url malformed", "package_url is not a URL", (t, c) -> c.put("package_url", "http://[::1")));
        a.add(new Attack("url missing", "package_url is missing", (t, c) -> c.remove("package_url")));
        // the signed command: this node, this operation, these fields, not before
        a.add(new Attack("command not signed", "is not signed", (t, c) -> c.put("_after", Map.of("signed_command", OMIT))));
        a.add(new Attack("command signature missing", "is not signed",
                (t, c) -> c.put("_after", Map.of("command_signature", OMIT))));
        a.add(new Attack("command signed by another key", "command's signature does not verify",
                (t, c) -> c.put("_signer", KeyPairGenerator.getInstance("Ed25519").generateKeyPair())));
        a.add(new Attack("command for another node", "signed for node \"n2\"", (t, c) -> c.put("_node", "n2")));
        a.add(new Attack("restart changed after signing", "not the one the server signed",
                (t, c) -> c.put("_after", Map.of("restart", "manual"))));
        a.add(new Attack("target changed after signing", "not the one the server signed", (t, c) -> {
            c.put("_after", Map.of("target_commit", "3".repeat(40)));
        }));
        a.add(new Attack("manifest swapped after signing", "not the one the server signed", (t, c) -> {
            byte[] other = TestPackages.manifest(1, NEW, "0".repeat(64), 10, 10240);
            c.put("_after", Map.of("manifest", Base64.getEncoder().encodeToString(other),
                    "manifest_signature", TestPackages.sign(t.key, other)));
        }));
        a.add(new Attack("old command issued a day ago", "an old command replayed is refused",
                (t, c) -> c.put("_issued", Instant.now().minus(java.time.Duration.ofDays(1)))));
        // the signed manifest decides what is installed
        a.add(new Attack("manifest missing", "no signed manifest", (t, c) -> c.remove("manifest")));
        a.add(new Attack("manifest not base64", "no signed manifest", (t, c) -> c.put("manifest", "not base64!")));
        a.add(new Attack("signature missing", "no signed manifest", (t, c) -> c.remove("manifest_signature")));
        a.add(new Attack("signed by another key", "does not verify", (t, c) -> {
            KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            c.put("manifest_signature", TestPackages.sign(other, decode(c.get("manifest"))));
        }));
        a.add(new Attack("digest signature only", "does not verify", (t, c) -> c.put("manifest_signature",
                TestPackages.sign(t.key, HexFormat.of().parseHex(PackageVerifier.sha256(t.packageFile()))))));
        a.add(new Attack("replay of an old package", "not the target", (t, c) -> {
            t.served(List.of(Entry.version(OLD), Entry.file("index.html", "old")));
            t.sign(c, TestPackages.manifest(OLD, t.packageFile()));
        }));
        a.add(new Attack("manifest format 2", "format 2", (t, c) -> t.sign(c, TestPackages.manifest(2, NEW,
                PackageVerifier.sha256(t.packageFile()), Files.size(t.packageFile()), 10240))));
        a.add(new Attack("no disk space for the download", "not enough disk space to download", (t, c) ->
                t.sign(c, TestPackages.manifest(1, NEW, PackageVerifier.sha256(t.packageFile()), 1L << 60, 10240))));
        a.add(new Attack("no disk space to unpack", "not enough disk space to unpack", (t, c) ->
                t.sign(c, TestPackages.manifest(1, NEW, PackageVerifier.sha256(t.packageFile()),
                        Files.size(t.packageFile()), 1L << 60))));
        // the package itself
        a.add(new Attack("download broken, then refused", "refused the download (404): no package", (t, c) -> {
            t.brokenDownloads = 1; // a .part with half the package stays for the resume, which the server refuses
            t.refuseDownloads = true;
        }));
        a.add(new Attack("download redirected to another server", "redirect", (t, c) -> t.redirectDownloads =
                "http://127.0.0.1:" + t.foreign.getAddress().getPort() + "/api/nodes/n1/code-package"));
        a.add(new Attack("download redirected on the same server", "redirect", (t, c) -> t.redirectDownloads =
                "/api/nodes/n1/code-package?version=" + NEW + "&again"));
        a.add(new Attack("package altered on the way", "digest", (t, c) -> {
            t.served[t.served.length / 2] ^= 1;
        }));
        a.add(new Attack("package longer than signed", "more than the", (t, c) -> {
            t.served = java.util.Arrays.copyOf(t.served, t.served.length + 100_000);
        }));
        a.add(new Attack("package shorter than signed", "bytes; the signed manifest says", (t, c) -> {
            t.served = java.util.Arrays.copyOf(t.served, t.served.length - 10);
        }));
        a.add(new Attack("package without version.json", "has no version.json", (t, c) ->
                t.servedAndSigned(c, List.of(Entry.file("index.html", "new")))));
        a.add(new Attack("version.json of another commit", "version.json names commit", (t, c) ->
                t.servedAndSigned(c, List.of(Entry.version(OLD), Entry.file("index.html", "new")))));
        a.add(new Attack("version.json a symlink", "has no version.json", (t, c) -> t.servedAndSigned(c, List.of(
                Entry.file("real.json", "{\"commit\":\"" + NEW + "\"}"), new Entry('l', "version.json", "real.json")))));
        a.add(new Attack("version.json not json", "not a JSON object", (t, c) ->
                t.servedAndSigned(c, List.of(Entry.file("version.json", "commit=" + NEW)))));
        // the archive classes of STACK.md, each signed as a good package would be
        Map<String, List<Entry>> archives = new LinkedHashMap<>();
        archives.put("dotdot", List.of(Entry.file("../escaped.txt", "x")));
        archives.put("absolute", List.of(Entry.file("/tmp/slm-hostile-absolute.txt", "x")));
        archives.put("backslash", List.of(Entry.file("..\\..\\x.txt", "x")));
        archives.put("symlink to root", List.of(new Entry('l', "root", "/")));
        archives.put("symlink up", List.of(new Entry('l', "up", "../../..")));
        archives.put("write through symlink", List.of(new Entry('l', "dir", "/tmp"), Entry.file("dir/x.txt", "x")));
        archives.put("hard link", List.of(new Entry('h', "passwd", "/etc/passwd")));
        archives.put("fifo", List.of(new Entry('p', "pipe", null)));
        archives.put("link chain up", List.of(new Entry('d', "a/", null), new Entry('l', "a/up", ".."),
                new Entry('l', "x", "a/up/..")));
        archives.forEach((name, entries) -> a.add(new Attack("archive " + name, "", (t, c) -> {
            List<Entry> all = new ArrayList<>(List.of(Entry.version(NEW)));
            all.addAll(entries);
            t.servedAndSigned(c, all);
        })));
        return a.stream().map(Arguments::of);
    }

    @BeforeEach
    void start() throws Exception {
        key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::serve);
        server.start();
        foreign = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        foreign.createContext("/", exchange -> {
            foreignRequests.add(exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        foreign.start();

        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("token"), TOKEN);
        Files.writeString(etc.resolve("agent.properties"), String.join("\n",
                "server.url = http://127.0.0.1:" + server.getAddress().getPort(),
                "node.id = " + NODE, "token.file = token", "state.dir = " + root.resolve("state"),
                "install.dir = " + root.resolve("opt"), "signing.key = " + TestPackages.publicKey(key),
                "service.controller = process", "service.start = sleep 600", "health.command = true",
                "health.deadline.s = 10", ""));
        AgentConfig config = AgentConfig.load(etc.resolve("agent.properties"));
        client = new ServerClient(config);
        updater = UpdaterFactory.create(config, client).orElseThrow();

        // a good sync first: the node runs OLD, its service is up
        served(List.of(Entry.version(OLD), Entry.file("index.html", "old")));
        Map<String, Object> good = validCommand(1, OLD);
        command = json(good);
        heartbeatAndRun();
        assertEquals(Optional.of(OLD), currentRelease());
        assertTrue(lastReport(1)[1] == null || !lastReport(1)[1].equals("FAILED"), "the first sync deploys");
        assertTrue(servicePid().isPresent(), "the service runs");
    }

    @AfterEach
    void stop() throws IOException {
        servicePid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        server.stop(0);
        foreign.stop(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void aHostileCommandOrPackageIsRefusedWithAReasonAndChangesNothing(Attack attack) throws Exception {
        served(List.of(Entry.version(NEW), Entry.file("index.html", "new")));
        Map<String, Object> c = validCommand(2, NEW);
        attack.spoil().apply(this, c);
        command = json(c);
        Map<String, String> before = listing(root);
        String commandsTaken = Files.readString(root.resolve("state/commands.json"));
        long pid = servicePid().orElseThrow();

        heartbeatAndRun();

        String[] last = lastReport(2);
        assertNotNull(last, "the operation was answered");
        assertEquals("FAILED", last[0], attack + ": " + last[1]);
        assertNotNull(last[1], "a reason");
        assertTrue(last[1].contains(attack.reasonContains()), "reason: " + last[1]);
        assertTrue(last[1].length() > 20 && !last[1].equals(root.toString()), "a reason a person can act on: " + last[1]);
        assertEquals(Optional.of(OLD), currentRelease(), "current is untouched");
        assertEquals(Optional.of(pid), servicePid(), "the service was not restarted");
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the service still runs");
        assertEquals(before, listing(root), "nothing on disk changed");
        if (last[1].startsWith("refused the command:")) {
            assertEquals(commandsTaken, Files.readString(root.resolve("state/commands.json")),
                    "a refused command is not even noted as taken");
        }
        assertEquals(List.of(), foreignRequests, "nothing went to another server");
        assertTrue(Files.notExists(Path.of("/tmp/slm-hostile-absolute.txt")));
    }

    @Test
    void aCommandWithAHugeOperationIdDoesNotSilenceTheCommandsAfterIt() throws Exception {
        // a hostile or broken server (a database restored from a backup) may send any id; a refused one must not
        // make the agent ignore the commands after it
        java.util.concurrent.Semaphore ended = new java.util.concurrent.Semaphore(0);
        UpdateWorker worker = new UpdateWorker(Optional.of(updater), client, ended::release);
        try {
            Map<String, Object> bogus = validCommand(4_000_000_000_000_000_000L, NEW);
            bogus.put("target_commit", "HEAD");
            worker.offer(ServerClient.command(wrapped(bogus)).orElseThrow());
            served(List.of(Entry.version(NEW), Entry.file("index.html", "new")));
            worker.offer(ServerClient.command(wrapped(validCommand(2, NEW))).orElseThrow());
            assertTrue(ended.tryAcquire(2, 30, java.util.concurrent.TimeUnit.SECONDS), "both commands were handled");
            assertEquals("FAILED", lastReport(4_000_000_000_000_000_000L)[0]);
            assertEquals(Optional.of(NEW), currentRelease(), "the command after it was taken: " + lastReport(2));
        } finally {
            worker.shutdown();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"416", "206 from byte 0"})
    void aResumeTheServerAnswersWronglyStartsTheDownloadAgainInsteadOfFailingTheUpdate(String answer) throws Exception {
        served(List.of(Entry.version(NEW), Entry.file("index.html", "new")));
        command = json(validCommand(2, NEW));
        brokenDownloads = 1; // half the package arrives, then the connection breaks: the next attempt resumes
        resumeAnswer = answer;
        heartbeatAndRun();
        assertEquals(Optional.of(NEW), currentRelease(), "reports: " + lastReport(2)[0] + " " + lastReport(2)[1]);
        assertTrue(Files.notExists(root.resolve("state/staging/" + NEW + ".tar.gz.part")));
    }

    @Test
    void theReleaseKeptOnTheNodeIsActivatedAgainWithoutADownload() throws Exception {
        served(List.of(Entry.version(NEW), Entry.file("index.html", "new")));
        command = json(validCommand(2, NEW));
        heartbeatAndRun();
        assertEquals(Optional.of(NEW), currentRelease(), String.join(" ", lastReport(2)));
        assertTrue(Files.isDirectory(root.resolve("opt/releases/" + OLD)), "the previous release is kept");
        int downloads = packageRequests.get();

        // roll back to the previous release: the server signs the same manifest as for the first install
        served(List.of(Entry.version(OLD), Entry.file("index.html", "old")));
        command = json(validCommand(3, OLD));
        heartbeatAndRun();

        assertEquals(Optional.of(OLD), currentRelease(), String.join(" ", lastReport(3)));
        assertEquals("old", Files.readString(root.resolve("opt/current/index.html")));
        assertEquals(downloads, packageRequests.get(), "no package was asked for");
        assertFalse("FAILED".equals(lastReport(3)[0]) || "ROLLED_BACK".equals(lastReport(3)[0]), lastReport(3)[0]);
    }

    @Test
    void aServerStillStartingAnswers404WithoutAProblemBodyAndTheDownloadIsTriedAgainNotFailed() throws Exception {
        // killed and started again mid-rollout, Payara Micro answers its HTML 404 page until the application is
        // deployed: that is no refusal of the package (those come as a problem body), and failing on it left the
        // operation unanswered on the server, whose report was refused by the same 404 (RolloutIT)
        startingDownloads = 2;
        served(List.of(Entry.version(NEW), Entry.file("index.html", "new")));
        command = json(validCommand(2, NEW));

        heartbeatAndRun();

        assertEquals(0, startingDownloads, "both 404 pages were met");
        assertEquals(Optional.of(NEW), currentRelease(), "deployed after the server was ready: " + lastReport(2)[1]);
    }

    @Test
    void aStateFileThatCannotBeWrittenFailsTheCommandWithTheReasonInsteadOfLeavingItUnanswered() throws Exception {
        // as a full disk would: state.json cannot be saved, so no step may run (a kill could not be resumed)
        Files.createDirectories(root.resolve("state/state.json.tmp"));
        served(List.of(Entry.version(NEW), Entry.file("index.html", "new")));
        command = json(validCommand(2, NEW));
        Map<String, String> before = listing(root);

        heartbeatAndRun();

        String[] last = lastReport(2);
        assertNotNull(last, "the operation was answered");
        assertEquals("FAILED", last[0], last[1]);
        assertTrue(last[1].contains("state.json"), last[1]);
        assertEquals(Optional.of(OLD), currentRelease());
        assertEquals(before, listing(root), "nothing on disk changed");
    }

    /**
     * A man in the middle (plain http) or a replayer keeps the command that deployed OLD — target, manifest, package
     * and signatures — and offers it again once the node runs NEW: as it was (the same operation), and with a fresh
     * operation_id. The first is a command this node has taken (it is not run again), the second is not what the
     * server signed.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"as it was", "with a fresh operation_id"})
    void aWholeOldCommandReplayedAfterANewerDeployIsRefused(String how) throws Exception {
        JsonObject recorded = command; // the command of the first sync, to OLD, and its package
        byte[] recordedPackage = served;
        served(List.of(Entry.version(NEW), Entry.file("index.html", "new")));
        command = json(validCommand(2, NEW));
        heartbeatAndRun();
        assertEquals(Optional.of(NEW), currentRelease());

        served = recordedPackage;
        long id = how.equals("as it was") ? 1 : 3;
        int reportsBefore = reports.size();
        command = Json.createObjectBuilder(recorded).add("operation_id", id).build();
        heartbeatAndRun();
        assertEquals(Optional.of(NEW), currentRelease(), "replayed: " + Arrays.toString(lastReport(id)));
        if (id == 1) {
            // the operation it belongs to has had its answer: the command is not run again, nor answered again
            assertEquals(reportsBefore, reports.size(), "no new report");
        } else {
            assertEquals("FAILED", lastReport(id)[0]);
            assertTrue(lastReport(id)[1].contains("not the one the server signed"), lastReport(id)[1]);
        }
    }

    private JsonObject wrapped(Map<String, Object> command) {
        return Json.createObjectBuilder().add("command", json(command)).build();
    }

    // ---- the fake server

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
            } else if (path.endsWith("/heartbeat")) {
                JsonObjectBuilder answer = Json.createObjectBuilder().add("status", "ok").add("heartbeat_interval_s", 30);
                if (command != null) {
                    answer.add("command", command);
                }
                respond(exchange, 200, answer.build().toString().getBytes(StandardCharsets.UTF_8));
            } else if (path.endsWith("/code-package") && redirectDownloads != null
                    && !exchange.getRequestURI().toString().equals(redirectDownloads)) {
                exchange.getResponseHeaders().add("Location", redirectDownloads);
                exchange.sendResponseHeaders(302, -1);
            } else if (path.endsWith("/code-package") && resumeAnswer != null
                    && exchange.getRequestHeaders().getFirst("Range") != null) {
                if (resumeAnswer.equals("416")) {
                    exchange.sendResponseHeaders(416, -1);
                } else {
                    exchange.getResponseHeaders().add("Content-Range", "bytes 0-" + (served.length - 1) + "/" + served.length);
                    respond(exchange, 206, served);
                }
            } else if (path.endsWith("/code-package") && packageRequests.incrementAndGet() > 0 && startingDownloads > 0) {
                startingDownloads--;
                exchange.getResponseHeaders().add("Content-Type", "text/html");
                respond(exchange, 404, "<!DOCTYPE html><html><head><title>Payara Micro - Error report</title></head></html>"
                        .getBytes(StandardCharsets.UTF_8));
            } else if (path.endsWith("/code-package") && brokenDownloads > 0) {
                brokenDownloads--;
                exchange.sendResponseHeaders(200, served.length);
                exchange.getResponseBody().write(served, 0, served.length / 2);
                exchange.getResponseBody().flush();
                // closed below with half the announced body: the agent sees a broken connection
            } else if (path.endsWith("/code-package") && brokenDownloads == 0 && refuseDownloads) {
                respond(exchange, 404, "{\"detail\":\"no package for that commit\"}".getBytes(StandardCharsets.UTF_8));
            } else if (path.endsWith("/code-package")) {
                respond(exchange, 200, served);
            } else if (path.contains("/operations/") && path.endsWith("/progress")) {
                JsonObject report = Json.createReader(new java.io.StringReader(body)).readObject();
                String id = path.replaceAll(".*/operations/(\\d+)/progress", "$1");
                reports.add(new String[] {id, report.getString("stage"), report.getString("message", null)});
                exchange.sendResponseHeaders(204, -1);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    // ---- the agent's side

    private void heartbeatAndRun() throws Exception {
        ServerClient.Reply reply = client.heartbeat(new ServerClient.Heartbeat("test", Optional.empty(), "host",
                List.of(), AgentState.IDLE, null, List.of()));
        reply.command().ifPresent(c -> {
            try {
                updater.start(c);
            } catch (IOException | InterruptedException e) {
                throw new AssertionError("the update itself threw instead of reporting: " + e, e);
            }
        });
    }

    private String[] lastReport(long operationId) {
        String[] last = null;
        for (String[] r : reports) {
            if (r[0].equals(Long.toString(operationId))) {
                last = new String[] {r[1], r[2]};
            }
        }
        return last;
    }

    private Optional<String> currentRelease() throws IOException {
        Path current = root.resolve("opt/current");
        return Files.isSymbolicLink(current)
                ? Optional.of(Files.readSymbolicLink(current).getFileName().toString()) : Optional.empty();
    }

    private Optional<Long> servicePid() throws IOException {
        Path pid = root.resolve("state/service.pid");
        return Files.exists(pid) ? Optional.of(Long.parseLong(Files.readString(pid).trim())) : Optional.empty();
    }

    // ---- commands and packages

    private Path packageFile() throws IOException {
        Path file = root.resolveSibling(root.getFileName() + "-served.tar.gz");
        Files.write(file, served);
        return file;
    }

    private void served(List<Entry> entries) throws IOException {
        Path file = root.resolveSibling(root.getFileName() + "-served.tar.gz");
        TestPackages.write(file, entries);
        served = Files.readAllBytes(file);
    }

    private void servedAndSigned(Map<String, Object> c, List<Entry> entries) throws IOException {
        served(entries);
        sign(c, TestPackages.manifest(NEW, packageFile()));
    }

    private void sign(Map<String, Object> c, byte[] manifest) {
        c.put("manifest", Base64.getEncoder().encodeToString(manifest));
        c.put("manifest_signature", TestPackages.sign(key, manifest));
    }

    private Map<String, Object> validCommand(long id, String commit) throws IOException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "sync");
        c.put("operation_id", id);
        c.put("target_commit", commit);
        c.put("restart", "immediate");
        c.put("package_url", "/api/nodes/" + NODE + "/code-package?version=" + commit);
        sign(c, TestPackages.manifest(commit, packageFile()));
        return c;
    }

    private static String base64(Object value) {
        try {
            return value instanceof String s && !s.equals(OMIT) && Base64.getDecoder().decode(s) != null ? s : null;
        } catch (IllegalArgumentException e) {
            return null; // the test's own signer signs what it can, as a server with a bug would
        }
    }

    private static byte[] decode(Object base64) {
        return Base64.getDecoder().decode((String) base64);
    }

    /** Leaves a field out of the command sent. */
    static final String OMIT = "(omitted)";

    /**
     * The command as the server sends it, signed over its fields (as they are after a spoil, like a server with a
     * bug would). A spoil steers the signing with {@code _node} (another node), {@code _issued} (another issue time),
     * {@code _signer} (another key) and {@code _after} (fields changed after signing, as a man in the middle would).
     */
    @SuppressWarnings("unchecked")
    private JsonObject json(Map<String, Object> command) {
        Map<String, Object> c = new LinkedHashMap<>(command);
        String node = (String) c.remove("_node");
        Instant issued = (Instant) c.remove("_issued");
        KeyPair signer = (KeyPair) c.remove("_signer");
        Map<String, Object> after = (Map<String, Object>) c.remove("_after");
        if (!c.containsKey("signed_command") && c.get("operation_id") instanceof Long id) {
            byte[] signed = TestPackages.signedCommand(node == null ? NODE : node, id,
                    issued == null ? Instant.now() : issued, String.valueOf(c.get("target_commit")),
                    String.valueOf(c.get("restart")), base64(c.get("manifest")));
            c.put("signed_command", Base64.getEncoder().encodeToString(signed));
            c.put("command_signature", TestPackages.sign(signer == null ? key : signer, signed));
        }
        if (after != null) {
            c.putAll(after);
        }
        JsonObjectBuilder b = Json.createObjectBuilder();
        c.forEach((k, v) -> {
            if (v instanceof Long n) {
                b.add(k, n);
            } else if (!OMIT.equals(v)) {
                b.add(k, (String) v);
            }
        });
        return b.build();
    }

    /**
     * Every path under {@code dir} with its type, size, link target and a digest of its content — but the agent's
     * note of the commands it took (state/commands.json), which a command that passed the first checks is entered in
     * before its first step, so that it can never be carried out twice.
     */
    static Map<String, String> listing(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.getFileName().toString().equals("commands.json")) {
                    continue;
                }
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "link -> " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    what = "dir";
                } else {
                    what = "file " + Files.size(p) + " " + PackageVerifier.sha256(p);
                }
                out.put(dir.relativize(p).toString(), what);
            }
        }
        return out;
    }
}
