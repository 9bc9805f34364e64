package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.concurrent.CompletableFuture;
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

    static final String VIEWER_PASSWORD = "viewer-password-1";
    static final Path SHOTS = Path.of("target/screenshots");

    static TestServer it;
    static final List<AgentProcess> agents = new ArrayList<>();
    static Browser admin;
    static Browser viewer;

    @BeforeAll
    static void start() throws Exception {
        it = TestServer.start("webapp-it", r -> r.commit("v1", "app/index.html", "<h1>v1</h1>\n"));
        assertEquals(200, it.api.put("api/settings/heartbeat_interval_s", it.admin, "{\"value\":\"1\"}").status());
        String head = it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version");
        String key = it.api.get("api/signing-key", null).json().getString("public_key");
        assertEquals(201, it.api.post("api/users", it.admin,
                "{\"username\":\"vera\",\"password\":\"" + VIEWER_PASSWORD + "\",\"role\":\"VIEWER\"}").status());
        for (String node : List.of("web-1", "web-2", "web-3")) {
            String token = it.api.post("api/nodes", it.admin, "{\"node_id\":\"" + node + "\"}").json().getString("token");
            // web-1's health check takes two seconds: long enough to watch its sync's progress
            agents.add(AgentProcess.start(it.work.resolve(node), it.server.baseUri(), node, token, head, Map.of(
                    "install.dir", "opt", "signing.key", key, "service.controller", "process",
                    "service.start", "sleep 100000", "health.command", node.equals("web-1") ? "sleep 2" : "true")));
        }
        Await.until(Duration.ofSeconds(30), () -> it.api.get("api/updates/status", it.admin).json(),
                s -> s.getJsonObject("counts").getInt("UP_TO_DATE") == 3);
        admin = new Browser(it.server.baseUri(), it.work.resolve("chrome-admin"));
        viewer = new Browser(it.server.baseUri(), it.work.resolve("chrome-viewer"));
    }

    @AfterAll
    static void stop() throws Exception {
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
        it.api.post("api/updates/refresh", it.admin, null);
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
    }

    @Test
    @Order(3)
    void aViewersSyncIsRefusedByTheServer() throws Exception {
        viewer.byId("sync-web-1").click();
        viewer.byId("sync-confirm").click();
        viewer.await(d -> viewer.notifications().contains("refused") ? true : null);
        assertTrue(viewer.notifications().contains("needs the operator role"), viewer.notifications());
        JsonArray history = Json.createReader(new StringReader(
                it.api.get("api/updates/history?node=web-1", it.admin).body())).readArray();
        assertEquals(0, history.size(), "the server created no operation for the viewer");
    }

    /**
     * The page's own channel, without its buttons: the viewer's browser hands the Flow client hand-made click events
     * (a UIDL {@code event} RPC, as a page edited in the developer tools would) for the row's Sync button and then the
     * dialog's Confirm. The web app has no role check of its own any more; the server refuses at the boundary EJB.
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
        viewer.byId("sync-confirm");
        viewer.driver.executeScript(send, "sync-confirm");
        viewer.await(d -> viewer.notifications().contains("refused") ? true : null);
        assertTrue(viewer.notifications().contains("needs the operator role"), viewer.notifications());
        JsonArray history = Json.createReader(new StringReader(
                it.api.get("api/updates/history?node=web-1", it.admin).body())).readArray();
        assertEquals(0, history.size(), "the server created no operation for the viewer");
        viewer.open("");
    }

    @Test
    @Order(4)
    void anOperatorSyncsANodeFromItsRowAndWatchesItEnd() throws Exception {
        admin.byId("sync-web-1").click();
        WebElement restart = admin.byId("sync-restart");
        assertEquals("true", String.valueOf(restart.getAttribute("checked") != null), "restart is checked by default");
        admin.byId("sync-confirm").click();
        admin.await(d -> admin.notifications().contains("Sync of web-1 started") ? true : null);
        // the row shows the stages as the agent reports them
        String stage = admin.await(d -> {
            String s = d.findElement(By.id("progress-web-1")).getAttribute("data-stage");
            return "HEALTH_CHECK".equals(s) ? s : null;
        });
        assertEquals("HEALTH_CHECK", stage);
        assertEquals("90", admin.driver.findElement(By.id("progress-web-1")).getDomProperty("value"));
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
        // the header's select-all checkbox, then every row's checkbox shows the selection
        admin.driver.findElements(By.cssSelector("#pending vaadin-checkbox")).get(0).click();
        admin.await(d -> d.findElements(By.cssSelector("#pending vaadin-checkbox")).stream()
                .allMatch(box -> "true".equals(box.getDomProperty("checked"))) ? true : null);
        admin.byId("sync-selected").click();
        admin.byId("sync-type");
        admin.byId("sync-confirm").click();
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        admin.await(Duration.ofSeconds(60), d -> {
            seen.add(admin.notifications());
            return seen.stream().anyMatch(t -> t.contains("web-2 runs the new commit"))
                    && seen.stream().anyMatch(t -> t.contains("web-3 runs the new commit")) ? true : null;
        });
        assertTrue(seen.stream().anyMatch(t -> t.contains("Sync started on 2 nodes")), seen.toString());
        admin.await(d -> "0".equals(admin.byId("bell").getAttribute("data-count")) ? true : null);
        admin.await(d -> admin.badges("#pending").isEmpty() ? true : null);
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
    void wsEventsWithoutALoginIsClosedAtOnce() throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        URI ws = URI.create(it.server.baseUri().toString().replace("http", "ws")).resolve("ws/events");
        HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        assertEquals(1008, closed.get(10, TimeUnit.SECONDS));
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
    @Order(11)
    void anAdminChangesAUsersRoleAndDisablesThemAndTheyCannotLogInAnyMore() throws Exception {
        assertEquals(201, it.api.post("api/users", it.admin,
                "{\"username\":\"walt\",\"password\":\"walt-password-12\",\"role\":\"VIEWER\"}").status());
        viewer.login("walt", "walt-password-12");
        assertTrue(viewer.byId("current-user").getText().contains("walt (viewer)"));

        admin.open("admin");
        admin.byId("role-walt").click();
        admin.await(d -> d.findElements(By.cssSelector("vaadin-select-item")).stream()
                .filter(e -> e.isDisplayed() && e.getText().trim().equals("operator")).findFirst().orElse(null)).click();
        admin.await(d -> admin.notifications().contains("walt is now operator") ? true : null);
        assertEquals("OPERATOR", it.api.get("api/users/walt", it.admin).json().getString("role"));
        // walt's session takes the new role at its next request
        viewer.open("");
        viewer.await(d -> d.findElement(By.id("current-user")).getText().contains("walt (operator)") ? true : null);

        admin.byId("disable-walt").click();
        admin.byId("confirm-ok").click();
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
    @Order(12)
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
        assertEquals("3", setting(name));
        admin.byId("setting-" + name).findElement(By.tagName("input"))
                .sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE, "4", Keys.ENTER);
        admin.await(d -> admin.notifications().contains(name + " is now 4 heartbeats") ? true : null);
        assertEquals("false", admin.byId("setting-" + name).getDomProperty("invalid"));
        assertEquals("4", setting(name));
        assertEquals(200, it.api.put("api/settings/" + name, it.admin, "{\"value\":\"3\"}").status());

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
        admin.byId("password-nina").click();
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
        admin.byId("token-done").click();
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
