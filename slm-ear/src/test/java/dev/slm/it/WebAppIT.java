package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.AgentProcess;
import dev.slm.it.support.Api;
import dev.slm.it.support.Await;
import dev.slm.it.support.Browser;
import dev.slm.it.support.TestServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The operators' web app in headless Chromium against the real server, with real agents: live badges, the bell,
 * sync from a node's row with the toast at the end, a viewer refused by the server, bulk sync from /updates; and the
 * same events for scripts on /ws/events. Screenshots go to target/screenshots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebAppIT {

    static final String HOOK_SECRET = "webapp-it-webhook-secret-0123456789";
    static final String VIEWER_PASSWORD = "viewer-password-1";
    static final Path SHOTS = Path.of("target/screenshots");

    static TestServer it;
    /** v1, the commit the agents start on */
    static String head;
    static final List<AgentProcess> agents = new ArrayList<>();
    static Browser admin;
    static Browser viewer;

    @BeforeAll
    static void start() throws Exception {
        it = TestServer.start("webapp-it", r -> r.commit("v1", "app/index.html", "<h1>v1</h1>\n"),
                base -> Map.of("SLM_WEBHOOK_SECRET", HOOK_SECRET));
        assertEquals(200, it.api.put("api/settings/heartbeat_interval_s", it.admin, "{\"value\":\"1\"}").status());
        // offline after 10 s of silence, not 3: beside two other classes on two cores a heartbeat can come seconds late,
        // and a node of the fake fleet that flapped offline made the page's counts miss theirs (seen once)
        assertEquals(200, it.api.put("api/settings/offline_after_missed_heartbeats", it.admin, "{\"value\":\"10\"}").status());
        head = it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version");
        String key = it.api.get("api/signing-key", null).json().getString("public_key");
        assertEquals(201, it.api.post("api/users", it.admin,
                "{\"username\":\"vera\",\"password\":\"" + VIEWER_PASSWORD + "\",\"role\":\"VIEWER\"}").status());
        for (String node : List.of("web-1", "web-2", "web-3")) {
            String token = it.api.post("api/nodes", it.admin, "{\"node_id\":\"" + node + "\"}").json().getString("token");
            // web-1 is healthy once the test says so (the agent checks every 500 ms for 30 s): its first sync stays in
            // its health check until the page has shown that stage. A check of two seconds was missed by the page and
            // the test on a loaded machine (the sync had ended when the next push came)
            agents.add(AgentProcess.start(it.work.resolve(node), it.server.baseUri(), node, token, head, Map.of(
                    "install.dir", "opt", "signing.key", key, "service.controller", "process", "service.start", "sleep 100000",
                    "health.command", node.equals("web-1") ? "test -e '" + web1Healthy() + "'" : "true")));
        }
        Await.until(Duration.ofSeconds(30), () -> it.api.get("api/updates/status", it.admin).json(),
                s -> s.getJsonObject("counts").getInt("UP_TO_DATE") == 3);
        admin = new Browser(it.server.baseUri(), it.work.resolve("chrome-admin"));
        viewer = new Browser(it.server.baseUri(), it.work.resolve("chrome-viewer"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {admin, viewer}) {
            if (c != null) {
                c.close();
            }
        }
        for (AgentProcess a : agents) {
            a.close();
        }
        if (it != null) {
            it.close();
        }
    }

    @Test
    @Order(1)
    void aWrongPasswordIsRefusedAndTheRightOneLogsIn() {
        admin.open("login");
        admin.await(d -> d.findElement(By.cssSelector("input[name='username']"))).sendKeys("admin");
        admin.driver.findElement(By.cssSelector("input[name='password']")).sendKeys("not the password");
        admin.driver.findElement(By.cssSelector("vaadin-login-form vaadin-button")).click();
        admin.await(d -> d.getCurrentUrl().contains("error") ? true : null);
        assertTrue(admin.driver.findElements(By.id("current-user")).isEmpty(), "not logged in");

        admin.login("admin", it.adminPassword());
        assertTrue(admin.byId("current-user").getText().contains("admin"));
        admin.await(d -> admin.badges("#nodes").size() == 3 ? true : null);
        assertEquals(List.of("UP_TO_DATE", "UP_TO_DATE", "UP_TO_DATE"), admin.badges("#nodes"));
        assertEquals("0", admin.byId("bell").getAttribute("data-count"));
    }

    @Test
    @Order(2)
    void aNewCommitTurnsTheBadgesLiveInBothBrowsers() throws Exception {
        viewer.login("vera", VIEWER_PASSWORD);
        viewer.await(d -> viewer.badges("#nodes").size() == 3 ? true : null);

        it.repo.commit("v2: a new page", "app/index.html", "<h1>v2</h1>\n");
        // the forge's push webhook announces it (issue 16): no refresh, no poll (the fetch interval is an hour)
        byte[] push = "{\"ref\":\"refs/heads/main\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(HOOK_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        Api.Response hook = it.api.postRaw("api/hooks/git", push, "Content-Type", "application/json", "X-GitHub-Event", "push",
                "X-Hub-Signature-256", "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(push)));
        assertEquals(202, hook.status(), hook.toString());
        // no reload: server push brings the change to both pages
        for (Browser b : List.of(admin, viewer)) {
            b.await(d -> b.badges("#nodes").equals(List.of("OUTDATED", "OUTDATED", "OUTDATED")) ? true : null);
            b.await(d -> "3".equals(b.byId("bell").getAttribute("data-count")) ? true : null);
        }
        assertEquals("3 nodes need updates", admin.byId("bell-count").getText());
        assertTrue(admin.driver.findElement(By.cssSelector("#nodes")).getText().contains("Update available"));
        admin.await(d -> admin.notifications().contains("New upstream commit") ? true : null);
        admin.screenshot(SHOTS.resolve("nodes.png"));

        // the filter runs in the database: one node by name, none up to date
        admin.byId("filter-text").findElement(By.tagName("input")).sendKeys("web-2");
        admin.await(d -> admin.badges("#nodes").size() == 1 ? true : null);
        assertTrue(admin.driver.findElement(By.id("nodes")).getText().contains("web-2"));
        admin.byId("filter-text").findElement(By.tagName("input")).sendKeys(org.openqa.selenium.Keys.chord(
                org.openqa.selenium.Keys.CONTROL, "a"), org.openqa.selenium.Keys.BACK_SPACE);
        admin.await(d -> admin.badges("#nodes").size() == 3 ? true : null);

        // the version difference the badge explains: short commits, how far behind, the subjects
        viewer.open("nodes/web-3");
        String difference = viewer.await(d -> {
            String title = d.findElement(By.cssSelector(".code-badge")).getAttribute("title");
            return title != null && title.contains("behind") ? title : null;
        });
        assertTrue(difference.contains("1 commit behind"), difference);
        assertTrue(difference.contains("v2: a new page"), difference);
        viewer.open("");
        viewer.await(d -> viewer.badges("#nodes").size() == 3 ? true : null);
        // the Updates page says when the last webhook came and what was made of it
        viewer.open("updates");
        String said = viewer.await(d -> {
            WebElement line = d.findElement(By.id("last-webhook"));
            return "accepted".equals(line.getAttribute("data-result")) ? line.getText() : null;
        });
        assertTrue(said.contains("accepted: a push to main from Github, fetching"), said);
        viewer.open("");
        viewer.await(d -> viewer.badges("#nodes").size() == 3 ? true : null);
    }

    @Test
    @Order(3)
    void aViewerSeesTheActionsDisabledWithTheReason() throws Exception {
        viewer.await(d -> viewer.badges("#nodes").size() == 3 ? true : null);
        for (String id : List.of("sync-web-1", "sync-matching")) {
            assertDisabledWithTheReason(viewer, id, "Needs the operator role");
        }
        viewer.open("updates");
        for (String id : List.of("sync-all", "sync-selected", "refresh")) {
            assertDisabledWithTheReason(viewer, id, "Needs the operator role");
        }
        viewer.byId("bell").click();
        assertDisabledWithTheReason(viewer, "bell-sync-web-1", "Needs the operator role");
        viewer.driver.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.ESCAPE);
        viewer.open("");
    }

    /** Read in one script: the live page redraws its rows and its summary while an element-by-element read runs. */
    static void assertDisabledWithTheReason(Browser b, String id, String reason) {
        String said = b.await(d -> (String) b.driver.executeScript("const e = document.getElementById(arguments[0]);"
                + "return e && e.disabled ? 'disabled: ' + (e.parentElement.getAttribute('data-disabled-reason') || '') : null", id));
        assertTrue(said.contains(reason), id + ": " + said);
    }

    /**
     * The page's own channel, without its buttons: the viewer's browser hands the Flow client a hand-made click event
     * (a UIDL {@code event} RPC, as a page edited in the developer tools would) for the row's disabled Sync button.
     * The server ignores it (Flow drops events of disabled components; behind that, the boundary EJBs check the role
     * of every caller, SecurityIT): no dialog opens and no operation is created. A click on the summary bar sent after
     * it shows the round trip was made.
     */
    @Test
    @Order(3)
    void aViewersHandMadeSyncRequestThroughTheWebAppsChannelIsRefusedByTheServer() throws Exception {
        viewer.open("");
        // logged in already when the class runs whole; alone, the start page is the login page
        viewer.await(d -> d.findElements(By.id("current-user")).isEmpty()
                && d.findElements(By.cssSelector("input[name='username']")).isEmpty() ? null : true);
        if (viewer.driver.findElements(By.id("current-user")).isEmpty()) {
            viewer.login("vera", VIEWER_PASSWORD);
        }
        viewer.byId("sync-web-1");
        String send = "const client = Object.values(window.Vaadin.Flow.clients).find(c => c.sendEventMessage);"
                + "client.sendEventMessage(client.getNodeId(document.getElementById(arguments[0])), 'click', {});";
        viewer.driver.executeScript(send, "sync-web-1");
        viewer.driver.executeScript(send, "summary-OUTDATED");
        viewer.await(d -> d.getCurrentUrl().contains("status=OUTDATED") ? true : null);
        assertTrue(viewer.driver.findElements(By.id("sync-confirm")).isEmpty(), "no sync dialog opened");
        JsonArray history = Json.createReader(new StringReader(
                it.api.get("api/updates/history?node=web-1", it.admin).body())).readArray();
        assertEquals(0, history.size(), "the server created no operation for the viewer");
        viewer.open("");
    }

    @Test
    @Order(4)
    void anOperatorSyncsANodeFromItsRowAndWatchesItEnd() throws Exception {
        admin.click("sync-web-1");
        WebElement restart = admin.byId("sync-restart");
        assertEquals("true", String.valueOf(restart.getAttribute("checked") != null), "restart is checked by default");
        admin.byId("sync-confirm").click();
        admin.await(d -> admin.notifications().contains("Sync of web-1 started") ? true : null);
        // the row shows the stages as the agent reports them
        // (both read from one look-up: the row is redrawn as reports come, and an element found before may be gone)
        String stage;
        try {
            stage = admin.await(d -> {
                WebElement progress = d.findElement(By.id("progress-web-1"));
                String s = progress.getAttribute("data-stage");
                return "HEALTH_CHECK".equals(s) && "90".equals(progress.getDomProperty("value")) ? s : null;
            });
        } finally {
            Files.createFile(web1Healthy()); // the later tests' syncs of web-1 pass at once, this one failed or not
        }
        assertEquals("HEALTH_CHECK", stage);
        // the toast at the end, the badge and the bell, all without a reload
        admin.await(Duration.ofSeconds(60), d -> admin.notifications().contains("web-1 runs the new commit") ? true : null);
        admin.await(d -> "2".equals(admin.byId("bell").getAttribute("data-count")) ? true : null);
        admin.await(d -> admin.badges("#nodes").equals(List.of("UP_TO_DATE", "OUTDATED", "OUTDATED")) ? true : null);
        assertEquals("2 nodes need updates", admin.byId("bell-count").getText());
        JsonArray history = Json.createReader(new StringReader(
                it.api.get("api/updates/history?node=web-1", it.admin).body())).readArray();
        assertEquals("SUCCEEDED", history.getJsonObject(0).getString("status"));
        assertEquals("admin", history.getJsonObject(0).getString("requested_by"));

        // the node's page: the release its agent now keeps, reported by the heartbeat
        String deployed = history.getJsonObject(0).getString("target_commit");
        admin.open("nodes/web-1");
        admin.await(d -> d.findElement(By.id("node-releases")).getText().contains(deployed.substring(0, 7) + " (deployed)") ? true : null);
        assertEquals(List.of(deployed), it.api.get("api/nodes/web-1", it.admin).json().getJsonArray("releases")
                .getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList());
        admin.open("");
        admin.await(d -> admin.badges("#nodes").size() == 3 ? true : null);

        admin.byId("bell").click();
        admin.await(d -> d.findElement(By.id("bell-sync-web-2")));
        admin.screenshot(SHOTS.resolve("bell.png"));
        admin.driver.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.ESCAPE);
    }

    @Test
    @Order(5)
    void bulkSyncOfTwoNodesFromTheUpdatesPageShowsProgressAndEnds() throws Exception {
        admin.open("updates");
        admin.await(d -> admin.badges("#pending").size() == 2 ? true : null);
        assertTrue(admin.byId("latest-commit").getText().contains("v2: a new page"));
        // the bell's list follows the live events too, and keeps its Sync buttons while it says the same: here a role
        // no node has is pinned (an event every page hears; this one shows the pin in its banner) and unpinned again
        admin.byId("bell").click();
        WebElement bellSync = admin.await(d -> d.findElement(By.id("bell-sync-web-2")));
        String tip = it.api.get("api/updates/status", it.admin).json().getString("latest_version");
        assertEquals(200, it.api.put("api/updates/pins/roles", it.admin,
                "{\"role\":\"no-node-has\",\"commit\":\"" + tip + "\",\"reason\":\"probe\"}").status());
        try {
            admin.await(d -> d.findElements(By.cssSelector("#pins .role-pin[data-subject='no-node-has']")).isEmpty() ? null : true);
            assertEquals("Sync", Browser.stillShown("the bell's list was drawn anew though it says the same", bellSync::getText));
        } finally {
            assertEquals(200, it.api.delete("api/updates/pins/roles?role=no-node-has", it.admin).status());
        }
        admin.await(d -> d.findElements(By.cssSelector("#pins .role-pin")).isEmpty() ? true : null);
        admin.driver.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.ESCAPE);
        WebElement refresh = admin.byId("refresh");
        // the header's select-all checkbox, then every row's checkbox shows the selection
        admin.driver.findElements(By.cssSelector("#pending vaadin-checkbox")).get(0).click();
        // (the rows shown: the grid keeps a hidden row element from when more nodes were pending)
        admin.await(d -> d.findElements(By.cssSelector("#pending vaadin-checkbox")).stream().filter(WebElement::isDisplayed)
                .allMatch(box -> "true".equals(box.getDomProperty("checked"))) ? true : null);
        admin.byId("sync-selected").click();
        admin.byId("sync-type");
        assertEquals("2", admin.byId("sync-confirm").getAttribute("data-count"));
        admin.byId("sync-confirm").click();
        // one notice for the bulk action, updated in place until both have ended
        admin.await(Duration.ofSeconds(60), d -> admin.notifications().contains("Sync of 2 nodes: 2 succeeded") ? true : null);
        admin.await(d -> "0".equals(admin.byId("bell").getAttribute("data-count")) ? true : null);
        admin.await(d -> admin.badges("#pending").isEmpty() ? true : null);
        // the page followed both nodes' new status (a full redraw of its parts, before) and kept the banner's buttons:
        // one drawn anew at each such event lost the click of an operator whose click was on its way
        assertEquals("Refresh", Browser.stillShown("the banner was drawn anew though it says the same", refresh::getText));
        admin.await(d -> d.findElement(By.id("history")).getText().contains("web-3") ? true : null);
        admin.screenshot(SHOTS.resolve("updates.png"));
        JsonObject status = it.api.get("api/updates/status", it.admin).json();
        assertEquals(3, status.getJsonObject("counts").getInt("UP_TO_DATE"));
    }

    @Test
    @Order(6)
    void aScriptOnWsEventsReceivesTheSyncsEvents() throws Exception {
        List<JsonObject> received = Collections.synchronizedList(new ArrayList<>());
        URI ws = URI.create(it.server.baseUri().toString().replace("http", "ws")).resolve("ws/events");
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        ("vera:" + VIEWER_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .buildAsync(ws, new Collect(received)).get(10, TimeUnit.SECONDS);
        try {
            it.repo.commit("v3", "app/index.html", "<h1>v3</h1>\n");
            it.api.post("api/updates/refresh", it.admin, null);
            Api.Response r = it.api.post("api/nodes/web-2/sync", it.admin, "{\"restart_type\":\"immediate\"}");
            long id = r.json().getJsonNumber("operation_id").longValue();
            Await.until(Duration.ofSeconds(60), () -> types(received, id), t -> t.contains("sync.completed"));
            List<String> types = types(received, id);
            assertEquals("sync.started", types.get(0), types.toString());
            assertTrue(types.contains("sync.progress"), types.toString());
            assertEquals("sync.completed", types.get(types.size() - 1), types.toString());
            assertTrue(received.stream().anyMatch(e -> e.getString("type").equals("source.latest_changed")), received.toString());
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(7)
    void wsEventsWithoutALoginIsRefusedBeforeTheUpgrade() throws Exception {
        URI ws = URI.create(it.server.baseUri().toString().replace("http", "ws")).resolve("ws/events");
        java.util.concurrent.ExecutionException refused = assertThrows(
                java.util.concurrent.ExecutionException.class, () -> HttpClient.newHttpClient().newWebSocketBuilder()
                        .buildAsync(ws, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
        java.net.http.WebSocketHandshakeException handshake =
                assertInstanceOf(java.net.http.WebSocketHandshakeException.class, refused.getCause());
        assertEquals(401, handshake.getResponse().statusCode());
    }

    @Test
    @Order(8)
    void anAdminRegistersANodeSeesItsTokenOnceAndCreatesAnOperator() throws Exception {
        admin.open("admin");
        admin.byId("register-node-id").findElement(By.tagName("input")).sendKeys("web-9");
        admin.byId("register-node").click();
        String token = admin.await(d -> {
            String t = d.findElement(By.id("new-token")).getText().trim();
            return t.isEmpty() ? null : t;
        });
        // the agent's configuration: this server as the browser reaches it, the node, the token file, the signing key
        String key = it.api.get("api/signing-key", null).json().getString("public_key");
        String properties = admin.await(d -> {
            String t = d.findElement(By.id("agent-properties")).getText();
            return t.contains("server.url") ? t : null;
        });
        assertTrue(properties.contains("server.url  = " + it.server.baseUri()), properties);
        assertTrue(properties.contains("node.id     = web-9\n"), properties);
        assertTrue(properties.contains("token.file  = /etc/slm-agent/token\n"), properties);
        assertTrue(properties.contains("signing.key = " + key + "\n"), properties);
        assertFalse(properties.contains(token), "the token goes into its file, not into agent.properties");
        admin.byId("copy-token").click();
        String copied = admin.await(d -> {
            String t = d.findElement(By.id("copy-token-status")).getText();
            return t.isEmpty() ? null : t;
        });
        assertTrue(copied.equals("Copied to the clipboard") || copied.startsWith("Selected"), copied);
        // a page on plain http has no navigator.clipboard: the text is selected (and copied where the browser lets it)
        admin.driver.executeScript("Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true})");
        admin.byId("copy-properties").click();
        admin.await(d -> d.findElement(By.id("copy-properties-status")).getText().isEmpty() ? null : true);
        assertEquals(properties.trim(), String.valueOf(admin.driver.executeScript("return window.getSelection().toString()")).trim());
        admin.screenshot(SHOTS.resolve("token-dialog.png"));
        admin.byId("token-done").click();
        // the token shown is the node's: its agent's heartbeat is accepted
        Api.Response hb = it.api.post("api/nodes/web-9/heartbeat", "Bearer " + token,
                "{\"agent_version\":\"1\",\"hostname\":\"web-9\",\"roles\":[]}");
        assertEquals(200, hb.status(), hb.toString());

        // an enrollment key for provisioning: shown once, it enrols a node; revoked, it enrols nothing more
        admin.byId("key-name").findElement(By.tagName("input")).sendKeys("rack 9");
        admin.byId("key-uses").findElement(By.tagName("input")).sendKeys("3");
        admin.byId("key-roles").findElement(By.tagName("input")).sendKeys("web, db");
        admin.byId("key-create").click();
        String enrollmentKey = admin.await(d -> {
            String t = d.findElement(By.id("new-enrollment-key")).getText().trim();
            return t.isEmpty() ? null : t;
        });
        admin.byId("enrollment-key-done").click();
        assertEquals(201, it.api.post("api/nodes/enroll", null, "{\"enrollment_key\":\"" + enrollmentKey
                + "\",\"node_id\":\"key-node-1\",\"roles\":[\"db\"]}").status());
        JsonObject listed = it.api.get("api/enrollment-keys", it.admin).array().getJsonObject(0);
        assertEquals("rack 9", listed.getString("name"));
        assertEquals(3, listed.getInt("max_uses"));
        assertEquals(List.of("web", "db"), listed.getJsonArray("roles").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList());
        admin.await(d -> d.findElement(By.id("enrollment-keys")).getText().contains("rack 9") ? true : null);
        admin.driver.findElement(By.cssSelector("#enrollment-keys .revoke-key")).click();
        admin.byId("revoke-key-confirm").click();
        admin.await(d -> admin.notifications().contains("Revoked 'rack 9'") ? true : null);
        assertEquals("revoked", it.api.get("api/enrollment-keys", it.admin).array().getJsonObject(0).getString("state"));
        assertEquals(401, it.api.post("api/nodes/enroll", null, "{\"enrollment_key\":\"" + enrollmentKey
                + "\",\"node_id\":\"key-node-2\"}").status());

        admin.byId("user-name").findElement(By.tagName("input")).sendKeys("olga");
        admin.byId("user-password").findElement(By.tagName("input")).sendKeys("operator-password-1");
        admin.byId("create-user").click();
        admin.await(d -> admin.notifications().contains("Created olga") ? true : null);
        assertTrue(it.api.get("api/users", it.admin).body().contains("\"olga\""));

        // a viewer is shown no admin page, and has no way to it in the navigation
        viewer.open("admin");
        viewer.await(d -> d.findElement(By.tagName("body")).getText().contains("needs the admin role") ? true : null);
        assertTrue(viewer.driver.findElements(By.id("register-node")).isEmpty());

        // logging out ends the session: the start page sends the browser back to the login
        viewer.byId("logout").click();
        viewer.await(d -> d.getCurrentUrl().endsWith("/login") ? true : null);
        viewer.open("");
        viewer.await(d -> d.findElements(By.cssSelector("input[name='username']")).isEmpty() ? null : true);
        assertTrue(viewer.driver.findElements(By.id("current-user")).isEmpty());
    }

    @Test
    @Order(9)
    void aCommitNoAgentCouldInstallIsSaidOnTheUpdatesPageWithItsSyncButtonsOffUntilAFix() throws Exception {
        admin.open("updates");
        admin.byId("latest-commit");
        Path link = it.repo.dir().resolve("app/passwd");
        Files.createSymbolicLink(link, Path.of("/etc/passwd"));
        it.repo.git("add", "-A");
        it.repo.git("commit", "-q", "-m", "An absolute link");
        it.api.post("api/updates/refresh", it.admin, null);
        // the page follows the new commit live: no reload
        String said = admin.await(d -> d.findElements(By.id("not-deployable")).stream().findFirst()
                .map(WebElement::getText).orElse(null));
        assertTrue(said.contains("is not deployable: app/passwd -> /etc/passwd: an absolute symlink"), said);
        for (String button : List.of("sync-all", "sync-selected")) {
            assertEquals("true", admin.byId(button).getDomProperty("disabled"), button);
        }
        admin.screenshot(SHOTS.resolve("updates-not-deployable.png"));

        Files.delete(link);
        it.repo.git("add", "-A");
        it.repo.git("commit", "-q", "-m", "No absolute link");
        it.api.post("api/updates/refresh", it.admin, null);
        admin.await(d -> d.findElements(By.id("not-deployable")).isEmpty() ? true : null);
        assertEquals("false", admin.byId("sync-all").getDomProperty("disabled"));
    }

    @Test
    @Order(10)
    void anAdminChangesAUsersRoleAndDisablesThemAndTheyCannotLogInAnyMore() throws Exception {
        assertEquals(201, it.api.post("api/users", it.admin,
                "{\"username\":\"walt\",\"password\":\"walt-password-12\",\"role\":\"VIEWER\"}").status());
        viewer.login("walt", "walt-password-12");
        assertTrue(viewer.byId("current-user").getText().contains("walt (viewer)"));

        admin.open("admin");
        admin.click("role-walt"); // the operators' grid is below the nodes and the enrollment keys: scrolled to
        admin.await(d -> d.findElements(By.cssSelector("vaadin-select-item")).stream()
                .filter(e -> e.isDisplayed() && e.getText().trim().equals("operator")).findFirst().orElse(null)).click();
        admin.await(d -> admin.notifications().contains("walt is now operator") ? true : null);
        assertEquals("OPERATOR", it.api.get("api/users/walt", it.admin).json().getString("role"));
        // walt's session takes the new role at its next request
        viewer.open("");
        viewer.await(d -> d.findElement(By.id("current-user")).getText().contains("walt (operator)") ? true : null);

        admin.click("disable-walt");
        admin.click("confirm-ok");
        admin.await(d -> admin.notifications().contains("Disabled walt") ? true : null);
        assertTrue(it.api.get("api/users/walt", it.admin).json().getBoolean("disabled"));
        admin.driver.executeScript("arguments[0].scrollIntoView()", admin.byId("enable-walt"));
        admin.screenshot(SHOTS.resolve("admin-users.png"));

        // walt's open session ends at its next request, and the login is refused
        viewer.open("");
        viewer.await(d -> d.findElements(By.cssSelector("input[name='username']")).isEmpty() ? null : true);
        assertTrue(viewer.driver.findElements(By.id("current-user")).isEmpty());
        viewer.driver.findElement(By.cssSelector("input[name='username']")).sendKeys("walt");
        viewer.driver.findElement(By.cssSelector("input[name='password']")).sendKeys("walt-password-12");
        viewer.driver.findElement(By.cssSelector("vaadin-login-form vaadin-button")).click();
        viewer.await(d -> d.getCurrentUrl().contains("error") ? true : null);
        assertTrue(viewer.driver.findElements(By.id("current-user")).isEmpty(), "not logged in");
    }

    @Test
    @Order(10)
    void enterSubmitsTheAdminFormsAndWhatIsWrongIsSaidNextToTheField() throws Exception {
        admin.open("admin");
        String name = "offline_after_missed_heartbeats";
        WebElement setting = admin.byId("setting-" + name);
        assertTrue(setting.getDomProperty("helperText").contains("1 to 100 heartbeats. A node is offline"),
                setting.getDomProperty("helperText"));
        setting.findElement(By.tagName("input")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, "many", Keys.ENTER);
        admin.await(d -> "true".equals(admin.byId("setting-" + name).getDomProperty("invalid")) ? true : null);
        assertEquals(name + " must be a whole number of heartbeats, from 1 to 100",
                admin.byId("setting-" + name).getDomProperty("errorMessage"));
        assertEquals("10", setting(name));
        admin.byId("setting-" + name).findElement(By.tagName("input"))
                .sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, "4", Keys.ENTER);
        admin.await(d -> admin.notifications().contains(name + " is now 4 heartbeats") ? true : null);
        assertEquals("false", admin.byId("setting-" + name).getDomProperty("invalid"));
        assertEquals("4", setting(name));
        assertEquals(200, it.api.put("api/settings/" + name, it.admin, "{\"value\":\"10\"}").status());

        admin.byId("user-name").findElement(By.tagName("input")).sendKeys("Nina N");
        admin.byId("user-password").findElement(By.tagName("input")).sendKeys("short", Keys.ENTER);
        admin.await(d -> "true".equals(admin.byId("user-password").getDomProperty("invalid")) ? true : null);
        assertEquals("true", admin.byId("user-name").getDomProperty("invalid"));
        assertTrue(admin.byId("user-name").getDomProperty("errorMessage").startsWith("username must match"));
        assertEquals("password must have at least 12 characters", admin.byId("user-password").getDomProperty("errorMessage"));
        admin.byId("user-name").findElement(By.tagName("input")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, "nina");
        admin.byId("user-password").findElement(By.tagName("input"))
                .sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, "nina-password-1", Keys.ENTER);
        admin.await(d -> admin.notifications().contains("Created nina") ? true : null);
        assertEquals("VIEWER", it.api.get("api/users/nina", it.admin).json().getString("role"));

        // a new password, set in a dialog: too short is said next to the field, Enter sets it
        admin.click("password-nina");
        admin.byId("reset-password").findElement(By.tagName("input")).sendKeys("short", Keys.ENTER);
        admin.await(d -> "true".equals(admin.byId("reset-password").getDomProperty("invalid")) ? true : null);
        assertEquals("password must have at least 12 characters", admin.byId("reset-password").getDomProperty("errorMessage"));
        admin.byId("reset-password").findElement(By.tagName("input"))
                .sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, "nina-password-2", Keys.ENTER);
        admin.await(d -> admin.notifications().contains("New password for nina") ? true : null);
        assertEquals(401, it.api.get("api/nodes", Api.basic("nina", "nina-password-1")).status());
        assertEquals(200, it.api.get("api/nodes", Api.basic("nina", "nina-password-2")).status());

        admin.byId("register-node-id").findElement(By.tagName("input")).sendKeys("Web 10", Keys.ENTER);
        admin.await(d -> "true".equals(admin.byId("register-node-id").getDomProperty("invalid")) ? true : null);
        assertTrue(admin.byId("register-node-id").getDomProperty("errorMessage").startsWith("node_id must match"));
        admin.byId("register-node-id").findElement(By.tagName("input"))
                .sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, "web-10", Keys.ENTER);
        admin.await(d -> d.findElement(By.id("agent-properties")).getText().contains("node.id     = web-10") ? true : null);
        admin.click("token-done");
        assertEquals(200, it.api.get("api/nodes/web-10", it.admin).status());
    }

    static String setting(String name) throws Exception {
        return it.api.get("api/settings", it.admin).array().stream().map(v -> v.asJsonObject())
                .filter(s -> s.getString("name").equals(name)).findFirst().orElseThrow().getString("value");
    }

    @Test
    @Order(20)
    void theAppRanUnderItsContentSecurityPolicyWithNothingRefused() {
        // the pushes above arrived and every page worked with the policy on; the browsers' consoles say nothing was refused
        for (Browser b : List.of(admin, viewer)) {
            assertEquals(List.of(), b.contentSecurityPolicyViolations());
        }
    }

    /**
     * A fleet of 22 through the Nodes page: fleet-01…fleet-20 heartbeat (fleet-19 on a commit the server does not
     * know, the others on v1), fleet-21 and fleet-22 were registered and never seen. Their "agents" are the test's
     * heartbeats (HTTP, as the agent's): a command in an answer is "installed" by reporting its target at the next
     * heartbeat, except fleet-20's, which reports a failure.
     */
    static final class FakeFleet implements AutoCloseable {
        final Map<String, String> tokens = new java.util.TreeMap<>();
        final Map<String, String> commits = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.concurrent.ScheduledExecutorService beats = java.util.concurrent.Executors.newScheduledThreadPool(2);
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());

        FakeFleet(String v1) throws Exception {
            // a heartbeat without an answer is given up after 4 s and the next goes out a second later, as an agent
            // would: fleet-11 alone once went silent past the 10 s offline window while the 19 others beat through the
            // same client (one request held, for up to the client's default 120 s), and a schedule that fired then
            // left it out as offline
            Api http = it.api.timeout(Duration.ofSeconds(4));
            for (int i = 1; i <= 22; i++) {
                String node = String.format("fleet-%02d", i);
                tokens.put(node, it.api.post("api/nodes", it.admin, "{\"node_id\":\"" + node + "\"}").json().getString("token"));
                if (i <= 20) {
                    commits.put(node, i == 19 ? "f".repeat(40) : v1);
                }
            }
            for (String node : commits.keySet()) {
                // once a second, the interval the server asks for (was every 400 ms: 50 heartbeats a second, CPU
                // the browsers and the server beside it need)
                beats.scheduleWithFixedDelay(() -> beat(http, node), 0, 1000, TimeUnit.MILLISECONDS);
            }
        }

        private void beat(Api http, String node) {
            try {
                Api.Response r = http.post("api/nodes/" + node + "/heartbeat", Api.bearer(tokens.get(node)),
                        "{\"code_version\":\"" + commits.get(node) + "\",\"state\":\"IDLE\",\"roles\":[\"fleet\"]}");
                JsonObject body = r.status() == 200 ? r.json() : null;
                JsonObject command = body != null && body.containsKey("command") && !body.isNull("command")
                        ? body.getJsonObject("command") : null;
                if (r.status() != 200 && failures.size() < 10) {
                    failures.add(node + ": " + r);
                } else if (command != null && node.equals("fleet-20")) {
                    http.post("api/nodes/" + node + "/operations/" + command.getJsonNumber("operation_id") + "/progress",
                            Api.bearer(tokens.get(node)), "{\"stage\":\"FAILED\",\"message\":\"disk full\"}");
                } else if (command != null) {
                    commits.put(node, command.getString("target_commit"));
                }
            } catch (Exception e) {
                if (failures.size() < 10) {
                    failures.add(node + ": " + e);
                }
            }
        }

        @Override
        public void close() throws Exception {
            beats.shutdownNow();
            assertTrue(beats.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    static FakeFleet fleet;

    /** Once it exists, web-1's health check passes. */
    static Path web1Healthy() {
        return it.work.resolve("web-1-healthy");
    }

    /** The count the page lists for its filters (the "Sync all listed (N)" button says it). */
    static int listed(Browser b) {
        return Integer.parseInt(b.byId("sync-matching").getAttribute("data-count"));
    }

    /** How many nodes {@code GET /api/nodes} lists for the query (its X-Total-Count). */
    static int total(String query) {
        Api.Response r = Api.unchecked(() -> it.api.get("api/nodes?" + query, it.admin));
        assertEquals(200, r.status(), r.toString());
        return Integer.parseInt(r.headers().firstValue("X-Total-Count").orElseThrow());
    }



    @Test
    @Order(11)
    void theSummaryBarFiltersAndMultiValueFiltersSurviveAReloadFromTheUrl() throws Exception {
        fleet = new FakeFleet(head);
        Await.until(Duration.ofSeconds(30), () -> total("text=fleet-&status=OUTDATED,UNKNOWN&online=true"), n -> n == 20);

        // a shared link: two statuses and a text, as the address bar has them
        admin.open("?status=OUTDATED,UNKNOWN&text=fleet-");
        admin.await(d -> listed(admin) == 22 ? true : null);
        assertEquals(total("status=OUTDATED,UNKNOWN&text=fleet-"), listed(admin));
        assertEquals(List.of("Update available", "Unknown"), chosenStatuses());
        admin.driver.navigate().refresh();
        admin.await(d -> listed(admin) == 22 ? true : null);
        assertEquals(List.of("Update available", "Unknown"), chosenStatuses());
        assertTrue(admin.driver.getCurrentUrl().contains("status=OUTDATED,UNKNOWN") || admin.driver.getCurrentUrl()
                .contains("status=OUTDATED%2CUNKNOWN"), admin.driver.getCurrentUrl());

        // the summary bar: a click filters (and the URL follows); its counts are the fleet's
        int unknown = total("status=UNKNOWN");
        WebElement chip = admin.byId("summary-UNKNOWN");
        assertEquals(String.valueOf(unknown), chip.getAttribute("data-count"));
        // its chips are the same elements while the page follows the fleet: one drawn anew at each update lost the click
        // of an operator whose click was on its way (a click right after this reload did nothing, twice in five runs)
        // (a node registered now is one more of unknown code)
        assertEquals(201, it.api.post("api/nodes", it.admin, "{\"node_id\":\"chip-probe\"}").status());
        assertEquals(String.valueOf(unknown + 1), admin.await(d -> {
            String now = Browser.stillShown("the summary was drawn anew", () -> chip.getAttribute("data-count"));
            return now.equals(String.valueOf(unknown)) ? null : now;
        }));
        assertEquals(204, it.api.delete("api/nodes/chip-probe", it.admin).status());
        admin.click("summary-UNKNOWN");
        admin.await(d -> d.getCurrentUrl().contains("status=UNKNOWN") && !d.getCurrentUrl().contains("OUTDATED")
                && listed(admin) == total("status=UNKNOWN&text=fleet-") ? true : null);
        // fleet-21 and fleet-22: unknown, offline, named fleet-
        admin.click("summary-offline");
        admin.await(d -> d.getCurrentUrl().contains("online=false") && listed(admin) == 2 ? true : null);
        assertEquals(total("status=UNKNOWN&online=false&text=fleet-"), listed(admin));
        admin.screenshot(SHOTS.resolve("nodes-filtered.png"));

        // the grouping by deployed commit: the fleet's v1 nodes, one click filters by it
        admin.open("?text=fleet-");
        admin.await(d -> listed(admin) == 22 ? true : null);
        admin.click("group-" + head.substring(0, 7));
        admin.await(d -> d.getCurrentUrl().contains("commit=" + head) ? true : null);
        admin.await(d -> listed(admin) == 19 ? true : null);

        // a link with filters the page does not know: the others apply, the page says what it left out, and the
        // address bar shows what is applied
        admin.open("?status=OUTDATED,BOGUS&online=maybe&text=fleet-");
        admin.await(d -> admin.notifications().contains("Left out of this link's filters (not understood): status BOGUS,"
                + " online maybe") ? true : null);
        admin.await(d -> d.getCurrentUrl().endsWith("/?status=OUTDATED&text=fleet-") ? true : null);
        assertEquals(total("status=OUTDATED&text=fleet-"), listed(admin));
    }

    @SuppressWarnings("unchecked")
    private static List<String> chosenStatuses() {
        return (List<String>) admin.driver.executeScript("return Array.from(document.getElementById('filter-status')"
                + ".selectedItems || []).map(i => i.label)");
    }

    @Test
    @Order(12)
    void thePreviewBreaksTheListDownSendsExactlyWhatItSaysAndOneNoticeFollowsTheTwentySyncs() throws Exception {
        admin.open("?text=fleet-");
        admin.await(d -> listed(admin) == 22 ? true : null);
        admin.byId("sync-matching").click();
        // 19 outdated (fleet-01…18, 20), 1 on an unknown commit (fleet-19), 2 never seen (fleet-21, 22)
        assertEquals(Map.of("OUTDATED", "19", "UNKNOWN", "1", "OFFLINE", "2"), admin.await(d -> breakdown().isEmpty() ? null : breakdown()));
        assertTrue(admin.byId("sync-target").getText().contains(it.repo.head().substring(0, 7)), admin.byId("sync-target").getText());
        assertEquals("20", admin.byId("sync-confirm").getAttribute("data-count"));
        assertEquals("Sync 20 nodes", admin.byId("sync-confirm").getText());
        admin.byId("sync-include-offline").click();
        admin.await(d -> "22".equals(admin.byId("sync-confirm").getAttribute("data-count")) ? true : null);
        admin.byId("sync-include-offline").click();
        admin.await(d -> "20".equals(admin.byId("sync-confirm").getAttribute("data-count")) ? true : null);
        admin.screenshot(SHOTS.resolve("sync-preview.png"));

        admin.byId("sync-confirm").click();
        // the notice comes with the click's answer, after the operations were created
        admin.await(d -> String.join("", notificationCards()).contains("Sync of 20 nodes") ? true : null);
        // what was sent is what the button said: one operation each for the 20, none for the two never seen
        JsonArray sent = Json.createReader(new StringReader(
                it.api.get("api/updates/history?size=100", it.admin).body())).readArray();
        List<String> nodes = sent.getValuesAs(JsonObject.class).stream().map(o -> o.getString("node_id"))
                .filter(n -> n.startsWith("fleet-")).sorted().toList();
        assertEquals(20, nodes.size(), nodes.toString());
        assertTrue(!nodes.contains("fleet-21") && !nodes.contains("fleet-22"), nodes.toString());

        // one notice, updated in place, until all twenty have ended; the failure stands out
        int[] most = {0};
        String said = String.join("\n", Await.until(Duration.ofSeconds(60), Duration.ofMillis(100), WebAppIT::notificationCards,
                cards -> {
                    most[0] = Math.max(most[0], cards.size());
                    String text = String.join("\n", cards);
                    return text.contains("19 succeeded, 1 failed") && !text.contains("running");
                }));
        int cardsAtMost = most[0];
        assertEquals(1, cardsAtMost, "notices seen at once: " + cardsAtMost + "; last: " + said);
        assertTrue(said.startsWith("Sync of 20 nodes"), said);
        assertTrue(said.contains("fleet-20") && said.contains("disk full"), said);
        WebElement card = admin.driver.findElement(By.cssSelector("vaadin-notification-card"));
        assertTrue(card.getAttribute("theme").contains("error"), "a failure stands out: " + card.getAttribute("theme"));
        assertTrue(fleet.failures.isEmpty(), fleet.failures.toString());

        // the bulk action is one object on /updates: its totals, and its nodes when opened
        admin.open("updates");
        String bulk = admin.await(d -> (String) admin.driver.executeScript("const b = document.querySelector('#bulks vaadin-details');"
                + "return b ? [b.id, b.dataset.total, b.dataset.succeeded, b.dataset.failed, b.dataset.open].join(' ') : null"));
        assertTrue(bulk.endsWith(" 20 19 1 0"), bulk);
        admin.driver.findElement(By.cssSelector("#" + bulk.split(" ")[0] + " vaadin-details-summary")).click();
        admin.await(d -> d.findElement(By.id("bulk-nodes-" + bulk.split(" ")[0].substring("bulk-".length())))
                .getText().contains("fleet-01") ? true : null);
        admin.screenshot(SHOTS.resolve("updates-bulk.png"));
    }

    /** A click dispatched on the element itself: a live redraw between scrolling and clicking cannot move it away. */
    private static void jsClick(String id) {
        admin.await(d -> admin.driver.executeScript("const e = document.getElementById(arguments[0]);"
                + " if (!e || e.disabled) return null; e.click(); return true", id));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> breakdown() {
        return ((List<List<String>>) admin.driver.executeScript("return Array.from(document.querySelectorAll("
                + "'#sync-breakdown [data-part]')).map(e => [e.getAttribute('data-part'), e.getAttribute('data-count')])"))
                .stream().collect(java.util.stream.Collectors.toMap(l -> l.get(0), l -> l.get(1)));
    }

    @SuppressWarnings("unchecked")
    private static List<String> notificationCards() {
        return (List<String>) admin.driver.executeScript("return Array.from(document.querySelectorAll("
                + "'vaadin-notification-card')).map(c => c.innerText)");
    }

    @Test
    @Order(13)
    void onAPhoneEachNodeIsACardWithItsBadgeAndTheLogOutIsReachableAndADesktopNeedsNoSideScrolling() throws Exception {
        try {
            admin.resize(1400, 900);
            admin.open("");
            admin.await(d -> "columns".equals(d.findElement(By.id("nodes")).getAttribute("data-layout")) ? true : null);
            admin.await(d -> !admin.badges("#nodes").isEmpty() ? true : null);
            Boolean fits = (Boolean) admin.driver.executeScript("const t = document.getElementById('nodes').$.table;"
                    + "return t.scrollWidth <= t.clientWidth");
            assertTrue(fits, "the columns fit 1,400 px without sideways scrolling");

            admin.resize(400, 800);
            admin.await(d -> "cards".equals(d.findElement(By.id("nodes")).getAttribute("data-layout")) ? true : null);
            WebElement badge = admin.await(d -> d.findElements(By.cssSelector("#nodes .node-card .code-badge")).stream()
                    .filter(WebElement::isDisplayed).findFirst().orElse(null));
            WebElement logout = admin.byId("logout");
            int width = ((Number) admin.driver.executeScript("return window.innerWidth")).intValue();
            for (WebElement e : List.of(badge, logout)) {
                assertTrue(e.isDisplayed());
                org.openqa.selenium.Rectangle r = e.getRect();
                assertTrue(r.getX() >= 0 && r.getX() + r.getWidth() <= width, e.getText() + " at " + r.getX() + "+" + r.getWidth());
            }
            admin.screenshot(SHOTS.resolve("nodes-phone.png"));
        } finally {
            admin.resize(1440, 1000);
        }
    }

    @Test
    @Order(14)
    void darkModeFollowsTheSystemUntilTheToggleChoosesAndNoPageAsksForAMissingFile() throws Exception {
        admin.mediaFeatures(Map.of("prefers-color-scheme", "dark"));
        try {
            admin.open("");
            admin.await(d -> "dark".equals(d.findElement(By.tagName("html")).getAttribute("theme")) ? true : null);
            admin.await(d -> !admin.badges("#nodes").isEmpty() ? true : null);
            admin.screenshot(SHOTS.resolve("nodes-dark.png"));
            admin.byId("theme-toggle").click();
            admin.await(d -> d.findElement(By.tagName("html")).getAttribute("theme") == null ? true : null);
            admin.driver.navigate().refresh();
            admin.byId("current-user");
            assertEquals(null, admin.driver.findElement(By.tagName("html")).getAttribute("theme"), "the choice is kept");
            admin.byId("theme-toggle").click();
            admin.await(d -> "dark".equals(d.findElement(By.tagName("html")).getAttribute("theme")) ? true : null);
        } finally {
            admin.driver.executeScript("localStorage.removeItem('slm-theme')");
            admin.mediaFeatures(Map.of());
        }
        // every page this class opened, in both browsers: nothing failed to load, no script threw. One exception:
        // when Vaadin's client misses a push message it asks the server for the whole UI again (the server logs
        // "Resynchronizing UI by client's request") and its own script reports the calls it dropped meanwhile; the
        // page is whole again after it (the tests that follow go on with it). Only those, and only after such a resync.
        boolean resynced = java.nio.file.Files.readString(it.work.resolve("server.log"))
                .contains("Resynchronizing UI by client's request");
        for (Browser b : List.of(admin, viewer)) {
            assertEquals(List.of(), b.consoleErrors().stream().filter(e -> !(resynced && e.contains("/VAADIN/build/FlowClient-")
                    && (e.contains("Client is resynchronizing") || e.contains("reading 'requestContentUpdate'")))).toList());
        }
    }

    /** An operator whose system asks for less motion gets still progress bars; without that wish Lumo's bar moves. */
    @Test
    @Order(14)
    void aBrowserThatAsksForLessMotionGetsStillProgressBars() {
        admin.open("");
        admin.byId("current-user");
        String animation = "let bar = document.getElementById('motion-probe');"
                + " if (!bar) { bar = document.createElement('vaadin-progress-bar'); bar.id = 'motion-probe';"
                + " bar.indeterminate = true; document.body.append(bar); }"
                + " const value = bar.shadowRoot && bar.shadowRoot.querySelector('[part=value]');"
                + " return value ? getComputedStyle(value).animationName : null;";
        try {
            assertEquals("vaadin-progress-indeterminate", admin.await(d -> admin.driver.executeScript(animation)));
            admin.mediaFeatures(Map.of("prefers-reduced-motion", "reduce"));
            assertEquals("none", admin.await(d -> admin.driver.executeScript(animation)));
        } finally {
            admin.mediaFeatures(Map.of());
            admin.driver.executeScript("const bar = document.getElementById('motion-probe'); if (bar) { bar.remove(); }");
        }
    }

    /**
     * The node's page for nodes without agents, made by hand through the API: the commits a node is behind, a pending
     * operation cancelled from the history (its button disabled for a viewer), a rolled-back one drawn red with its
     * whole message and stage timeline, and the way back to the list. Runs last: it registers nodes of its own.
     */
    /** Acceptance 6 of the rollout issue: started from the dialog, followed live on /updates, paused and resumed. */
    @Test
    @Order(16)
    void aRollingSyncStartedFromTheDialogAdvancesLiveOnTheUpdatesPageAndPausesAndResumes() throws Exception {
        String next = it.repo.commit("v9: for a rollout", "app/rollout.html", "<h1>rolling</h1>\n");
        assertEquals(next, it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version"));
        admin.open("?text=fleet-0");
        admin.await(d -> listed(admin) == 9 ? true : null);
        admin.click("sync-matching");
        admin.await(d -> "9".equals(d.findElement(By.id("sync-confirm")).getAttribute("data-count")) ? true : null);
        admin.driver.findElements(By.cssSelector("#sync-strategy vaadin-radio-button")).get(1).click();
        admin.await(d -> d.findElement(By.id("rolling-options")).isDisplayed() ? true : null);
        WebElement size = admin.driver.findElement(By.cssSelector("#rolling-batch-size input"));
        size.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "3", org.openqa.selenium.Keys.TAB);
        WebElement delay = admin.driver.findElement(By.cssSelector("#rolling-delay input"));
        delay.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "8", org.openqa.selenium.Keys.TAB);
        admin.await(d -> d.findElement(By.id("sync-confirm")).getText().equals("Start rolling sync of 9 nodes") ? true : null);
        admin.click("sync-confirm");
        admin.await(d -> String.join("", notificationCards()).contains("started: 3 batches") ? true : null);
        JsonObject started = Json.createReader(new StringReader(it.api.get("api/rollouts", it.admin).body())).readArray()
                .getJsonObject(0);
        long id = started.getJsonNumber("rollout_id").longValue();
        assertEquals(3, started.getJsonObject("options").getInt("batch_size"));
        assertEquals(8, started.getJsonObject("options").getInt("health_check_delay"));

        admin.open("updates");
        admin.driver.executeScript("window.slmNotReloaded = true");
        String row = "rollout-" + id;
        java.util.Set<String> batchesSeen = new java.util.TreeSet<>();
        // paused in the first batch the page shows started (a page on a busy machine may show it a few seconds late:
        // waiting for batch 2 let the rollout end before the click arrived)
        Await.until(Duration.ofSeconds(60), Duration.ofMillis(100), () -> admin.driver.executeScript(
                "const r = document.getElementById(arguments[0]); return r ? r.dataset.batch : null", row), b -> {
                    if (b != null) {
                        batchesSeen.add(b.toString());
                    }
                    return b != null && !"0".equals(b);
                });
        jsClick("rollout-pause-" + id);
        admin.await(d -> "PAUSED".equals(d.findElement(By.id(row)).getAttribute("data-status")) ? true : null);
        int pausedIn = Integer.parseInt(admin.byId(row).getAttribute("data-batch"));
        assertTrue(pausedIn < 3, "paused before the last batch: " + pausedIn);
        // that batch settles and stays healthy for its 8 s, and still the next does not start while paused
        admin.await(Duration.ofSeconds(30), d -> "true".equals(d.findElement(By.id(row + "-batch-" + pausedIn))
                .getAttribute("data-ended")) ? true : null);
        assertEquals(Integer.toString(pausedIn), admin.byId(row).getAttribute("data-batch"));
        assertEquals("PAUSED", admin.byId(row).getAttribute("data-status"));
        assertEquals("false", admin.byId(row + "-batch-" + (pausedIn + 1)).getAttribute("data-started"));
        admin.screenshot(SHOTS.resolve("rollout-paused.png"));

        jsClick("rollout-resume-" + id);
        admin.await(Duration.ofSeconds(60), d -> "SUCCEEDED".equals(d.findElement(By.id(row)).getAttribute("data-status"))
                ? true : null);
        assertEquals("9", admin.byId(row).getAttribute("data-done"));
        assertEquals("3", admin.byId(row).getAttribute("data-batch"), "advanced past the batch it paused in");
        assertEquals("SUCCEEDED", admin.byId(row + "-node-fleet-09").getAttribute("data-state"));
        assertTrue(batchesSeen.contains("1") || batchesSeen.contains("0"), "followed from its start: " + batchesSeen);
        assertEquals(Boolean.TRUE, admin.driver.executeScript("return window.slmNotReloaded === true"),
                "every step arrived live, without a reload");
        assertTrue(fleet.failures.isEmpty(), fleet.failures.toString());
        // the Rollouts page lists it too, ended
        admin.open("rollouts");
        admin.await(d -> "SUCCEEDED".equals(d.findElement(By.id(row)).getAttribute("data-status")) ? true : null);
    }

    /**
     * A schedule made on /updates: the form says the cron in words and previews the next times in the zone chosen, and
     * marks a bad cron beside its field; saved, the card shows the next five firings in the schedule's zone and in the
     * browser's (New York here). Edited to fire every minute for the role "fleet", it fires: its run appears in the
     * recent firings, and the History's Trigger filter shows its operations and no one else's. Then it is disabled and
     * deleted (after a confirm), each change in the audit with who did it.
     */
    @Test
    @Order(17)
    void aScheduleMadeInTheBrowserShowsItsTimesInTwoZonesFiresAndItsOperationsAreInTheHistory() throws Exception {
        String next = it.repo.commit("v10: for a schedule", "app/scheduled.html", "<h1>scheduled</h1>\n");
        assertEquals(next, it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version"));
        admin.driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "America/New_York"));
        try {
            admin.open("updates");
            jsClick("schedule-new");
            admin.await(d -> d.findElements(By.id("schedule-name")).isEmpty() ? null : true);
            admin.driver.findElement(By.cssSelector("#schedule-name input")).sendKeys("fleet schedule");
            WebElement cron = admin.driver.findElement(By.cssSelector("#schedule-cron input"));
            cron.sendKeys("61 2 * * *", org.openqa.selenium.Keys.TAB);
            admin.await(d -> "true".equals(d.findElement(By.id("schedule-cron")).getDomProperty("invalid")) ? true : null);
            assertTrue(admin.byId("schedule-cron").getDomProperty("errorMessage").startsWith("cron"));
            cron.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "30 2 * * *",
                    org.openqa.selenium.Keys.TAB);
            WebElement zone = admin.driver.findElement(By.cssSelector("#schedule-zone input"));
            zone.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "Europe/Berlin");
            admin.await(d -> d.findElements(By.cssSelector("vaadin-combo-box-item")).stream()
                    .anyMatch(i -> i.getText().equals("Europe/Berlin")) ? true : null);
            zone.sendKeys(org.openqa.selenium.Keys.ENTER);
            admin.await(d -> d.findElement(By.id("schedule-preview")).getText().contains("02:30 +01:00") ? true : null);
            assertEquals("at 02:30 (Europe/Berlin)", admin.byId("schedule-cron").getDomProperty("helperText"));
            assertEquals("false", admin.byId("schedule-cron").getDomProperty("invalid"));
            admin.click("schedule-save");
            admin.await(d -> String.join("", notificationCards()).contains("'fleet schedule' saved") ? true : null);
            // the form has left the page: nothing of it is found by id any more
            admin.await(d -> d.findElements(By.id("schedule-name")).isEmpty() ? true : null);
            JsonObject made = it.api.get("api/updates/schedules", it.admin).array().getValuesAs(JsonObject.class).stream()
                    .filter(o -> o.getString("name").equals("fleet schedule")).findFirst().orElseThrow();
            long id = made.getJsonNumber("schedule_id").longValue();
            assertEquals("Europe/Berlin", made.getString("zone"));
            String card = "schedule-" + id;
            admin.await(d -> d.findElements(By.id("schedule-next-local-" + id)).isEmpty() ? null : true);
            String times = admin.byId("schedule-next-" + id).getText();
            // 02:30 in Berlin is 20:30 the evening before in New York (both on standard time in winter)
            assertTrue(times.contains("02:30 +01:00"), times);
            assertTrue(admin.byId("schedule-next-local-" + id).getText().contains("America/New_York"), times);
            assertTrue(admin.byId("schedule-next-local-" + id).getText().contains("20:30 -05:00"), times);
            assertEquals(5, times.split("02:30 \\+0[12]:00", -1).length - 1, times);
            admin.screenshot(SHOTS.resolve("schedules.png"));

            // every minute, for the role "fleet" only: it fires within the minute
            jsClick("schedule-edit-" + id);
            admin.await(d -> d.findElements(By.id("schedule-cron")).isEmpty() ? null : true);
            admin.driver.findElement(By.cssSelector("#schedule-cron input")).sendKeys(
                    org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), "* * * * *", org.openqa.selenium.Keys.TAB);
            jsClick("schedule-all-outdated");
            admin.driver.executeScript("const f = document.getElementById('schedule-roles'); f.value = arguments[0];"
                    + " f.dispatchEvent(new CustomEvent('change'))", "fleet");
            admin.await(d -> "false".equals(d.findElement(By.id("schedule-all-outdated")).getDomProperty("checked")) ? true : null);
            admin.await(d -> "every minute (Europe/Berlin)".equals(d.findElement(By.id("schedule-cron")).getDomProperty("helperText"))
                    ? true : null);
            admin.click("schedule-save");
            // saved when its form has closed (the first save's notice may still be on screen)
            admin.await(d -> d.findElements(By.id("schedule-name")).isEmpty() ? true : null);
            JsonObject edited = it.api.get("api/updates/schedules/" + id, it.admin).json();
            assertEquals("[\"fleet\"]", edited.getJsonArray("roles").toString());
            assertFalse(edited.getBoolean("all_outdated"));
            WebElement editButton = admin.byId("schedule-edit-" + id);
            admin.await(Duration.ofSeconds(90), d -> d.findElements(By.cssSelector("#schedule-runs [data-state='FIRED']"))
                    .isEmpty() ? null : true);
            // the card now says another next time and its last firing, and its buttons are the ones the operator saw
            admin.await(d -> d.findElement(By.id(card)).getText().contains("Last: ") ? true : null);
            assertEquals("Edit", Browser.stillShown("the schedule's card was drawn anew with its buttons", editButton::getText));
            JsonObject run = it.api.get("api/updates/schedules/" + id + "/runs", it.admin).array().getJsonObject(0);
            // fleet-01..20 are online and behind; 21 and 22 never beat
            assertEquals(20, run.getInt("sent"), run + "; the fake fleet's failed heartbeats: " + fleet.failures);
            assertEquals(next, run.getString("target_commit"));

            // the History shows this schedule's operations when filtered by it, and no one else's
            admin.open("updates"); // the filter's choices are the schedules when the page was made
            WebElement trigger = admin.await(d -> d.findElement(By.cssSelector("#history-trigger input")));
            trigger.sendKeys("Schedule: fleet schedule");
            admin.await(d -> d.findElements(By.cssSelector("vaadin-combo-box-item")).stream()
                    .anyMatch(i -> i.getText().equals("Schedule: fleet schedule")) ? true : null);
            trigger.sendKeys(org.openqa.selenium.Keys.ENTER);
            admin.await(Duration.ofSeconds(20), d -> {
                List<String> nodes = d.findElements(By.cssSelector("#history vaadin-grid-cell-content")).stream()
                        .map(WebElement::getText).filter(t -> t.matches("(fleet|web|page)-\\d+")).toList();
                return !nodes.isEmpty() && nodes.stream().allMatch(t -> t.startsWith("fleet-")) ? true : null;
            });

            jsClick("schedule-toggle-" + id);
            admin.await(d -> "false".equals(d.findElement(By.id(card)).getAttribute("data-enabled")) ? true : null);
            assertTrue(admin.byId("schedule-next-" + id).getText().contains("Disabled"));
            jsClick("schedule-delete-" + id);
            jsClick("schedule-delete-ok");
            admin.await(d -> d.findElements(By.id(card)).isEmpty() ? true : null);
            assertEquals(404, it.api.get("api/updates/schedules/" + id, it.admin).status());
            List<String> audit = it.api.get("api/updates/schedules/changes", it.admin).array().getValuesAs(JsonObject.class)
                    .stream().filter(c -> c.getJsonNumber("object_id").longValue() == id)
                    .map(c -> c.getString("changed_by") + " " + c.getString("action")).toList();
            assertEquals(List.of("admin deleted", "admin disabled", "admin changed", "admin created"), audit);
            admin.await(d -> d.findElement(By.id("schedule-changes")).getText().contains("admin deleted 'fleet schedule'") ? true : null);
            assertTrue(fleet.failures.isEmpty(), fleet.failures.toString());
        } finally {
            admin.driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", ""));
        }
    }

    @Test
    @Order(15)
    void theNodePageShowsWhatTheNodeLacksCancelsAPendingSyncAndNeverDrawsARollbackAsASuccess() throws Exception {
        String v1 = it.repo.git("rev-list", "--max-parents=0", "HEAD").trim();
        register("page-1", v1);
        long pending = it.api.post("api/nodes/page-1/sync", it.admin, "{}").json().getJsonNumber("operation_id").longValue();
        admin.open("nodes/page-1");
        String behind = admin.await(d -> {
            String text = d.findElement(By.id("behind-commits")).getText();
            return text.contains("v2: a new page") ? text : null;
        });
        assertTrue(behind.contains("v3"), behind);
        WebElement firstBehind = admin.driver.findElement(By.cssSelector("#behind-commits .behind-commit span"));
        assertEquals(40, firstBehind.getAttribute("title").length(), "the full id on hover");
        assertEquals("PENDING", admin.await(d -> d.findElement(By.cssSelector("#node-history .operation-badge")))
                .getAttribute("data-status"));

        // a viewer sees the Cancel button, disabled
        viewer.login("vera", VIEWER_PASSWORD);
        viewer.open("nodes/page-1");
        assertEquals("true", viewer.byId("cancel-" + pending).getDomProperty("disabled"));

        admin.click("cancel-" + pending);
        admin.byId("cancel-confirm").click();
        admin.await(d -> admin.notifications().contains("Operation " + pending + " for page-1 cancelled") ? true : null);
        for (Browser b : List.of(admin, viewer)) { // live, without a reload
            b.await(d -> d.findElements(By.cssSelector("#node-history .operation-badge[data-status='CANCELLED']"))
                    .isEmpty() ? null : true);
        }
        assertEquals("CANCELLED", it.api.get("api/operations/" + pending, it.admin).json().getString("status"));
        assertTrue(admin.driver.findElements(By.id("cancel-" + pending)).isEmpty(), "nothing left to cancel");

        // a rollback: red, its own icon, the whole message and every stage with its time
        String token = register("page-2", v1);
        long rolledBack = it.api.post("api/nodes/page-2/sync", it.admin, "{}").json().getJsonNumber("operation_id").longValue();
        String progress = "api/nodes/page-2/operations/" + rolledBack + "/progress";
        assertEquals(200, it.api.post(progress, Api.bearer(token), "{\"stage\":\"DOWNLOADING\",\"percent\":100}").status());
        assertEquals(200, it.api.post(progress, Api.bearer(token), "{\"stage\":\"HEALTH_CHECK\"}").status());
        assertEquals(200, it.api.post(progress, Api.bearer(token),
                "{\"stage\":\"ROLLED_BACK\",\"message\":\"health check failed: HTTP 500\\nthe last line of its output\"}").status());
        admin.open("nodes/page-2");
        WebElement badge = admin.await(d -> d.findElement(By.cssSelector("#node-history .operation-badge")));
        assertEquals("ROLLED_BACK", badge.getAttribute("data-status"));
        assertEquals("badge error", badge.getAttribute("theme"));
        // the newest operation is open: its whole message and its stages
        admin.await(d -> d.findElement(By.id("details-" + rolledBack)).getText()
                .contains("health check failed: HTTP 500\nthe last line of its output") ? true : null);
        List<String> expected = List.of("REQUESTED", "DOWNLOADING", "HEALTH_CHECK", "ROLLED_BACK");
        admin.await(d -> expected.equals(d.findElements(By.cssSelector("#timeline-" + rolledBack + " .timeline-step"))
                .stream().map(e -> e.getAttribute("data-stage")).toList()) ? true : null);
        admin.driver.executeScript("document.getElementById('node-history').scrollIntoView()");
        admin.screenshot(SHOTS.resolve("node-page.png"));

        // a live event redraws the page but not its buttons, unless what they do changed: a button drawn anew at each
        // event lost the click of an operator whose click was on its way. Here the fleet is pinned at the tip it
        // follows anyway: the page says so, and its buttons stay the same elements
        WebElement pinButton = admin.byId("pin-node");
        String tip = it.api.get("api/updates/status", it.admin).json().getString("latest_version");
        assertEquals(200, it.api.put("api/updates/pin", it.admin, "{\"commit\":\"" + tip + "\",\"reason\":\"probe\"}").status());
        try {
            admin.await(d -> "fleet".equals(d.findElement(By.id("node-desired")).getAttribute("data-pin")) ? true : null);
            String said = Browser.stillShown("the node page's buttons were drawn anew", pinButton::getText);
            assertTrue(said.startsWith("Pin node…"), said);
        } finally {
            assertEquals(200, it.api.delete("api/updates/pin", it.admin).status()); // the later tests follow the tip
        }
        admin.await(d -> "none".equals(d.findElement(By.id("node-desired")).getAttribute("data-pin")) ? true : null);

        // pinned for itself (issue 13): both pages say what holds it, live; the pin is lifted from the same page
        viewer.open("nodes/page-2");
        assertEquals("none", viewer.byId("node-desired").getAttribute("data-pin"));
        assertEquals("true", viewer.byId("pin-node").getDomProperty("disabled"));
        admin.click("pin-node");
        WebElement commit = admin.await(d -> d.findElement(By.cssSelector("#pin-commit input")));
        commit.sendKeys(v1.substring(0, 7));
        admin.await(d -> d.findElements(By.cssSelector("vaadin-combo-box-item")).stream()
                .anyMatch(i -> i.getText().startsWith(v1.substring(0, 7))) ? true : null);
        // typing filters the choice; the one item left is taken with the arrow key and Enter, as a keyboard user would
        commit.sendKeys(org.openqa.selenium.Keys.ARROW_DOWN, org.openqa.selenium.Keys.ENTER);
        admin.await(d -> d.findElement(By.id("pin-commit")).getDomProperty("value").isEmpty() ? null : true);
        admin.driver.findElement(By.cssSelector("#pin-reason input")).sendKeys("v3 breaks page-2");
        admin.click("pin-confirm");
        for (Browser b : List.of(admin, viewer)) {
            String said = b.await(d -> {
                WebElement desired = d.findElement(By.id("node-desired"));
                return "node".equals(desired.getAttribute("data-pin")) ? desired.getText() : null;
            });
            assertTrue(said.startsWith(v1 + " (pinned for this node by admin, "), said);
            assertTrue(said.endsWith(": v3 breaks page-2)"), said);
        }
        assertEquals("UP_TO_DATE", it.api.get("api/nodes/page-2", it.admin).json().getString("code_status"));
        admin.click("unpin-node");
        viewer.await(d -> "none".equals(d.findElement(By.id("node-desired")).getAttribute("data-pin")) ? true : null);
        assertEquals("OUTDATED", it.api.get("api/nodes/page-2", it.admin).json().getString("code_status"));

        WebElement back = admin.byId("back-to-nodes");
        admin.driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", back);
        back.click();
        admin.await(d -> d.findElements(By.id("nodes")).isEmpty() ? null : true);
        assertTrue(admin.driver.getCurrentUrl().endsWith("/"), admin.driver.getCurrentUrl());
        for (Browser b : List.of(admin, viewer)) {
            assertEquals(List.of(), b.contentSecurityPolicyViolations());
        }
    }

    /** A node without an agent, reporting {@code commit} once; answers its token. */
    private static String register(String nodeId, String commit) throws Exception {
        String token = it.api.post("api/nodes", it.admin, "{\"node_id\":\"" + nodeId + "\"}").json().getString("token");
        assertEquals(200, it.api.post("api/nodes/" + nodeId + "/heartbeat", Api.bearer(token),
                "{\"code_version\":\"" + commit + "\",\"state\":\"IDLE\"}").status());
        return token;
    }

    static List<String> types(List<JsonObject> events, long operationId) {
        synchronized (events) {
            return events.stream().filter(e -> e.containsKey("operation_id")
                            && e.getJsonNumber("operation_id").longValue() == operationId)
                    .map(e -> e.getString("type")).toList();
        }
    }

    static final class Collect implements WebSocket.Listener {
        private final List<JsonObject> into;
        private final StringBuilder partial = new StringBuilder();

        Collect(List<JsonObject> into) {
            this.into = into;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                into.add(Json.createReader(new StringReader(partial.toString())).readObject());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
