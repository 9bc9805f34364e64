package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.Api;
import dev.slm.it.support.Await;
import dev.slm.it.support.RawHttp;
import dev.slm.it.support.TestServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input on every endpoint, against the real server: raw HTTP where a normal client would not send it. Every
 * refusal is a 4xx with a problem body, nothing is stored, and one bad heartbeat never fails another node's.
 */
class HostileInputIT {

    static TestServer it;
    static RawHttp raw;
    static String first;

    @BeforeAll
    static void startServer() throws Exception {
        it = TestServer.start("hostile-it", r -> first = r.commit("First version", "app/index.html", "<h1>v1</h1>\n"));
        raw = new RawHttp(it.server.baseUri());
        assertEquals(first, refresh().getString("latest_version"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (it != null) {
            it.close();
        }
    }

    // ---------------------------------------------------------------- token first, then a bounded body

    @Test
    void aWrongTokenIsRefusedBeforeTheAnnouncedBodyArrives() throws Exception {
        String token = register("early-1");
        for (String path : List.of("/api/nodes/early-1/heartbeat", "/api/nodes/early-1/operations/1/progress")) {
            // Payara hands a chunked request to the application once it has the first chunk's size line
            for (String[] framing : new String[][]{{"Content-Length: 50000", "{\"hostname\":\""},
                    {"Transfer-Encoding: chunked", "c350\r\n{\"hostname\":\""}}) {
                for (String auth : List.of("Bearer wrong-token", "Bearer " + register("early-other-" + Math.abs((path + framing[0]).hashCode())))) {
                    RawHttp.Response r = raw.sendAndStall("POST " + path + " HTTP/1.1\r\nAuthorization: " + auth
                            + "\r\nContent-Type: application/json\r\n" + framing[0], framing[1]);
                    // a chunked body is refused before anything else (RequestFraming)
                    assertTrue(framing[0].startsWith("Transfer-Encoding") ? r.status() == 411
                            : r.status() == 401 || r.status() == 403, path + " " + framing[0] + ": " + r);
                    assertProblem(r);
                }
            }
        }
        assertEquals(200, heartbeat("early-1", token, "{}").status());
    }

    /**
     * A client that declares a body and leaves before sending it — whoever it is: the enrolment is anyone's — writes
     * nothing in the server's log. It wrote four stack traces (~20 KB) per request: the exception while reading, then
     * the answer that found the connection closed, logged by Jersey, the error page and the web container.
     */
    @Test
    void aClientThatLeavesInTheMiddleOfItsBodyLeavesNothingInTheLog() throws Exception {
        String token = register("gone-1");
        long op = syncOperation("gone-1", token);
        Path log = it.work.resolve("server.log");
        long before = Files.size(log);
        String json = "\r\nContent-Type: application/json\r\nContent-Length: 200";
        List<String> heads = List.of(
                "POST /api/nodes/enroll HTTP/1.1" + json,
                "POST /api/nodes/gone-1/heartbeat HTTP/1.1\r\nAuthorization: Bearer " + token + json,
                "POST /api/nodes/gone-1/operations/" + op + "/progress HTTP/1.1\r\nAuthorization: Bearer " + token + json,
                "POST /api/nodes HTTP/1.1\r\nAuthorization: " + it.admin + json,
                "POST /api/fleet/sync HTTP/1.1\r\nAuthorization: " + it.admin + json,
                "POST /api/hooks/git HTTP/1.1" + json);
        for (int i = 0; i < 5; i++) {
            for (String head : heads) {
                raw.sendAndLeave(head, "{\"node_id\":\"");
            }
        }
        // the server still answers each of them; by then it had handled the first ones (each a few milliseconds)
        // and a path with an escape that is not hex, which Payara answers itself (an empty 200): ~2.8 KB of its
        // stack each before, as for a Host header it cannot parse
        for (int i = 0; i < 20; i++) {
            raw.send("GET /api/nodes/%zz HTTP/1.1", null);
            // and a Host header Payara cannot parse (the only one: RawHttp would add its own)
            try (java.net.Socket s = new java.net.Socket(it.server.baseUri().getHost(), it.server.baseUri().getPort())) {
                s.getOutputStream().write("GET /api/health HTTP/1.1\r\nHost: a:1>; x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                s.getInputStream().readAllBytes();
            }
        }
        // and a chunked body whose chunk size is not hex: Grizzly closes the connection (no answer) and wrote 2.2 KB of
        // stack for each
        for (int i = 0; i < 20; i++) {
            try (java.net.Socket s = new java.net.Socket(it.server.baseUri().getHost(), it.server.baseUri().getPort())) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(("POST /api/nodes/enroll HTTP/1.1\r\nHost: " + it.server.baseUri().getAuthority()
                        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                s.getInputStream().readAllBytes();
            }
        }
        assertEquals(200, heartbeat("gone-1", token, "{}").status());
        assertStatus(400, raw.send("POST /api/nodes HTTP/1.1\r\nAuthorization: " + it.admin + json.replace("200", "2"),
                utf8("{}")));
        byte[] now = Files.readAllBytes(log);
        String added = new String(now, (int) before, now.length - (int) before, StandardCharsets.UTF_8);
        // no stack trace (at most the container's refusals as one line, naming the exception) and bounded
        assertFalse(added.contains("\tat ") || added.contains("unexpected error"), added);
        assertTrue(added.length() < 4_000, added);
    }

    /**
     * The web app's requests, as anyone with a login page's session can send them: a UI named by anything but a number
     * is a 400 (was a 500 and ~12 KB of stack each), and junk in a UIDL request's body is one short line per 10 s in
     * the log (Vaadin's handler wrote the body twice: a 1 MB request made 2 MB of log).
     */
    @Test
    void theWebAppsRequestsWithJunkAreRefusedOrLoggedBounded() throws Exception {
        java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                .cookieHandler(new java.net.CookieManager()).build();
        java.net.URI base = it.server.baseUri();
        assertEquals(200, browser.send(java.net.http.HttpRequest.newBuilder(base.resolve("login")).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(200, browser.send(java.net.http.HttpRequest.newBuilder(base.resolve("?v-r=init&location=login&query="))
                .build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
        Path log = it.work.resolve("server.log");
        long before = Files.size(log);
        List<String> wrong = new ArrayList<>();
        for (String query : List.of("?v-r=heartbeat&v-uiId=abc", "?v-r=heartbeat&v-uiId=" + "9".repeat(6000),
                "?v-r=uidl&v-uiId=x", "VAADIN/push?v-uiId=abc")) {
            java.net.http.HttpResponse<String> r = browser.send(java.net.http.HttpRequest.newBuilder(base.resolve(query))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json")
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 400 || !r.body().contains("v-uiId must be the number of a page")) {
                wrong.add(query.substring(0, Math.min(40, query.length())) + " -> " + r.statusCode() + " " + r.body());
            }
        }
        String junk = "z".repeat(200_000);
        for (int i = 0; i < 5; i++) {
            java.net.http.HttpResponse<String> r = browser.send(java.net.http.HttpRequest.newBuilder(base.resolve("?v-r=uidl&v-uiId=0"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(junk)).header("Content-Type", "application/json")
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 500) {
                wrong.add("uidl with junk -> " + r.statusCode() + " " + r.body());
            }
        }
        // a method the web app does not use, and a WebSocket handshake to an endpoint that does not exist: not the
        // app's page with a 200, as before
        RawHttp.Response odd = raw.send("G@T / HTTP/1.1", null);
        if (odd.status() != 405 || !odd.contentType().startsWith("application/problem+json")) {
            wrong.add("G@T / -> " + odd);
        }
        RawHttp.Response socket = raw.send("GET /ws/zzz HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade"
                + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", null);
        if (socket.status() != 404 || !socket.contentType().startsWith("application/problem+json")) {
            wrong.add("a handshake to /ws/zzz -> " + socket);
        }
        assertEquals(List.of(), wrong);
        long added = Files.size(log) - before;
        assertTrue(added < 20_000, "five UIDL requests with 200 KB of junk each wrote " + added + " bytes of log");
        assertFalse(Files.readString(log).contains("NumberFormatException"), "a UI's number parsed in the log");
    }

    /**
     * A client that pipelines requests and closes before their answers leaves nothing in the log: the container wrote
     * the stack of its failed error page for each queued request (~100 KB for 20), anyone's.
     */
    @Test
    void aClientThatPipelinesAndClosesLeavesNothingInTheLog() throws Exception {
        Path log = it.work.resolve("server.log");
        long before = Files.size(log);
        for (int i = 0; i < 6; i++) {
            // the API's answer and the web app's page
            String one = "GET " + (i % 2 == 0 ? "/api/health" : "/login") + " HTTP/1.1\r\nHost: "
                    + it.server.baseUri().getAuthority() + "\r\n\r\n";
            try (java.net.Socket s = new java.net.Socket(it.server.baseUri().getHost(), it.server.baseUri().getPort())) {
                s.getOutputStream().write(one.repeat(20).getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
            }
        }
        // the server writes what it writes for them within ~50 ms of the closes, after a request of the test's own may
        // have been answered (seen: the records came after it): the log is read once it has not grown for a second
        assertEquals(200, it.api.get("api/health", null).status());
        String added = addedOnceSettled(log, before);
        assertFalse(added.contains("\tat "), added);
        assertTrue(added.length() < 4_000, added);
    }

    /**
     * Requests anyone can send that the container itself reads badly leave one line per kind in the log, never what
     * they sent: a parameter with a bad escape was logged whole by Grizzly (a 100 KB form value: 100 KB, a line break
     * in it: a line of the sender's in the log), both Content-Length and Transfer-Encoding a SEVERE each, and the
     * asterisk target ({@code GET *}) got the page with a 200 and a 4 KB stack.
     */
    @Test
    void malformedRequestsOfAnyoneLeaveNeitherTheirContentNorAStackInTheLog() throws Exception {
        Path log = it.work.resolve("server.log");
        long before = Files.size(log);
        String forged = "[2026-01-01T00:00:00.000+0000] [] [SEVERE] [] [forged] FORGED LINE";
        for (int i = 0; i < 10; i++) {
            assertEquals(200, raw.send("GET /login?x=%zz" + "Q".repeat(2000) + " HTTP/1.1", null).status());
        }
        String form = "u=%zz" + "V".repeat(60_000) + "%0A" + forged.replace(" ", "+") + "&w=%zz\n" + forged;
        raw.send("POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + utf8(form).length, utf8(form));
        for (int i = 0; i < 20; i++) {
            // Grizzly's own answer, without a body
            assertEquals(400, raw.send("POST /api/nodes/enroll HTTP/1.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nContent-Length: 4", utf8("2\r\n{}\r\n0\r\n\r\n")).status());
        }
        for (int i = 0; i < 5; i++) {
            RawHttp.Response r = raw.send("GET * HTTP/1.1", null);
            assertEquals(400, r.status(), r.toString());
            assertProblem(r);
        }
        byte[] now = Files.readAllBytes(log);
        String added = new String(now, (int) before, now.length - (int) before, StandardCharsets.UTF_8);
        assertFalse(added.contains("\tat ") || added.contains("VVVVVVVV") || added.contains("QQQQQQQQ")
                || added.contains("FORGED"), added);
        assertTrue(added.length() < 4_000, added);
    }

    /**
     * A WebSocket handshake without a login is refused before the upgrade, whatever it sends next: it was upgraded and
     * closed with 1008, and a frame sent before the close had the container write a NullPointerException's stack.
     */
    @Test
    void anAnonymousWebSocketHandshakeIsRefusedBeforeTheUpgrade() throws Exception {
        Path log = it.work.resolve("server.log");
        long before = Files.size(log);
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            try (java.net.Socket s = new java.net.Socket(it.server.baseUri().getHost(), it.server.baseUri().getPort())) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(("GET /ws/events HTTP/1.1\r\nHost: " + it.server.baseUri().getAuthority()
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                // a masked text frame "hi" right behind the handshake, as a client that does not wait for the answer
                s.getOutputStream().write(new byte[] {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2});
                s.getOutputStream().flush();
                java.io.InputStream in = s.getInputStream();
                String head = responseHead(in);
                String h = head.toLowerCase(java.util.Locale.ROOT);
                answers.add(h.substring(0, Math.max(0, h.indexOf(' ', 9))) + (h.contains("application/problem+json")
                        ? " problem" : "") + (h.contains("www-authenticate: basic") ? " basic" : ""));
            } catch (java.net.SocketTimeoutException e) {
                answers.add("no answer in 20 s");
            }
        }
        assertEquals(java.util.Collections.nCopies(10, "http/1.1 401 problem basic"), answers);
        byte[] now = Files.readAllBytes(log);
        String added = new String(now, (int) before, now.length - (int) before, StandardCharsets.UTF_8);
        assertFalse(added.contains("\tat "), added);
    }

    /**
     * A logged-in WebSocket whose frames the server does not take — a large one (Tyrus buffered up to 4 MB of it per
     * connection, then wrote a 2.5 KB stack; now a frame's first ~300 KB close it), a length with its top bit set, a
     * reserved opcode — is closed with a close frame, and the log gets no stack.
     */
    @Test
    void aWebSocketFrameTheServerDoesNotTakeClosesItsConnectionWithoutAStack() throws Exception {
        Path log = it.work.resolve("server.log");
        long before = Files.size(log);
        byte[] mask = {1, 2, 3, 4};
        byte[] big = new byte[2 + 8 + 4];
        big[0] = (byte) 0x82;
        big[1] = (byte) 0xff;
        java.nio.ByteBuffer.wrap(big, 2, 8).putLong(5L * 1024 * 1024);
        System.arraycopy(mask, 0, big, 10, 4);
        byte[] topBit = {(byte) 0x81, (byte) 0xff, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        byte[] opcode = {(byte) 0x83, (byte) 0x80, 1, 2, 3, 4};
        List<String> wrong = new ArrayList<>();
        for (byte[] frame : List.of(big, topBit, opcode)) {
            try (java.net.Socket s = new java.net.Socket(it.server.baseUri().getHost(), it.server.baseUri().getPort())) {
                s.setSoTimeout(20_000);
                java.io.OutputStream out = s.getOutputStream();
                out.write(("GET /ws/events HTTP/1.1\r\nHost: " + it.server.baseUri().getAuthority() + "\r\nAuthorization: "
                        + it.admin + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                java.io.InputStream in = s.getInputStream();
                String head = responseHead(in);
                // after the upgrade, as a client does (bytes sent before it are not read as frames)
                out.write(frame);
                if (frame == big) {
                    try {
                        out.write(new byte[1024 * 1024]); // of the 5 MB announced: 4 MB were buffered before
                    } catch (java.io.IOException closedMeanwhile) {
                        // the server closed the connection before the megabyte was sent: its close frame is read below
                    }
                }
                out.flush();
                int first = in.read();
                if (!head.startsWith("HTTP/1.1 101") || first != 0x88) {
                    wrong.add(head.lines().findFirst().orElse("") + " then " + first);
                }
            }
        }
        assertEquals(List.of(), wrong, "a close frame after the upgrade");
        String added = addedOnceSettled(log, before);
        assertFalse(added.contains("\tat "), added);
    }

    /**
     * /ws/events takes no query: a logged-in handshake with a malformed escape in one ({@code ?x=%zz}) was upgraded and
     * left Weld's contexts active on the worker thread, whose next request wrote four warnings (found by an outside
     * attack).
     */
    @Test
    void aWebSocketHandshakeWithAQueryIsRefused() throws Exception {
        List<String> answers = new ArrayList<>();
        for (String query : List.of("?x=%zz", "?x=1", "?%zz")) {
            try (java.net.Socket s = new java.net.Socket(it.server.baseUri().getHost(), it.server.baseUri().getPort())) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(("GET /ws/events" + query + " HTTP/1.1\r\nHost: " + it.server.baseUri().getAuthority()
                        + "\r\nAuthorization: " + it.admin + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                java.io.InputStream in = s.getInputStream();
                String head = responseHead(in);
                answers.add(head.lines().findFirst().orElse(""));
            }
        }
        assertEquals(java.util.Collections.nCopies(3, "HTTP/1.1 400 Bad Request"), answers);
    }

    /**
     * The hint for a refused cross-origin request quotes the request's path, Origin and Host cut to 100 characters
     * each: a 3,000-character Host wrote a 3.5 KB line (anyone's, once a minute).
     */
    @Test
    void theCrossOriginHintQuotesTheRequestCut() throws Exception {
        Path log = it.work.resolve("server.log");
        long before = Files.size(log);
        try (java.net.Socket s = new java.net.Socket(it.server.baseUri().getHost(), it.server.baseUri().getPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("POST /api/updates/refresh" + "p".repeat(1000) + " HTTP/1.1\r\nHost: evil-"
                    + "h".repeat(1000) + "\r\nOrigin: http://attacker.example" + "o".repeat(1000)
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
        }
        String added = addedOnceSettled(log, before);
        assertTrue(added.contains("Refused a cross-origin"), added);
        assertFalse(added.contains("p".repeat(200)) || added.contains("h".repeat(200)) || added.contains("o".repeat(200)),
                added);
    }

    /** A filter of the node list with a malformed escape is refused, not dropped (the whole fleet was listed). */
    @Test
    void aMalformedEscapeInTheNodeListsQueryIsA400() throws Exception {
        List<String> wrong = new ArrayList<>();
        // and a character sent unescaped beyond printable ASCII (its byte was read as Latin-1: 200 and an empty list)
        for (String query : List.of("text=%zz", "text=%", "text=a%2", "role=%zz", "status=%zz", "text=\u00ff",
                "text=caf\u00c3\u00a9")) {
            RawHttp.Response r = raw.send("GET /api/nodes?" + query + " HTTP/1.1\r\nAuthorization: " + it.admin, null);
            if (r.status() != 400 || !r.contentType().startsWith("application/problem+json")) {
                wrong.add(query + " -> " + r.status() + " " + r.headers().get("x-total-count"));
            }
        }
        assertEquals(List.of(), wrong);
    }

    /** A body over the limit is 413; a chunked one is refused (411) before its size is known (RequestFraming). */
    @Test
    void aBodyOverTheLimitIsRefusedWhateverItsFraming() throws Exception {
        String token = register("big-1");
        long op = syncOperation("big-1", token);
        byte[] agentBody = padded("{\"hostname\":\"h\",\"pad\":\"", 70 * 1024);
        for (String path : List.of("/api/nodes/big-1/heartbeat", "/api/nodes/big-1/operations/" + op + "/progress")) {
            String head = "POST " + path + " HTTP/1.1\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json\r\n";
            assertStatus(411, raw.send(head + "Transfer-Encoding: chunked", RawHttp.chunked(agentBody, 4096)));
            assertStatus(411, raw.send(head + "Transfer-Encoding: chunked", RawHttp.chunked(agentBody, 70 * 1024)));
            assertStatus(413, raw.send(head + "Content-Length: " + agentBody.length, agentBody));
        }
        // operators' calls: 1 MiB
        byte[] operatorBody = padded("{\"node_id\":\"big-op\",\"pad\":\"", 1100 * 1024);
        String head = "POST /api/nodes HTTP/1.1\r\nAuthorization: " + it.admin + "\r\nContent-Type: application/json\r\n";
        assertStatus(411, raw.send(head + "Transfer-Encoding: chunked", RawHttp.chunked(operatorBody, 8192)));
        assertStatus(413, raw.send(head + "Content-Length: " + operatorBody.length, operatorBody));
        assertEquals(404, it.api.get("api/nodes/big-op", it.admin).status(), "nothing registered");
        assertTrue(it.db.query("SELECT hostname FROM node WHERE id = 'big-1'").get(0).get("hostname") == null);
    }

    /**
     * Any transfer coding is refused (411 for {@code chunked}, 400 for the rest) and the connection closed, so that no
     * body is framed by the server otherwise than by a proxy in front: Grizzly took {@code xchunked}, {@code gzip,
     * chunked} or {@code identity} for no body and answered the request hidden in the body as the next one (two
     * answers), and it reads chunks loosely (bytes after a chunk's data skipped, an empty size line taken for the end,
     * bare LFs) — found by an outside attack, each answering a request hidden in the body.
     */
    @Test
    void aBodyFramedByATransferCodingIsRefusedAndTheConnectionClosed() throws Exception {
        byte[] hidden = utf8("GET /api/nodes HTTP/1.1\r\nHost: x\r\n\r\n");
        List<String> wrong = new ArrayList<>();
        Map<String, byte[]> bodies = new java.util.LinkedHashMap<>();
        bodies.put("chunked", RawHttp.chunked(hidden, 1000));
        bodies.put("Chunked", RawHttp.chunked(hidden, 1000));
        bodies.put("chunked ", concat(utf8("3\r\nabcdef\r\n0\r\n\r\n"), hidden)); // bytes after a chunk's data
        bodies.put(" chunked", concat(utf8("3\r\nabc\r\n\r\n\r\n"), hidden)); // an empty size line
        bodies.put("CHUNKED", concat(utf8("3\nabc\n0\n\n"), hidden)); // bare LFs
        for (String coding : List.of("xchunked", "gzip, chunked", "identity, chunked", "chunked, identity", "identity",
                "chunked;x=1", "chunked\r\nTransfer-Encoding: chunked")) {
            bodies.put(coding, RawHttp.chunked(hidden, 1000));
        }
        for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
            // the health check's 405 leaves the connection open: what follows on it would be read as a request
            RawHttp.Answers answers = raw.sendKeptAlive("POST /api/health HTTP/1.1\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: " + body.getKey(), body.getValue());
            List<RawHttp.Response> got = answers.responses();
            int expected = body.getKey().strip().equalsIgnoreCase("chunked") ? 411 : 400;
            if (!answers.closed() || got.size() != 1 || got.get(0).status() != expected
                    || !got.get(0).contentType().startsWith("application/problem+json")) {
                wrong.add(body.getKey() + " -> " + got + (answers.closed() ? "" : ", kept open"));
            }
        }
        assertEquals(List.of(), wrong);
    }

    /**
     * A header that says one thing given twice is refused: with two {@code Host} or {@code Authorization} headers the
     * server took the first (200), while a proxy in front may have judged the request by the other.
     */
    @Test
    void aHeaderThatSaysOneThingGivenTwiceIsRefused() throws Exception {
        String wrongPassword = Api.basic("admin", "wrong");
        List<String> wrong = new ArrayList<>();
        for (String twice : List.of("Host: other.example", "Authorization: " + it.admin + "\r\nAuthorization: " + wrongPassword,
                "Origin: http://a.example\r\nOrigin: http://b.example", "Range: bytes=0-1\r\nRange: bytes=2-3")) {
            RawHttp.Response r = raw.send("GET /api/nodes HTTP/1.1\r\n" + (twice.startsWith("Host") ? "Authorization: "
                    + it.admin + "\r\n" : "") + twice, null);
            if (r.status() != 400 || !r.contentType().startsWith("application/problem+json")) {
                wrong.add(twice.replace("\r\n", " | ") + " -> " + r);
            }
        }
        assertEquals(List.of(), wrong);
    }

    /**
     * A form body (the login form's type) over 64 KiB is refused before anything parses it, on the login form and on any
     * page: over Grizzly's 2 MB form limit it was a 500 with an 8 KB stack, anyone's. A form without a length: 411.
     */
    @Test
    void aFormBodyOverItsLimitIs413OnEveryPathAndLeavesNoStack() throws Exception {
        Path log = it.work.resolve("server.log");
        long before = Files.size(log);
        byte[] form = utf8("username=" + "a".repeat(3_000_000) + "&password=x");
        String origin = "\r\nOrigin: " + it.server.baseUri().toString().replaceAll("/$", "");
        for (String path : List.of("/login", "/", "/nodes?v-r=uidl&v-uiId=0", "/api/health")) {
            for (String type : List.of("application/x-www-form-urlencoded", "APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8",
                    "application/x-www-form-urlencodedzz")) {
                String head = "POST " + path + " HTTP/1.1" + origin + "\r\nContent-Type: " + type;
                assertStatus(413, raw.send(head + "\r\nContent-Length: " + form.length, form));
                assertStatus(411, raw.send(head + "\r\nTransfer-Encoding: chunked", RawHttp.chunked(form, 65536)));
            }
        }
        byte[] now = Files.readAllBytes(log);
        String added = new String(now, (int) before, now.length - (int) before, StandardCharsets.UTF_8);
        assertFalse(added.contains("\tat ") || added.contains("aaaaaaaa"), added);
    }

    /**
     * HTTP/2 is off: a cleartext upgrade (Java's HttpClient asks for one by default) and the prior-knowledge preface are
     * answered in HTTP/1.1. With it on, every stream that carried a body stayed in the heap as long as its connection
     * (anyone's: 5,000 POSTs on one connection, 5,000 streams), and each unknown frame wrote a warning. A request that
     * asks to switch protocols with a body is refused at once: Grizzly hands such a body to the protocol asked for, so
     * reading it held a request thread for 30 s and then found it cut short.
     */
    @Test
    void http2IsOffAndABodyThatAsksToSwitchProtocolsIsRefusedAtOnce() throws Exception {
        Path log = it.work.resolve("server.log");
        long before = Files.size(log);
        java.net.http.HttpClient asksForHttp2 = java.net.http.HttpClient.newHttpClient();
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            java.net.http.HttpResponse<String> page = asksForHttp2.send(java.net.http.HttpRequest.newBuilder(
                    it.server.baseUri().resolve("api/health")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            answers.add(page.version() + " " + page.statusCode());
            java.net.http.HttpResponse<String> body = asksForHttp2.send(java.net.http.HttpRequest.newBuilder(
                            it.server.baseUri().resolve("api/nodes/enroll")).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"key\":\"k" + i + "\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            answers.add(body.version() + " " + body.statusCode() + (body.body().contains("switch protocols") ? " upgrade" : ""));
        }
        assertEquals(java.util.stream.IntStream.range(0, 20).mapToObj(i -> i % 2 == 0 ? "HTTP_1_1 200" : "HTTP_1_1 400 upgrade")
                .toList(), answers);
        for (String upgrade : List.of("websocket", "h2c", "x")) {
            RawHttp.Response r = raw.send("POST /api/nodes HTTP/1.1\r\nAuthorization: " + it.admin + "\r\nUpgrade: " + upgrade
                    + "\r\nConnection: Upgrade\r\nContent-Type: application/json\r\nContent-Length: 16", utf8("{\"node_id\":\"u1\"}"));
            assertStatus(400, r);
        }
        assertEquals(404, it.api.get("api/nodes/u1", it.admin).status(), "nothing registered");
        try (java.net.Socket s = new java.net.Socket(it.server.baseUri().getHost(), it.server.baseUri().getPort())) {
            s.setSoTimeout(20_000);
            // the preface, an empty SETTINGS frame and 50 frames of an unknown type
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            frames.writeBytes(utf8("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
            frames.writeBytes(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            for (int i = 0; i < 50; i++) {
                frames.writeBytes(new byte[] {0, 0, 5, (byte) 0xff, 0, 0, 0, 0, 1, 'h', 'e', 'l', 'l', 'o'});
            }
            s.getOutputStream().write(frames.toByteArray());
            s.getOutputStream().flush();
            assertEquals("HTTP/1.1 ", new String(s.getInputStream().readNBytes(9), StandardCharsets.ISO_8859_1));
        }
        byte[] now = Files.readAllBytes(log);
        String added = new String(now, (int) before, now.length - (int) before, StandardCharsets.UTF_8);
        assertFalse(added.contains("\tat ") || added.contains("http2"), added);
    }

    // ---------------------------------------------------------------- what the database cannot store, on every endpoint

    /** A good body made bad in each way that matters; each is refused with this status. */
    record Mutation(String name, int status, String contentType, byte[] body) {
    }

    static List<Mutation> mutations(String good) {
        String inner = good.substring(1);
        byte[] badUtf8 = concat("{\"x\":\"a".getBytes(StandardCharsets.UTF_8), new byte[]{(byte) 0xC3, 0x28},
                ("\"," + inner).getBytes(StandardCharsets.UTF_8));
        byte[] overlong = concat("{\"x\":\"".getBytes(StandardCharsets.UTF_8), new byte[]{(byte) 0xC0, (byte) 0xAF},
                ("\"," + inner).getBytes(StandardCharsets.UTF_8));
        String json = "application/json";
        return List.of(
                new Mutation("NUL in a string", 400, json, utf8("{\"x\":\"a\\u0000b\"," + inner)),
                new Mutation("NUL in a key", 400, json, utf8("{\"a\\u0000\":1," + inner)),
                new Mutation("lone surrogate", 400, json, utf8("{\"x\":\"\\ud800\"," + inner)),
                new Mutation("invalid UTF-8", 400, json, badUtf8),
                new Mutation("overlong UTF-8", 400, json, overlong),
                new Mutation("UTF-16", 400, json, good.getBytes(StandardCharsets.UTF_16LE)),
                new Mutation("trailing document", 400, json, utf8(good + " {}")),
                new Mutation("trailing garbage", 400, json, utf8(good + "x")),
                new Mutation("nested 5,000 deep", 400, json, utf8("{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "," + inner)),
                new Mutation("nested 40 deep", 400, json, utf8("{\"x\":" + "[".repeat(40) + "]".repeat(40) + "," + inner)),
                new Mutation("charset latin-1", 415, json + "; charset=iso-8859-1", utf8(good)),
                new Mutation("charset utf-16", 415, json + ";charset=UTF-16", utf8(good)),
                new Mutation("another parameter", 415, json + "; version=2", utf8(good)),
                new Mutation("json-patch", 415, "application/json-patch+json", utf8(good)),
                new Mutation("jsonx", 415, "application/jsonx", utf8(good)),
                new Mutation("text", 415, "text/plain", utf8(good)),
                new Mutation("form", 415, "application/x-www-form-urlencoded", utf8(good)),
                new Mutation("no type", 415, null, utf8(good)));
    }

    @Test
    void inputTheDatabaseCannotStoreIsRefusedOnEveryEndpointAndChangesNothing() throws Exception {
        String token = register("store-1");
        long op = syncOperation("store-1", token);
        assertEquals(201, it.api.post("api/users", it.admin,
                "{\"username\":\"store-patch\",\"password\":\"a-long-password-1\",\"role\":\"viewer\"}").status());
        record Call(String method, String path, String auth, String good) {
        }
        List<Call> calls = List.of(
                new Call("POST", "/api/nodes/store-1/heartbeat", Api.bearer(token),
                        "{\"hostname\":\"h\",\"code_version\":\"" + first + "\",\"roles\":[\"web\"]}"),
                new Call("POST", "/api/nodes/store-1/operations/" + op + "/progress", Api.bearer(token),
                        "{\"stage\":\"DOWNLOADING\",\"percent\":10,\"message\":\"m\"}"),
                new Call("POST", "/api/nodes", it.admin, "{\"node_id\":\"store-new\"}"),
                new Call("POST", "/api/users", it.admin, "{\"username\":\"store-user\",\"password\":\"a-long-password-1\",\"role\":\"viewer\"}"),
                new Call("PUT", "/api/settings/offline_after_missed_heartbeats", it.admin, "{\"value\":\"7\"}"),
                new Call("PATCH", "/api/users/store-patch", it.admin,
                        "{\"role\":\"operator\",\"disabled\":false,\"password\":\"a-long-password-2\"}"),
                new Call("POST", "/api/fleet/sync", it.admin, "{\"node_ids\":[\"store-1\"]}"));
        List<List<Map<String, Object>>> before = snapshot();
        List<String> wrong = new ArrayList<>();
        for (Call call : calls) {
            for (Mutation m : mutations(call.good())) {
                String head = call.method() + " " + call.path() + " HTTP/1.1\r\nAuthorization: " + call.auth()
                        + (m.contentType() == null ? "" : "\r\nContent-Type: " + m.contentType())
                        + "\r\nContent-Length: " + m.body().length;
                RawHttp.Response r = raw.send(head, m.body());
                if (r.status() != m.status() || !r.contentType().startsWith("application/problem+json")) {
                    wrong.add(call.method() + " " + call.path() + " with " + m.name() + ": " + r);
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(before, snapshot(), "a refused request changed the database");
    }

    @Test
    void numbersOutOfRangeAre400() throws Exception {
        String token = register("range-1");
        long op = syncOperation("range-1", token);
        List<List<Map<String, Object>>> before = snapshot();
        for (String id : List.of("123456789012345678901234567890", "-1", "0", "1e3", "9223372036854775808")) {
            assertStatus(400, it.api.post("api/nodes/range-1/heartbeat", Api.bearer(token), "{\"operation_id\":" + id + "}"));
        }
        for (String percent : List.of("101", "-1", "99999999999999999999", "2147483648", "4294967306")) {
            assertStatus(400, it.api.post("api/nodes/range-1/operations/" + op + "/progress", Api.bearer(token),
                    "{\"stage\":\"DOWNLOADING\",\"percent\":" + percent + "}"));
        }
        for (String value : List.of("99999999999999999999", "-5", "0", "2147483648")) {
            assertStatus(400, it.api.put("api/settings/heartbeat_interval_s", it.admin, "{\"value\":\"" + value + "\"}"));
        }
        assertEquals(before, snapshot(), "a refused request changed the database");
    }

    // ---------------------------------------------------------------- one bad heartbeat never fails another

    @Test
    void validHeartbeatsFloodedWithHostileOnesAreAllStored() throws Exception {
        int nodes = 24;
        int rounds = 15;
        List<String> tokens = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            tokens.add(register("flood-" + n));
        }
        String hostileToken = register("flood-hostile");
        long foreignOp = syncOperation("flood-0", tokens.get(0));
        List<byte[]> hostile = List.of(
                utf8("{\"hostname\":\"a\\u0000b\"}"),
                utf8("{\"agent_version\":\"\\u0000\"}"),
                utf8("{\"roles\":[\"web\\u0000\"]}"),
                utf8("{\"hostname\":\"\\udc00x\"}"),
                concat(utf8("{\"hostname\":\""), new byte[]{(byte) 0xFF, (byte) 0xFE}, utf8("\"}")),
                utf8("{\"operation_id\":123456789012345678901234567890}"),
                utf8("{\"operation_id\":" + foreignOp + "}"),
                utf8("{\"operation_id\":987654321}"),
                utf8("{\"hostname\":\"" + "h".repeat(300) + "\"}"),
                utf8("{\"state\":\"DANCING\"}"));
        ExecutorService pool = Executors.newFixedThreadPool(32);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                int node = n;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        Api.Response r = heartbeat("flood-" + node, tokens.get(node),
                                "{\"hostname\":\"v-" + node + "-" + i + "\",\"roles\":[\"r" + i + "\"]}");
                        if (r.status() != 200) {
                            failures.add("valid flood-" + node + " #" + i + ": " + r);
                        }
                    }
                    return null;
                }));
            }
            for (int h = 0; h < 8; h++) {
                work.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        for (byte[] body : hostile) {
                            RawHttp.Response r = raw.send("POST /api/nodes/flood-hostile/heartbeat HTTP/1.1\r\nAuthorization: Bearer "
                                    + hostileToken + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length, body);
                            if (r.status() < 400 || r.status() >= 500 || !r.contentType().startsWith("application/problem+json")) {
                                failures.add("hostile " + new String(body, StandardCharsets.UTF_8) + ": " + r);
                            }
                        }
                        // a NUL in the node id itself, and another node's token
                        RawHttp.Response r = raw.send("POST /api/nodes/flood-%00/heartbeat HTTP/1.1\r\nAuthorization: Bearer "
                                + hostileToken + "\r\nContent-Type: application/json\r\nContent-Length: 2", utf8("{}"));
                        if (r.status() < 400 || r.status() >= 500) {
                            failures.add("NUL node id: " + r);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), new ArrayList<>(failures));
        for (int n = 0; n < nodes; n++) {
            Map<String, Object> row = it.db.query("SELECT hostname, roles FROM node WHERE id = ?", "flood-" + n).get(0);
            assertEquals("v-" + n + "-" + (rounds - 1), row.get("hostname"), "flood-" + n + " stored its last heartbeat");
            assertEquals("r" + (rounds - 1), row.get("roles"));
        }
        Map<String, Object> hostileRow = it.db.query("SELECT hostname, last_seen, operation_id FROM node WHERE id = 'flood-hostile'").get(0);
        assertEquals(null, hostileRow.get("last_seen"), "no hostile heartbeat was stored: " + hostileRow);
    }

    // ---------------------------------------------------------------- operations and paths

    @Test
    void anOperationIdMustBeOneOfTheNodesOwn() throws Exception {
        String mine = register("opid-a");
        String theirs = register("opid-b");
        long ownOp = syncOperation("opid-a", mine);
        long otherOp = syncOperation("opid-b", theirs);
        List<List<Map<String, Object>>> before = snapshot();
        assertStatus(400, heartbeat("opid-a", mine, "{\"hostname\":\"x\",\"operation_id\":" + otherOp + "}"));
        assertStatus(400, heartbeat("opid-a", mine, "{\"hostname\":\"x\",\"operation_id\":" + (otherOp + 1000) + "}"));
        assertStatus(404, it.api.post("api/nodes/opid-a/operations/" + otherOp + "/progress", Api.bearer(mine),
                "{\"stage\":\"DOWNLOADING\",\"percent\":5}"));
        assertStatus(404, it.api.post("api/nodes/opid-a/operations/" + (otherOp + 1000) + "/progress", Api.bearer(mine),
                "{\"stage\":\"DOWNLOADING\",\"percent\":5}"));
        assertEquals(before, snapshot(), "a refused report changed the database");

        assertEquals(200, heartbeat("opid-a", mine, "{\"hostname\":\"x\",\"operation_id\":" + ownOp + "}").status());
        assertEquals(ownOp, ((Number) it.db.query("SELECT operation_id FROM node WHERE id = 'opid-a'").get(0).get("operation_id")).longValue());
    }

    /**
     * Escapes that are not UTF-8 (or a NUL) are refused by Payara's own request parsing before the application: a 400
     * without a body. Escapes that are not hex at all ({@code %zz}, a lone {@code %}) are not listed here: Payara
     * Micro 6.2025.10 answers them with an empty 200 and a SEVERE log line before any application code runs (Payara
     * issue #8000, open); the application cannot see them. An escape that reaches the application is decoded
     * strictly ({@code PathEscapes}): an encoded slash is part of the id, a '+' is a plus.
     */
    @Test
    void aPathWithAnEscapeThatIsNotAnIdIsRefused() throws Exception {
        String token = register("esc-1");
        List<String> wrong = new ArrayList<>();
        for (String id : List.of("%E0%80", "%C3%28", "%ED%A0%80", "%C0%AF", "esc-1%00", "esc%2F1", "esc-1+")) {
            List<String> requests = List.of(
                    "POST /api/nodes/" + id + "/heartbeat HTTP/1.1\r\nAuthorization: Bearer " + token
                            + "\r\nContent-Type: application/json\r\nContent-Length: 2",
                    "GET /api/nodes/" + id + "/commands?wait=0 HTTP/1.1\r\nAuthorization: Bearer " + token,
                    "GET /api/nodes/" + id + "/code-package HTTP/1.1\r\nAuthorization: Bearer " + token,
                    "POST /api/nodes/" + id + "/operations/1/progress HTTP/1.1\r\nAuthorization: Bearer " + token
                            + "\r\nContent-Type: application/json\r\nContent-Length: 2",
                    "GET /api/nodes/" + id + " HTTP/1.1\r\nAuthorization: " + it.admin,
                    "POST /api/nodes/" + id + "/token HTTP/1.1\r\nAuthorization: " + it.admin + "\r\nContent-Length: 0",
                    "PATCH /api/users/" + id + " HTTP/1.1\r\nAuthorization: " + it.admin
                            + "\r\nContent-Type: application/json\r\nContent-Length: 2",
                    "DELETE /api/users/" + id + " HTTP/1.1\r\nAuthorization: " + it.admin);
            for (String request : requests) {
                RawHttp.Response r = raw.send(request, request.contains("Content-Length: 2") ? utf8("{}") : null);
                boolean refused = r.status() == 400 || r.status() == 404;
                boolean problemOrEmpty = r.body().isEmpty() || r.contentType().startsWith("application/problem+json");
                if (!refused || !problemOrEmpty) {
                    wrong.add(request.substring(0, request.indexOf(" HTTP/1.1")) + ": " + r);
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(null, it.db.query("SELECT last_seen FROM node WHERE id = 'esc-1'").get(0).get("last_seen"));
    }

    // ---------------------------------------------------------------- the catch-all: no HTML, no 500

    @Test
    void noRequestGetsAnHtmlPageOrA500() throws Exception {
        String token = register("html-1");
        String bearer = "Authorization: Bearer " + token;
        String admin = "Authorization: " + it.admin;
        String json = "Content-Type: application/json";
        List<String[]> requests = new ArrayList<>();
        for (String path : List.of("/api/health", "/api/nope", "/api/nodes", "/api/nodes/html-1", "/api/nodes/html-1/heartbeat",
                "/api/nodes/html-1/commands", "/api/nodes/html-1/code-package", "/api/updates/status", "/api/signing-key",
                "/api/nodes/html-1/operations/1/progress", "/api/settings", "/api/users", "/api/users/html-1", "/api/fleet/sync", "/api/", "/api")) {
            for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO")) {
                for (String auth : List.of(bearer, admin, "Authorization: Basic !!!not-base64")) {
                    requests.add(new String[]{method + " " + path + " HTTP/1.1\r\n" + auth + "\r\n" + json + "\r\nAccept: text/html\r\nContent-Length: 1", "{"});
                }
            }
        }
        String[][] odd = {
                {"GET /api/nodes/%zz HTTP/1.1\r\n" + admin, null},
                // the container resolves an encoded slash and "..": these reached the pages (HTML, 200)
                {"GET /api/nodes/..%2f..%2fx HTTP/1.1\r\n" + admin, null},
                {"GET /api/nodes/..%2F..%2Fnodes HTTP/1.1", null},
                {"GET /ws/..%2fnodes HTTP/1.1", null},
                {"GET /api/% HTTP/1.1\r\n" + admin, null},
                {"GET /api/nodes?x=%zz&y=%E0%80 HTTP/1.1\r\n" + admin, null},
                {"GET /api/updates/history?page=abc&size=-1&from=yesterday HTTP/1.1\r\n" + admin, null},
                {"GET /api/updates/history?page=99999999999999999999 HTTP/1.1\r\n" + admin, null},
                {"GET /api/nodes/html-1/commands?wait=abc HTTP/1.1\r\n" + bearer, null},
                {"GET /api/nodes/html-1/commands?wait=99999999999 HTTP/1.1\r\n" + bearer, null},
                {"GET /api/nodes/html-1/code-package?version=../../etc/passwd HTTP/1.1\r\n" + bearer, null},
                {"GET /api/nodes/html-1/code-package HTTP/1.1\r\n" + bearer + "\r\nRange: bytes=99999999999999999999-", null},
                {"GET /api/operations/abc HTTP/1.1\r\n" + admin, null},
                {"GET /api/operations/99999999999999999999 HTTP/1.1\r\n" + admin, null},
                {"GET /api/health HTTP/1.1\r\nAuthorization: Basic " + java.util.Base64.getEncoder().encodeToString("nocolon".getBytes()), null},
                {"GET /api/health HTTP/1.1\r\nAuthorization: Basic " + java.util.Base64.getEncoder().encodeToString("a\u0000:b".getBytes()), null},
                {"GET /api/nodes HTTP/1.1\r\nAuthorization: Basic " + java.util.Base64.getEncoder().encodeToString("admin:\u0000".getBytes()), null},
                {"POST /api/nodes HTTP/1.1\r\n" + admin + "\r\n" + json + "\r\nContent-Length: abc", "{}"},
                {"POST /api/nodes HTTP/1.1\r\n" + admin + "\r\n" + json + "\r\nContent-Length: -5", "{}"},
                {"POST /api/nodes HTTP/1.1\r\n" + admin + "\r\n" + json + "\r\nTransfer-Encoding: gzip, chunked", "zz\r\n"},
                {"POST /api/nodes/html-1/heartbeat HTTP/1.1\r\n" + bearer + "\r\n" + json + "\r\nTransfer-Encoding: chunked", "zz\r\n{}\r\n0\r\n\r\n"},
                {"POST /api/nodes/html-1/heartbeat HTTP/1.1\r\n" + bearer + "\r\n" + json + "\r\nContent-Encoding: gzip\r\nContent-Length: 2", "{}"},
                {"GET /ws/events HTTP/1.1\r\n" + admin, null},
                {"GET /ws/events HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 99\r\n" + admin, null},
                // a handshake short of RFC 6455's, logged in: without "Connection: Upgrade" (RawHttp sends "close") a 500
                // and a SEVERE line each, two versions Payara's HTML page, an empty key and a POST were upgraded
                {"GET /ws/events HTTP/1.1\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n" + admin, null},
                {"GET /ws/events HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                        + "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 8\r\n" + admin, null},
                {"GET /ws/events HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: \r\n"
                        + "Sec-WebSocket-Version: 13\r\n" + admin, null},
                {"POST /ws/events HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                        + "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n" + admin, null},
                {"GET /api/health/../../WEB-INF/web.xml HTTP/1.1", null},
                {"GET /api/nodes/html-1/heartbeat/%2e%2e/%2e%2e HTTP/1.1\r\n" + admin, null},
        };
        for (String[] o : odd) {
            requests.add(o);
        }
        List<String> wrong = new ArrayList<>();
        for (String[] request : requests) {
            RawHttp.Response r = raw.send(request[0], request[1] == null ? null : utf8(request[1]));
            boolean html = r.contentType().toLowerCase().contains("html") || r.body().trim().startsWith("<");
            // Payara refuses some requests itself before the application (a body on a GET, a bad Content-Length,
            // TRACE): an empty answer; every answer with a body is a problem body
            boolean problem = r.status() < 400 || r.body().isEmpty() || r.contentType().startsWith("application/problem+json");
            if (html || r.status() >= 500 || !problem) {
                wrong.add(request[0].replace("\r\n", " | ") + " -> " + r);
            }
        }
        assertEquals(List.of(), wrong);
    }

    // ---------------------------------------------------------------- helpers

    /** An answer's status line and headers, up to the blank line (the stream is left at the body or frames). */
    static String responseHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        for (int b; head.indexOf("\r\n\r\n") < 0 && (b = in.read()) >= 0; ) {
            head.append((char) b);
        }
        return head.toString();
    }

    /** What the log got since {@code before}, read once it has not grown for a second (records may follow answers). */
    static String addedOnceSettled(Path log, long before) throws Exception {
        long[] last = {-1, System.nanoTime()};
        Await.until(Duration.ofSeconds(20), Duration.ofMillis(200), () -> Files.size(log), size -> {
            if (size != last[0]) {
                last[0] = size;
                last[1] = System.nanoTime();
            }
            return System.nanoTime() - last[1] > Duration.ofSeconds(1).toNanos();
        });
        byte[] now = Files.readAllBytes(log);
        return new String(now, (int) before, now.length - (int) before, StandardCharsets.UTF_8);
    }

    static void assertProblem(RawHttp.Response r) {
        assertTrue(r.contentType().startsWith("application/problem+json"), r.toString());
        JsonObject problem = Json.createReader(new StringReader(r.body())).readObject();
        assertEquals(r.status(), problem.getInt("status"), r.toString());
        assertFalse(problem.getString("detail", "").isBlank(), r.toString());
    }

    static void assertStatus(int status, RawHttp.Response r) {
        assertEquals(status, r.status(), r.toString());
        assertProblem(r);
    }

    static void assertStatus(int status, Api.Response r) {
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.toString());
        assertEquals(status, r.json().getInt("status"), r.toString());
    }

    /** The tables a request could change. */
    static List<List<Map<String, Object>>> snapshot() throws Exception {
        return List.of(it.db.query("SELECT * FROM node ORDER BY id"),
                it.db.query("SELECT * FROM operator_account ORDER BY username"),
                it.db.query("SELECT * FROM setting ORDER BY name"),
                it.db.query("SELECT * FROM sync_operation ORDER BY id"),
                it.db.query("SELECT * FROM sync_progress ORDER BY id"));
    }

    static Api.Response heartbeat(String nodeId, String token, String body) throws Exception {
        return it.api.post("api/nodes/" + nodeId + "/heartbeat", Api.bearer(token), body);
    }

    /** A sync operation for the node: it reports the first commit, a newer one is the latest. */
    static long syncOperation(String nodeId, String token) throws Exception {
        assertEquals(200, heartbeat(nodeId, token, "{\"code_version\":\"" + first + "\"}").status());
        if (first.equals(refresh().getString("latest_version"))) {
            it.repo.commit("Second version", "app/index.html", "<h1>v2</h1>\n");
            assertNotEquals(first, refresh().getString("latest_version"));
        }
        Api.Response created = it.api.post("api/nodes/" + nodeId + "/sync", it.admin, "{}");
        assertEquals(202, created.status(), created.toString());
        return created.json().getJsonNumber("operation_id").longValue();
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

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] padded(String start, int size) {
        return utf8(start + "x".repeat(size) + "\"}");
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
