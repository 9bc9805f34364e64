package dev.slm.it;

import static dev.slm.it.FleetTrackingIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.slm.it.support.Api;
import dev.slm.it.support.Await;
import dev.slm.it.support.Browser;
import dev.slm.it.support.TestServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;

/**
 * Operators' passwords and sessions against the real server: failed logins throttled (HTTP Basic and the login
 * form, a few hundred attempts each), and a browser session that another site cannot use (cross-site POST,
 * WebSocket handshake, login form), plus the security headers and the session cookie.
 * <p>
 * The server believes X-Forwarded-For from 127.0.0.1 (SLM_TRUSTED_PROXIES), so each test attacks from addresses of
 * its own (documentation ranges) and the tests do not lock each other out; lockouts are 2 s, growing to 8 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {

    static final String FOREIGN = "https://evil.example";
    static final String VERA_PASSWORD = "viewer-password-1";
    static final String OLGA_PASSWORD = "operator-password-1";

    static TestServer it;
    static String own;
    static Browser browser;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        it = TestServer.start("security-it", r -> r.commit("v1", "app/index.html", "<h1>v1</h1>\n"), base -> Map.of(
                "SLM_PUBLIC_URL", base.toString(),
                "SLM_TRUSTED_PROXIES", "127.0.0.1",
                "SLM_LOGIN_LOCKOUT", "2s",
                "SLM_LOGIN_LOCKOUT_MAX", "8s"),
                // both JIT tiers: PBKDF2 (100,000 rounds) takes ~1 s with the first tier alone, 75 ms with both, and this
                // class checks hundreds of passwords and compares how long they take
                List.of());
        own = it.server.baseUri().toString().replaceAll("/$", "");
        it.api.post("api/updates/refresh", it.admin, null);
        for (String[] user : new String[][] {{"vera", VERA_PASSWORD, "VIEWER"}, {"olga", OLGA_PASSWORD, "OPERATOR"},
                {"mallory", "mallory-password-1", "VIEWER"}}) {
            assertEquals(201, it.api.post("api/users", it.admin, "{\"username\":\"" + user[0] + "\",\"password\":\""
                    + user[1] + "\",\"role\":\"" + user[2] + "\"}").status());
        }
        browser = new Browser(it.server.baseUri(), it.work.resolve("chrome"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (it != null) {
            it.close();
        }
    }

    // --- failed logins ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void hundredsOfWrongBasicPasswordsAreRefusedAtOnceAndTheRightOneWorksAgainAfterTheLockout() throws Exception {
        String from = "203.0.113.10";
        assertEquals(200, basic("admin", it.adminPassword(), from).statusCode(), "remembered for a minute from now on");

        List<HttpResponse<String>> answers = parallel(300, i -> basic("admin", "guess-" + i, from));
        List<HttpResponse<String>> tried = answers.stream().filter(r -> r.statusCode() == 401).toList();
        List<HttpResponse<String>> refused = answers.stream().filter(r -> r.statusCode() == 429).toList();
        assertEquals(300, tried.size() + refused.size(), statuses(answers));
        assertTrue(tried.size() <= 10, "at most the five allowed plus one per lockout that ended: " + statuses(answers));
        for (HttpResponse<String> r : refused) {
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), r.toString());
            long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 8, "Retry-After " + retryAfter);
            assertTrue(json(r).getString("detail").contains("too many failed logins"), r.body());
        }

        // a wrong guess after a lockout ended locks again (for up to 8 s): the right password is refused, remembered or not
        Await.until(Duration.ofSeconds(20), () -> basic("admin", "one-more-guess", from).statusCode(), s -> s == 401);
        HttpResponse<String> during = basic("admin", it.adminPassword(), from);
        assertEquals(429, during.statusCode(), during.body());
        // ... but not from another address: an attacker cannot lock the admin out
        assertEquals(200, basic("admin", it.adminPassword(), "203.0.113.11").statusCode());

        long retryAfter = Long.parseLong(during.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 8, "the lockout holds for a while: Retry-After " + retryAfter);
        Await.until(Duration.ofSeconds(20), () -> basic("admin", it.adminPassword(), from).statusCode(), s -> s == 200);
    }

    @Test
    @Order(2)
    void hundredsOfWrongFormLoginsAreRefusedAtOnceAndTheRightOneWorksAgainAfterTheLockout() throws Exception {
        String from = "203.0.113.20";
        List<HttpResponse<String>> answers = parallel(200, i -> formLogin("vera", "guess-" + i, own, from));
        List<String> locations = answers.stream().map(r -> r.statusCode() + " " + location(r)).toList();
        long tried = locations.stream().filter(l -> l.endsWith("/login?error")).count();
        long locked = locations.stream().filter(l -> l.matches("30[23] .*/login\\?locked=\\d+")).count();
        assertEquals(200, tried + locked, locations.toString());
        assertTrue(tried <= 10, "tried " + tried);
        answers.forEach(r -> assertTrue(sessionCookie(r).isEmpty(), "no session for a failed login"));

        Await.until(Duration.ofSeconds(20), () -> location(formLogin("vera", "one-more", own, from)), l -> l.endsWith("error"));
        HttpResponse<String> during = formLogin("vera", VERA_PASSWORD, own, from);
        assertTrue(location(during).contains("/login?locked="), location(during));
        assertTrue(sessionCookie(during).isEmpty());

        HttpResponse<String> after = Await.until(Duration.ofSeconds(20),
                () -> formLogin("vera", VERA_PASSWORD, own, from), r -> !location(r).contains("/login"));
        assertTrue(location(after).endsWith("/"), location(after));
        assertTrue(sessionCookie(after).isPresent());
    }

    @Test
    @Order(3)
    void anUnknownUsersFailureTakesAboutAsLongAsAKnownUsers() throws Exception {
        List<Long> known = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            int n = i;
            // each from an address of its own: no lockout gets in the way
            known.add(timed(() -> assertEquals(401, basic("admin", "wrong", "198.51.100." + (2 * n)).statusCode())));
            unknown.add(timed(() -> assertEquals(401, basic("nobody-" + n, "wrong", "198.51.100." + (2 * n + 1)).statusCode())));
        }
        long knownMedian = median(known.subList(4, known.size()));
        long unknownMedian = median(unknown.subList(4, unknown.size()));
        System.out.printf("failed login: known user %d ms, unknown user %d ms (medians)%n", knownMedian, unknownMedian);
        assertTrue(unknownMedian * 2 >= knownMedian, "unknown " + unknownMedian + " ms against known " + knownMedian + " ms");
    }

    @Test
    @Order(4)
    void aDistributedAttackOnAnAccountStillLetsTheOwnerInFromAnAddressWithoutFailures() throws Exception {
        for (int i = 1; i <= 52; i++) {
            HttpResponse<String> r = basic("olga", "guess", "192.0.2." + i);
            assertEquals(401, r.statusCode(), "one guess from each address is tried: " + r.body());
        }
        // the last one: its lockout (2 s) is still running, however long the 52 guesses took (an early one's is over
        // after 8 s at most, and the guesses took 10-24 s)
        assertEquals(429, basic("olga", OLGA_PASSWORD, "192.0.2.52").statusCode(), "an address that just failed waits");
        assertEquals(200, basic("olga", OLGA_PASSWORD, "192.0.2.200").statusCode(), "a clean address gets in");
    }

    @Test
    @Order(5)
    void sprayingUserNamesFromOneAddressLocksThatAddressAndKeepsLittle() throws Exception {
        String from = "203.0.113.30";
        List<HttpResponse<String>> answers = parallel(300, i -> basic("user" + i + "-" + System.nanoTime(), "guess", from));
        long tried = answers.stream().filter(r -> r.statusCode() == 401).count();
        assertTrue(tried >= 20 && tried <= 25, "the address is locked after 20 failures: " + statuses(answers));
        assertEquals(200, basic("admin", it.adminPassword(), "203.0.113.31").statusCode());

        JsonArray entries = Json.createReader(new StringReader(it.api.get("api/login-failures", it.admin).body())).readArray();
        long fromThere = entries.stream().map(v -> v.asJsonObject())
                .filter(e -> from.equals(e.isNull("address") ? null : e.getString("address"))).count();
        assertTrue(fromThere <= 1 + 25, "one record per name tried, none for the refused: " + fromThere);
    }

    @Test
    @Order(6)
    void aLockedOutFormLoginShowsTheLoginPageWithAMessage() throws Exception {
        browser.open("login");
        browser.await(d -> d.findElement(By.cssSelector("input[name='username']"))).sendKeys("mallory");
        browser.driver.findElement(By.cssSelector("input[name='password']")).sendKeys("mallory-password-1");
        // locked out just before the browser (127.0.0.1 itself, no X-Forwarded-For) sends the right password
        for (int i = 0; i < 5; i++) {
            assertTrue(location(formLogin("mallory", "guess-" + i, own, null)).endsWith("/login?error"));
        }
        browser.driver.findElement(By.cssSelector("vaadin-login-form vaadin-button")).click();
        browser.await(d -> d.getCurrentUrl().contains("/login?locked=") ? true : null);
        Object title = browser.await(d -> ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "const f = document.querySelector('vaadin-login-form');"
                        + " return f && f.error ? f.i18n.errorMessage.title : null;"));
        assertEquals("Too many failed logins", title);
        assertTrue(browser.driver.findElements(By.id("current-user")).isEmpty());
    }

    @Test
    @Order(7)
    void theAdminPageAndItsApiShowFailedLogins() throws Exception {
        browser.login("admin", it.adminPassword());
        for (int i = 0; i < 5; i++) {
            assertEquals(401, basic("mallory", "guess-" + i, "203.0.113.40").statusCode());
        }
        JsonObject entry = Json.createReader(new StringReader(it.api.get("api/login-failures", it.admin).body())).readArray()
                .stream().map(v -> v.asJsonObject())
                .filter(e -> "mallory".equals(e.isNull("account") ? null : e.getString("account"))
                        && "203.0.113.40".equals(e.isNull("address") ? null : e.getString("address")))
                .findFirst().orElseThrow(() -> new AssertionError("no entry for mallory from 203.0.113.40"));
        assertEquals(5, entry.getInt("failures"));
        assertFalse(entry.isNull("locked_until"), entry.toString());

        browser.open("admin");
        String grid = browser.await(d -> {
            String text = d.findElement(By.id("failed-logins")).getText();
            return text.contains("203.0.113.40") ? text : null;
        });
        assertTrue(grid.contains("mallory"), grid);
        ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript(
                "arguments[0].scrollIntoView()", browser.driver.findElement(By.id("failed-logins")));
        browser.screenshot(Path.of("target/screenshots/failed-logins.png"));
    }

    // --- the session and other sites -------------------------------------------------------------------------------

    @Test
    @Order(10)
    void aCrossSitePostWithTheAdminsSessionCookieDoesNotChangeANodesToken() throws Exception {
        String token = it.api.post("api/nodes", it.admin, "{\"node_id\":\"csrf-1\"}").json().getString("token");
        String cookie = sessionCookie(formLogin("admin", it.adminPassword(), own, null)).orElseThrow();

        // what a page on another site makes the admin's browser send: a form POST with no body
        HttpResponse<String> forged = send("POST", "api/nodes/csrf-1/token", "Cookie", cookie, "Origin", FOREIGN,
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(403, forged.statusCode(), forged.body());
        assertTrue(forged.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        for (String[] headers : new String[][] {{"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Site", "same-site"},
                {"X-Nothing", "no Origin, no Sec-Fetch-Site"}, {"Origin", "null"}, {"Origin", own + ".evil.example"}}) {
            HttpResponse<String> r = send("POST", "api/nodes/csrf-1/token", "Cookie", cookie, headers[0], headers[1]);
            assertEquals(403, r.statusCode(), String.join(": ", headers) + " -> " + r.body());
        }
        // a Host changed on the way cannot make the foreign origin look like ours (SLM_PUBLIC_URL pins it)
        String raw = rawRequest("POST /api/nodes/csrf-1/token HTTP/1.1\r\nHost: evil.example\r\nOrigin: http://evil.example\r\n"
                + "Cookie: " + cookie + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertTrue(raw.startsWith("HTTP/1.1 403"), raw);
        // a browser resends Basic credentials it once asked for: a foreign Origin is refused with them too
        assertEquals(403, send("POST", "api/nodes/csrf-1/token", "Authorization", it.admin, "Origin", FOREIGN).statusCode());
        assertEquals(200, heartbeat("csrf-1", token), "the node keeps its token");

        // the same request from the app's own pages works, and so does a script's
        HttpResponse<String> mine = send("POST", "api/nodes/csrf-1/token", "Cookie", cookie, "Origin", own);
        assertEquals(200, mine.statusCode(), mine.body());
        String rotated = json(mine).getString("token");
        assertEquals(401, heartbeat("csrf-1", token));
        assertEquals(200, heartbeat("csrf-1", rotated));
        HttpResponse<String> sameOriginWithoutOrigin = send("POST", "api/nodes/csrf-1/token", "Cookie", cookie,
                "Sec-Fetch-Site", "same-origin");
        assertEquals(200, sameOriginWithoutOrigin.statusCode(), sameOriginWithoutOrigin.body());
        assertEquals(200, it.api.post("api/nodes/csrf-1/token", it.admin, null).status(), "Basic scripts unchanged");
        // reading stays open to the session from anywhere (other sites cannot read the answer)
        assertEquals(200, send("GET", "api/nodes", "Cookie", cookie, "Origin", FOREIGN).statusCode());
    }

    @Test
    @Order(11)
    void aWebSocketHandshakeWithAForeignOriginAndTheSessionCookieIsRefused() throws Exception {
        String cookie = sessionCookie(formLogin("admin", it.adminPassword(), own, null)).orElseThrow();
        URI ws = URI.create(own.replace("http", "ws") + "/ws/events");
        List<String> received = Collections.synchronizedList(new ArrayList<>());

        CompletableFuture<WebSocket> foreign = http.newWebSocketBuilder().header("Cookie", cookie).header("Origin", FOREIGN)
                .buildAsync(ws, new Collect(received));
        try {
            foreign.get(10, TimeUnit.SECONDS);
            fail("the handshake from another site was accepted");
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof WebSocketHandshakeException, e.toString());
            assertEquals(403, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        }

        WebSocket mine = http.newWebSocketBuilder().header("Cookie", cookie).header("Origin", own)
                .buildAsync(ws, new Collect(received)).get(10, TimeUnit.SECONDS);
        try {
            it.repo.commit("v2", "app/index.html", "<h1>v2</h1>\n");
            it.api.post("api/updates/refresh", it.admin, null);
            Await.until(Duration.ofSeconds(20), () -> List.copyOf(received),
                    l -> l.stream().anyMatch(m -> m.contains("source.latest_changed")));
        } finally {
            mine.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(12)
    void aLoginFormPostFromAForeignOriginIsRefused() throws Exception {
        HttpResponse<String> foreign = formLogin("admin", it.adminPassword(), FOREIGN, null);
        assertEquals(403, foreign.statusCode(), foreign.body());
        assertTrue(sessionCookie(foreign).isEmpty(), "no session");
        HttpResponse<String> noOrigin = send("POST", "login", "Content-Type", "application/x-www-form-urlencoded",
                body("admin", it.adminPassword()));
        assertEquals(403, noOrigin.statusCode(), "a login without a word on where it comes from");

        HttpResponse<String> mine = formLogin("admin", it.adminPassword(), own, null);
        assertTrue(location(mine).endsWith("/") && !location(mine).contains("login"), location(mine));
        assertTrue(sessionCookie(mine).isPresent());
    }

    @Test
    @Order(13)
    void theSessionCookieIsHttpOnlyAndSameSiteLax() throws Exception {
        String setCookie = formLogin("admin", it.adminPassword(), own, null).headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID=")).findFirst().orElseThrow();
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.matches("(?i).*;\\s*SameSite=Lax.*"), setCookie);

        // as a browser does it: the login page's session first, then the login gives it a new id (no fixation)
        HttpResponse<String> page = send("GET", "login");
        String before = sessionCookie(page).orElse(null);
        // every session cookie, also the one before the login (the container's own, not the login's)
        page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID=")).forEach(c -> {
            assertTrue(c.contains("HttpOnly"), c);
            assertTrue(c.matches("(?i).*;\\s*SameSite=Lax.*"), c);
        });
        List<String> login = new ArrayList<>(List.of("Content-Type", "application/x-www-form-urlencoded", "Origin", own));
        if (before != null) {
            login.addAll(List.of("Cookie", before));
        }
        login.add(body("admin", it.adminPassword()));
        HttpResponse<String> in = send("POST", "login", login.toArray(String[]::new));
        List<String> cookies = in.headers().allValues("Set-Cookie");
        assertEquals(1, cookies.stream().filter(c -> c.startsWith("JSESSIONID=")).count(), cookies.toString());
        String after = sessionCookie(in).orElseThrow();
        assertFalse(after.equals(before), before + " -> " + cookies);
        assertTrue(cookies.toString().matches("(?i).*SameSite=Lax.*"), cookies.toString()); // values: any case
        assertEquals(200, send("GET", "api/nodes", "Cookie", after).statusCode(), before + " -> " + cookies);
        // the session travels in its cookie only: an id in the URL (leaked by logs, Referer, a planted link) is no login
        String id = after.substring(after.indexOf('=') + 1);
        assertEquals(400, send("GET", "api/nodes;jsessionid=" + id).statusCode());
        assertEquals(400, send("GET", ";jsessionid=" + id).statusCode());
    }

    /** Before: Payara's /metrics, /openapi and /health answered anyone on the application's port. */
    @Test
    @Order(15)
    void payarasOwnEndpointsTellNothingWithoutALogin() throws Exception {
        for (String path : List.of("metrics", "openapi", "health")) {
            Api.Response r = it.api.get(path, null);
            assertFalse(r.status() == 200 && (r.body().contains("\"checks\"") || r.body().contains("openapi:")
                    || r.body().contains("# TYPE")), path + " answered " + r.status() + ": " + r.body());
        }
    }

    @Test
    @Order(14)
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        List<HttpResponse<String>> responses = List.of(
                send("GET", ""), send("GET", "login"), send("GET", "api/health"), send("GET", "api/nodes"),
                send("GET", "api/no-such-thing", "Authorization", it.admin),
                send("POST", "api/nodes/x/token", "Origin", FOREIGN),
                basic("nobody", "wrong", "203.0.113.50"));
        for (HttpResponse<String> r : responses) {
            String what = r.request().method() + " " + r.uri() + " -> " + r.statusCode();
            String csp = r.headers().firstValue("Content-Security-Policy").orElse(null);
            assertNotNull(csp, what);
            assertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), what + ": " + csp);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), what);
            assertEquals("same-origin", r.headers().firstValue("Referrer-Policy").orElse(null), what);
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null), what);
        }
    }

    // --- roles, checked by the boundary EJBs ------------------------------------------------------------------------

    /**
     * Every operator and admin action of the API: without a login 401, with too small a role 403 (a problem body)
     * and nothing changed, with the role done. The check is the EJBs' {@code @RolesAllowed}, whatever calls them.
     */
    @Test
    @Order(20)
    void everyOperatorAndAdminActionIsRefusedToSmallerRolesAndChangesNothing() throws Exception {
        String viewer = Api.basic("vic", "viewer-password-9");
        String operator = Api.basic("otto", "operator-password-9");
        assertEquals(201, it.api.post("api/users", it.admin,
                "{\"username\":\"vic\",\"password\":\"viewer-password-9\",\"role\":\"VIEWER\"}").status());
        assertEquals(201, it.api.post("api/users", it.admin,
                "{\"username\":\"otto\",\"password\":\"operator-password-9\",\"role\":\"OPERATOR\"}").status());
        String token = it.api.post("api/nodes", it.admin, "{\"node_id\":\"roles-1\"}").json().getString("token");
        assertEquals(201, it.api.post("api/nodes", it.admin, "{\"node_id\":\"roles-2\"}").status());
        String status = "api/updates/status";

        // operator actions
        refusedThenDone("POST", "api/updates/refresh", null, List.of(viewer), operator, 200,
                () -> it.api.get(status, it.admin).json().get("last_attempt_at").toString());
        refusedThenDone("POST", "api/nodes/roles-1/sync", "{}", List.of(viewer), operator, 202,
                () -> it.api.get("api/updates/history?node=roles-1", it.admin).body());
        refusedThenDone("POST", "api/fleet/sync", "{\"node_ids\":[\"roles-2\"]}", List.of(viewer), operator, 202,
                () -> it.api.get("api/updates/history?node=roles-2", it.admin).body());
        refusedThenDone("POST", "api/fleet/sync", "{\"strategy\":\"rolling\",\"node_ids\":[\"roles-1\"]}", List.of(viewer),
                operator, 201, () -> it.api.get("api/rollouts", it.admin).body());
        // the rollout EJB checks the role before it looks for the rollout: 403 for a viewer, 404 for an operator.
        // What a refused action could change is which rollouts exist and whether one is paused or aborted: the
        // driver moves roles-1 on by itself meanwhile (never seen, so skipped), so the whole view is no measure.
        for (String action : List.of("pause", "resume", "abort")) {
            refusedThenDone("POST", "api/rollouts/999999/" + action, null, List.of(viewer), operator, 404,
                    () -> it.api.get("api/rollouts", it.admin).array().getValuesAs(JsonObject.class).stream()
                            .map(r -> r.get("rollout_id") + ":" + r.get("paused_at") + ":"
                                    + List.of("PAUSED", "ABORTED").contains(r.getString("status")))
                            .toList().toString());
        }
        // schedules: created, changed, disabled and deleted by operators only
        String schedule = "{\"name\":\"nightly\",\"cron\":\"0 2 * * *\",\"all_outdated\":true}";
        refusedThenDone("POST", "api/updates/schedules", schedule, List.of(viewer), operator, 201,
                () -> it.api.get("api/updates/schedules", it.admin).body());
        String sid = it.api.get("api/updates/schedules", it.admin).array().getJsonObject(0).get("schedule_id").toString();
        String changed = schedule.replace("0 2", "0 3");
        refusedThenDone("PUT", "api/updates/schedules/" + sid, changed, List.of(viewer), operator, 200,
                () -> it.api.get("api/updates/schedules", it.admin).body());
        refusedThenDone("POST", "api/updates/schedules/" + sid + "/disable", null, List.of(viewer), operator, 200,
                () -> it.api.get("api/updates/schedules", it.admin).body());
        refusedThenDone("DELETE", "api/updates/schedules/" + sid, null, List.of(viewer), operator, 204,
                () -> it.api.get("api/updates/schedules", it.admin).body());
        // pins of the fleet, a role and a node: set and lifted by operators only
        String pin = "{\"commit\":\"" + it.repo.head() + "\"}";
        refusedThenDone("PUT", "api/updates/pin", pin, List.of(viewer), operator, 200, () -> it.api.get(status, it.admin).body());
        refusedThenDone("DELETE", "api/updates/pin", null, List.of(viewer), operator, 200, () -> it.api.get(status, it.admin).body());
        java.util.concurrent.Callable<String> pins = () -> it.api.get("api/updates/pins", it.admin).body();
        refusedThenDone("PUT", "api/updates/pins/roles", "{\"role\":\"db\",\"commit\":\"" + it.repo.head() + "\"}",
                List.of(viewer), operator, 200, pins);
        refusedThenDone("DELETE", "api/updates/pins/roles?role=db", null, List.of(viewer), operator, 200, pins);
        refusedThenDone("PUT", "api/nodes/roles-1/pin", pin, List.of(viewer), operator, 200, pins);
        refusedThenDone("DELETE", "api/nodes/roles-1/pin", null, List.of(viewer), operator, 200, pins);
        // admin actions
        refusedThenDone("POST", "api/nodes", "{\"node_id\":\"roles-3\"}", List.of(viewer, operator), it.admin, 201,
                () -> it.api.get("api/nodes", it.admin).body());
        refusedThenDone("POST", "api/nodes/roles-1/token", null, List.of(viewer, operator), it.admin, 200,
                () -> Integer.toString(heartbeat("roles-1", token)));
        assertEquals(401, heartbeat("roles-1", token), "the admin's new token replaced it");
        refusedThenDone("DELETE", "api/nodes/roles-2", null, List.of(viewer, operator), it.admin, 204,
                () -> it.api.get("api/nodes", it.admin).body());
        refusedThenDone("PUT", "api/settings/offline_after_missed_heartbeats", "{\"value\":\"7\"}",
                List.of(viewer, operator), it.admin, 200, () -> it.api.get("api/settings", it.admin).body());
        refusedThenDone("POST", "api/users", "{\"username\":\"eve\",\"password\":\"a-long-password-9\",\"role\":\"ADMIN\"}",
                List.of(viewer, operator), it.admin, 201, () -> it.api.get("api/users", it.admin).body());
        // admin reads
        refusedThenDone("GET", "api/users", null, List.of(viewer, operator), it.admin, 200, () -> "");
        refusedThenDone("GET", "api/login-failures", null, List.of(viewer, operator), it.admin, 200, () -> "");
        // and what every login may read
        for (String path : List.of("api/nodes", "api/nodes/roles-1", status, "api/updates/pending", "api/updates/history",
                "api/settings", "api/rollouts", "api/updates/schedules", "api/updates/schedules/runs",
                "api/updates/schedules/changes")) {
            assertEquals(200, it.api.get(path, viewer).status(), path);
            Api.Response anonymous = it.api.get(path, null);
            assertEquals(401, anonymous.status(), path);
        }
        // each of those ~40 refusals was a "system exception" and its ~100-line stack in the server's log (a script
        // with a viewer's password could fill the disk): now one short line per 10 s at most, with the count
        String log = Files.readString(it.work.resolve("server.log"));
        assertFalse(log.contains("Client not authorized for this invocation"), "a refusal's stack trace in the log");
        assertTrue(log.contains("refused: SourceTracker.refresh, for a caller without its role"), "the first refusal's line");
    }

    // --- accounts: role, password, disabled, deleted; the last admin -----------------------------------------------

    @Test
    @Order(30)
    void aNewRoleCountsAtOnceEvenForARememberedLoginAndANewPasswordReplacesTheOld() throws Exception {
        String from = "203.0.113.60";
        create("ursula", "ursula-password-1", "VIEWER");
        assertEquals(200, basic("ursula", "ursula-password-1", from).statusCode(), "remembered for a minute from now on");
        assertEquals(403, refresh(Api.basic("ursula", "ursula-password-1"), from).statusCode());

        HttpResponse<String> promoted = patch("api/users/ursula", "{\"role\":\"operator\"}");
        assertEquals(200, promoted.statusCode(), promoted.body());
        assertEquals("OPERATOR", json(promoted).getString("role"));
        assertEquals(200, refresh(Api.basic("ursula", "ursula-password-1"), from).statusCode(), "within the minute");

        HttpResponse<String> reset = send("PUT", "api/users/ursula", "Authorization", it.admin, "Content-Type",
                "application/json", "{\"password\":\"ursula-password-2\"}");
        assertEquals(200, reset.statusCode(), reset.body());
        assertEquals("OPERATOR", json(reset).getString("role"), "a field left out stays as it is");
        assertEquals(401, basic("ursula", "ursula-password-1", from).statusCode(), "the old one, remembered or not");
        assertEquals(200, basic("ursula", "ursula-password-2", from).statusCode());
        assertFalse(it.api.get("api/users/ursula", it.admin).body().contains("password"), "never answered");
    }

    @Test
    @Order(31)
    void aDisabledUserCannotLogInAndItsOpenSessionEndsAtItsNextRequest() throws Exception {
        String from = "203.0.113.61";
        create("walter", "walter-password-1", "OPERATOR");
        String cookie = sessionCookie(formLogin("walter", "walter-password-1", own, from)).orElseThrow();
        assertEquals(200, basic("walter", "walter-password-1", from).statusCode());
        assertEquals(200, send("GET", "api/nodes", "Cookie", cookie).statusCode());

        HttpResponse<String> disabled = patch("api/users/walter", "{\"disabled\":true}");
        assertEquals(200, disabled.statusCode(), disabled.body());
        assertTrue(json(disabled).getBoolean("disabled"));
        assertFalse(json(disabled).isNull("disabled_at"));

        assertEquals(401, send("GET", "api/nodes", "Cookie", cookie).statusCode(), "the session ended");
        assertEquals(401, basic("walter", "walter-password-1", from).statusCode(), "the remembered login too");
        assertTrue(location(formLogin("walter", "walter-password-1", own, from)).endsWith("/login?error"));
        assertEquals(401, send("GET", "api/nodes", "Cookie", cookie).statusCode(), "and it stays ended");

        assertEquals(200, patch("api/users/walter", "{\"disabled\":false}").statusCode());
        assertEquals(200, basic("walter", "walter-password-1", from).statusCode(), "enabled again, as it was");
        String again = sessionCookie(formLogin("walter", "walter-password-1", own, from)).orElseThrow();
        assertEquals(200, send("GET", "api/nodes", "Cookie", again).statusCode());

        // a session's role follows the account's at its next request; a new password ends the session
        assertEquals(200, send("POST", "api/updates/refresh", "Cookie", again, "Origin", own).statusCode());
        assertEquals(200, patch("api/users/walter", "{\"role\":\"viewer\"}").statusCode());
        assertEquals(403, send("POST", "api/updates/refresh", "Cookie", again, "Origin", own).statusCode());
        assertEquals(200, patch("api/users/walter", "{\"password\":\"walter-password-2\"}").statusCode());
        assertEquals(401, send("GET", "api/nodes", "Cookie", again).statusCode());

        HttpResponse<String> deleted = send("DELETE", "api/users/walter", "Authorization", it.admin);
        assertEquals(204, deleted.statusCode(), deleted.body());
        assertEquals(404, it.api.get("api/users/walter", it.admin).status());
        assertEquals(401, basic("walter", "walter-password-2", from).statusCode());
        assertFalse(it.api.get("api/users", it.admin).body().contains("\"walter\""));
    }

    @Test
    @Order(32)
    void theLastEnabledAdminCannotBeDemotedDisabledOrDeletedAndNothingChanges() throws Exception {
        // every other admin disabled for the while: 'admin' is the last enabled one
        List<String> others = enabledAdmins().stream().filter(n -> !n.equals("admin")).toList();
        for (String other : others) {
            assertEquals(200, patch("api/users/" + other, "{\"disabled\":true}").statusCode(), other);
        }
        try {
            String before = it.api.get("api/users/admin", it.admin).body();
            for (String[] call : new String[][] {{"PATCH", "{\"role\":\"operator\"}", "made operator"},
                    {"PUT", "{\"role\":\"VIEWER\",\"disabled\":false}", "made viewer"},
                    {"PATCH", "{\"disabled\":true}", "disabled"}, {"DELETE", null, "deleted"}}) {
                HttpResponse<String> r = call[1] == null ? send(call[0], "api/users/admin", "Authorization", it.admin)
                        : send(call[0], "api/users/admin", "Authorization", it.admin, "Content-Type", "application/json", call[1]);
                assertEquals(409, r.statusCode(), call[0] + " " + call[1] + ": " + r.body());
                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
                assertEquals("'admin' is the last enabled admin and cannot be " + call[2]
                        + ": make another account an admin first", json(r).getString("detail"));
            }
            assertEquals(before, it.api.get("api/users/admin", it.admin).body(), "nothing changed");
            // what keeps it an enabled admin is fine: a new password, the same role
            assertEquals(200, patch("api/users/admin", "{\"role\":\"admin\",\"disabled\":false}").statusCode());
        } finally {
            for (String other : others) {
                assertEquals(200, patch("api/users/" + other, "{\"disabled\":false}").statusCode(), other);
            }
        }
    }

    /** Two admins demoting each other at the same moment: one wins, the other is refused, one admin remains. */
    @Test
    @Order(33)
    void twoLastAdminsDemotingEachOtherAtOnceLeaveOneAdmin() throws Exception {
        create("ada", "ada-password-123", "ADMIN");
        String ada = Api.basic("ada", "ada-password-123");
        List<String> others = enabledAdmins().stream().filter(n -> !n.equals("admin") && !n.equals("ada")).toList();
        for (String other : others) {
            assertEquals(200, patch("api/users/" + other, "{\"disabled\":true}").statusCode(), other);
        }
        try {
            for (int round = 0; round < 4; round++) {
                List<HttpResponse<String>> answers = parallel(2, i -> send("PATCH", "api/users/" + (i == 0 ? "ada" : "admin"),
                        "Authorization", i == 0 ? it.admin : ada, "Content-Type", "application/json", "{\"role\":\"viewer\"}"));
                List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).sorted().toList();
                assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "round " + round + ": " + statuses);
                assertTrue(statuses.contains(409) || statuses.contains(403), "round " + round + ": " + statuses);
                // the winner is the one still allowed to list the users; it makes the other an admin again
                boolean adminWon = it.api.get("api/users", it.admin).status() == 200;
                String winner = adminWon ? it.admin : ada;
                assertEquals(List.of(adminWon ? "admin" : "ada"), enabledAdmins(winner), "round " + round);
                HttpResponse<String> back = send("PATCH", "api/users/" + (adminWon ? "ada" : "admin"), "Authorization",
                        winner, "Content-Type", "application/json", "{\"role\":\"admin\"}");
                assertEquals(200, back.statusCode(), back.body());
            }
        } finally {
            for (String other : others) {
                assertEquals(200, patch("api/users/" + other, "{\"disabled\":false}").statusCode(), other);
            }
        }
    }

    @Test
    @Order(34)
    void changingOrDeletingAUserIsForAdminsOnlyAndBadValuesAreRefusedWithAProblem() throws Exception {
        create("yuri", "yuri-password-12", "VIEWER");
        String viewer = Api.basic("vera", VERA_PASSWORD);
        String operator = Api.basic("olga", OLGA_PASSWORD);
        java.util.concurrent.Callable<String> yuri = () -> it.api.get("api/users/yuri", it.admin).body();
        refusedThenDone("GET", "api/users/yuri", null, List.of(viewer, operator), it.admin, 200, () -> "");
        refusedThenDone("PATCH", "api/users/yuri", "{\"role\":\"operator\"}", List.of(viewer, operator), it.admin, 200, yuri);
        refusedThenDone("PUT", "api/users/yuri", "{\"disabled\":true}", List.of(viewer, operator), it.admin, 200, yuri);
        refusedThenDone("PATCH", "api/users/yuri", "{\"password\":\"yuri-password-99\"}", List.of(viewer, operator),
                it.admin, 200, yuri);
        refusedThenDone("DELETE", "api/users/yuri", null, List.of(viewer, operator), it.admin, 204,
                () -> it.api.get("api/users", it.admin).body());

        create("zoe", "zoe-password-123", "VIEWER");
        String zoe = it.api.get("api/users/zoe", it.admin).body();
        String[][] refused = {
                // path, body, status, the detail starts with
                {"api/users/nobody", "{\"role\":\"admin\"}", "404", "no user 'nobody'"},
                {"api/users/zoe", "{\"role\":\"root\"}", "400", "role must be one of viewer, operator, admin"},
                {"api/users/zoe", "{\"role\":\"admın\"}", "400", "role must be one of viewer, operator, admin"},
                {"api/users/zoe", "{\"password\":\"short\"}", "400", "password must have at least 12 characters"},
                {"api/users/zoe", "{\"disabled\":\"yes\"}", "400", "disabled"},
                {"api/users/zoe", "{\"disabled\":1}", "400", "disabled"},
                {"api/users/zoe", "{}", "400", "nothing to change"},
                {"api/users/zoe", "null", "400", "the body is required"},
                {"api/users/zoe", "{\"rol\":\"admin\"}", "400", "unknown field 'rol'"},
                {"api/users/zoe", "{\"role\":\"admin\",\"password\":\"short\"}", "400", "password must have"},
                {"api/users/Zoe", "{\"role\":\"admin\"}", "400", "username must match"},
                {"api/users/" + "z".repeat(65), "{\"role\":\"admin\"}", "400", "username must have at most 64 characters"},
                {"api/users/z%C3%B6e", "{\"role\":\"admin\"}", "400", "username must match"},
                {"api/users/zo%20e", "{\"role\":\"admin\"}", "400", "username must match"},
                {"api/users/zo%2Fe", "{\"role\":\"admin\"}", "400", ""},
                {"api/users/zo%00e", "{\"role\":\"admin\"}", "400", ""},
        };
        for (String[] r : refused) {
            for (String method : List.of("PATCH", "PUT")) {
                HttpResponse<String> answer = send(method, r[0], "Authorization", it.admin, "Content-Type",
                        "application/json", r[1]);
                String what = method + " " + r[0] + " " + r[1] + " -> " + answer.statusCode() + " " + answer.body();
                assertEquals(Integer.parseInt(r[2]), answer.statusCode(), what);
                if (!r[3].isEmpty()) {
                    assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), what);
                    assertTrue(json(answer).getString("detail").contains(r[3]), what);
                }
            }
        }
        assertEquals(zoe, it.api.get("api/users/zoe", it.admin).body(), "nothing changed");
        for (String path : List.of("api/users/nobody", "api/users/Zoe", "api/users/" + "z".repeat(65))) {
            HttpResponse<String> get = send("GET", path, "Authorization", it.admin);
            HttpResponse<String> delete = send("DELETE", path, "Authorization", it.admin);
            int expected = path.endsWith("nobody") ? 404 : 400;
            assertEquals(expected, get.statusCode(), "GET " + path + ": " + get.body());
            assertEquals(expected, delete.statusCode(), "DELETE " + path + ": " + delete.body());
            assertTrue(json(delete).containsKey("detail"), delete.body());
        }
        HttpResponse<String> noName = send("DELETE", "api/users/", "Authorization", it.admin);
        assertTrue(noName.statusCode() == 404 || noName.statusCode() == 405, noName.statusCode() + " " + noName.body());
        assertTrue(noName.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(it.api.get("api/users", it.admin).body().contains("\"zoe\""), "zoe is still there");
    }

    static void create(String user, String password, String role) throws Exception {
        Api.Response r = it.api.post("api/users", it.admin, "{\"username\":\"" + user + "\",\"password\":\""
                + password + "\",\"role\":\"" + role + "\"}");
        assertEquals(201, r.status(), r.toString());
    }

    static HttpResponse<String> patch(String path, String body) throws Exception {
        return send("PATCH", path, "Authorization", it.admin, "Content-Type", "application/json", body);
    }

    static HttpResponse<String> refresh(String auth, String address) throws Exception {
        return send("POST", "api/updates/refresh", "Authorization", auth, "X-Forwarded-For", address);
    }

    static List<String> enabledAdmins() throws Exception {
        return enabledAdmins(it.admin);
    }

    static List<String> enabledAdmins(String auth) throws Exception {
        return Json.createReader(new StringReader(it.api.get("api/users", auth).body())).readArray().stream()
                .map(v -> v.asJsonObject())
                .filter(u -> u.getString("role").equals("ADMIN") && !u.getBoolean("disabled"))
                .map(u -> u.getString("username")).toList();
    }

    /**
     * The call without a login is 401 with {@code WWW-Authenticate}, by each of {@code refused} a 403 problem, and
     * neither changes what {@code state} reads; then by {@code allowed} it answers {@code done}.
     */
    static void refusedThenDone(String method, String path, String body, List<String> refused, String allowed, int done,
                                java.util.concurrent.Callable<String> state) throws Exception {
        String before = state.call();
        HttpResponse<String> anonymous = body == null ? send(method, path) : send(method, path, "Content-Type",
                "application/json", body);
        assertEquals(401, anonymous.statusCode(), method + " " + path + " without a login: " + anonymous.body());
        assertEquals("Basic realm=\"SLM\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(null));
        for (String auth : refused) {
            HttpResponse<String> r = body == null ? send(method, path, "Authorization", auth)
                    : send(method, path, "Authorization", auth, "Content-Type", "application/json", body);
            assertEquals(403, r.statusCode(), method + " " + path + ": " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), r.body());
            assertTrue(json(r).getString("detail").startsWith("refused: this needs a role above"), r.body());
        }
        assertEquals(before, state.call(), method + " " + path + ": nothing changed");
        HttpResponse<String> ok = body == null ? send(method, path, "Authorization", allowed)
                : send(method, path, "Authorization", allowed, "Content-Type", "application/json", body);
        assertEquals(done, ok.statusCode(), method + " " + path + ": " + ok.body());
    }

    /**
     * Issue 15: an enrollment key registers nodes and nothing else — each use once, within its expiry and use limit,
     * until revoked; an enrolled node id again only when the key allows it (the old token then stops working); every
     * use recorded with the address it came from. Only admins manage keys.
     */
    @Test
    @Order(40)
    void anEnrollmentKeyRegistersNodesWithinItsExpiryUseLimitAndRolesUntilRevokedAndRecordsEachUse() throws Exception {
        String viewer = Api.basic("vera", VERA_PASSWORD);
        String operator = Api.basic("olga", OLGA_PASSWORD);
        String body = "{\"name\":\"rack 7\",\"max_uses\":2,\"roles\":[\"web\",\"db\"]}";
        for (String auth : List.of(viewer, operator)) {
            assertProblem(403, it.api.post("api/enrollment-keys", auth, body));
            assertProblem(403, it.api.get("api/enrollment-keys", auth));
        }
        assertProblem(401, it.api.post("api/enrollment-keys", null, body));
        // what a key may not be: each refused with the field named, and nothing created
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{\"max_uses\":2}", "name");
        bad.put("{\"name\":\"   \"}", "name");
        bad.put("{\"name\":\"" + "n".repeat(101) + "\"}", "name");
        bad.put("{\"name\":\"a\\u0007b\"}", "name");
        bad.put("{\"name\":\"k\",\"expires_at\":\"2030-01-01T00:00:00\"}", "expires_at");
        bad.put("{\"name\":\"k\",\"expires_at\":\"2020-01-01T00:00:00Z\"}", "expires_at");
        bad.put("{\"name\":\"k\",\"expires_at\":\"+999999999-12-31T23:59:59Z\"}", "expires_at");
        bad.put("{\"name\":\"k\",\"expires_at\":\"tomorrow\"}", "expires_at");
        bad.put("{\"name\":\"k\",\"max_uses\":0}", "max_uses");
        bad.put("{\"name\":\"k\",\"max_uses\":-1}", "max_uses");
        bad.put("{\"name\":\"k\",\"roles\":[\"a,b\"]}", "roles");
        bad.put("{\"name\":\"k\",\"roles\":[\"\"]}", "roles");
        bad.put("{\"name\":\"k\",\"max_uses\":\"many\"}", "max_uses");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Api.Response r = it.api.post("api/enrollment-keys", it.admin, e.getKey());
            assertProblem(400, r);
            assertTrue(r.json().getString("detail").contains(e.getValue()), e.getKey() + ": " + r);
        }
        assertEquals(0, it.api.get("api/enrollment-keys", it.admin).array().size());

        Api.Response created = it.api.post("api/enrollment-keys", it.admin, body);
        assertEquals(201, created.status(), created.toString());
        String key = created.json().getString("key");
        long id = created.json().getJsonNumber("enrollment_key_id").longValue();
        assertTrue(key.startsWith("slmk_") && key.length() > 40, key);
        Instant expires = Instant.parse(created.json().getString("expires_at"));
        assertTrue(expires.isAfter(Instant.now().plus(Duration.ofHours(23))), "a day by default: " + expires);
        JsonObject listed = it.api.get("api/enrollment-keys", it.admin).array().getJsonObject(0);
        assertFalse(listed.containsKey("key") && !listed.isNull("key"), "the key is shown once: " + listed);
        assertFalse(it.api.get("api/enrollment-keys", it.admin).body().contains(key));

        // enrolled: a token of its own, which heartbeats; the key's address recorded as the proxy says (trusted)
        Api.Response enrolled = enroll(key, "enr-1", "[\"web\"]", "192.0.2.71");
        assertEquals(201, enrolled.status(), enrolled.toString());
        String token = enrolled.json().getString("token");
        assertEquals(200, it.api.post("api/nodes/enr-1/heartbeat", Api.bearer(token),
                "{\"code_version\":\"" + it.repo.head() + "\",\"state\":\"IDLE\",\"roles\":[\"web\"]}").status());
        assertEquals("UP_TO_DATE", it.api.get("api/nodes/enr-1", it.admin).json().getString("code_status"));
        assertEquals("enrollment key 'rack 7'", it.api.get("api/nodes/enr-1", it.admin).json().getString("registered_by"));
        // the key registers nodes and nothing else: it is no login
        assertProblem(401, it.api.get("api/nodes", Api.bearer(key)));
        assertProblem(401, it.api.post("api/enrollment-keys", Api.bearer(key), body));
        // a role the key does not allow; a node enrolled already; malformed ids: refused, no use counted
        assertProblem(403, enroll(key, "enr-2", "[\"web\",\"admin\"]", "192.0.2.72"));
        Api.Response again = enroll(key, "enr-1", "[]", "192.0.2.72");
        assertProblem(409, again);
        assertTrue(again.json().getString("detail").contains("does not allow enrolling it again"), again.toString());
        for (String nodeId : List.of("Enr-3", "", "../x", "a".repeat(64))) {
            assertProblem(400, enroll(key, nodeId, "[]", "192.0.2.72"));
        }
        assertProblem(400, it.api.post("api/nodes/enroll", null, "{\"node_id\":\"enr-2\"}"));
        assertEquals(1, it.api.get("api/enrollment-keys", it.admin).array().getJsonObject(0).getInt("uses"));
        assertEquals(201, enroll(key, "enr-2", null, "192.0.2.73").status());
        // used up
        assertProblem(401, enroll(key, "enr-3", null, "192.0.2.74"));
        assertEquals("used_up", it.api.get("api/enrollment-keys", it.admin).array().getJsonObject(0).getString("state"));
        // every use, once per node, with where it came from
        List<JsonObject> uses = it.api.get("api/enrollment-keys/" + id + "/uses", it.admin).array().getValuesAs(JsonObject.class);
        assertEquals(List.of("enr-2:192.0.2.73", "enr-1:192.0.2.71"), uses.stream()
                .map(u -> u.getString("node_id") + ":" + u.getString("remote_address")).toList());

        // a key that allows enrolling again: the node's old token stops working; revoked, it enrols nothing more
        String again2 = it.api.post("api/enrollment-keys", it.admin, "{\"name\":\"reinstall\",\"allow_reenroll\":true}")
                .json().getString("key");
        Api.Response replaced = enroll(again2, "enr-1", null, "192.0.2.75");
        assertEquals(201, replaced.status(), replaced.toString());
        assertProblem(401, it.api.post("api/nodes/enr-1/heartbeat", Api.bearer(token), "{\"state\":\"IDLE\"}"));
        assertEquals(200, it.api.post("api/nodes/enr-1/heartbeat", Api.bearer(replaced.json().getString("token")),
                "{\"state\":\"IDLE\"}").status());
        long id2 = it.api.get("api/enrollment-keys", it.admin).array().getJsonObject(0).getJsonNumber("enrollment_key_id").longValue();
        assertTrue(it.api.get("api/enrollment-keys/" + id2 + "/uses", it.admin).array().getJsonObject(0).getBoolean("reenrolled"));
        assertProblem(403, it.api.delete("api/enrollment-keys/" + id2, operator));
        Api.Response revoked = it.api.delete("api/enrollment-keys/" + id2, it.admin);
        assertEquals(200, revoked.status(), revoked.toString());
        assertEquals("revoked", revoked.json().getString("state"));
        assertProblem(401, enroll(again2, "enr-4", null, "192.0.2.76"));
        assertProblem(404, it.api.delete("api/enrollment-keys/999999", it.admin));
        assertProblem(400, it.api.delete("api/enrollment-keys/-1", it.admin));
        assertProblem(401, enroll("slmk_" + "A".repeat(43), "enr-5", null, "192.0.2.77"));

        // expired: a key valid for a few seconds enrols until then (the same node again: 409), and nothing after
        String brief = it.api.post("api/enrollment-keys", it.admin, "{\"name\":\"brief\",\"expires_at\":\""
                + Instant.now().plusSeconds(5) + "\"}").json().getString("key");
        assertEquals(201, enroll(brief, "enr-6", null, "192.0.2.78").status());
        Await.until(Duration.ofSeconds(20), () -> enroll(brief, "enr-6", null, "192.0.2.78").status(), s -> s == 401);
        assertProblem(401, enroll(brief, "enr-7", null, "192.0.2.78"));
        JsonObject expired = it.api.get("api/enrollment-keys", it.admin).array().getJsonObject(0);
        assertEquals("expired", expired.getString("state"));
        assertEquals(1, expired.getInt("uses"));
    }

    private static Api.Response enroll(String key, String nodeId, String roles, String from) throws Exception {
        return it.api.postRaw("api/nodes/enroll", ("{\"enrollment_key\":\"" + key + "\",\"node_id\":\"" + nodeId + "\""
                        + (roles == null ? "" : ",\"roles\":" + roles) + "}").getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/json", "X-Forwarded-For", from);
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    interface Call {
        HttpResponse<String> send(int i) throws Exception;
    }

    static List<HttpResponse<String>> parallel(int count, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> call.send(n)));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> f : futures) {
                answers.add(f.get(2, TimeUnit.MINUTES));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A Basic call to an operator endpoint, from {@code address} (a trusted proxy's X-Forwarded-For). */
    static HttpResponse<String> basic(String user, String password, String address) throws Exception {
        return send("GET", "api/nodes", "Authorization", Api.basic(user, password), "X-Forwarded-For", address);
    }

    /** The login form's POST, with an Origin (null: none) and from an address (null: 127.0.0.1 itself). */
    static HttpResponse<String> formLogin(String user, String password, String origin, String address) throws Exception {
        List<String> headers = new ArrayList<>(List.of("Content-Type", "application/x-www-form-urlencoded"));
        if (origin != null) {
            headers.addAll(List.of("Origin", origin));
        }
        if (address != null) {
            headers.addAll(List.of("X-Forwarded-For", address));
        }
        headers.add(body(user, password));
        return send("POST", "login", headers.toArray(String[]::new));
    }

    static String body(String user, String password) {
        return "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
    }

    /** Header names and values in pairs; an odd last argument is the body. */
    static HttpResponse<String> send(String method, String path, String... headersAndBody) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(it.server.baseUri().resolve(path)).timeout(Duration.ofSeconds(60));
        for (int i = 0; i + 1 < headersAndBody.length; i += 2) {
            b.header(headersAndBody[i], headersAndBody[i + 1]);
        }
        String body = headersAndBody.length % 2 == 1 ? headersAndBody[headersAndBody.length - 1] : "";
        b.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String rawRequest(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", it.server.baseUri().getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static int heartbeat(String node, String token) throws Exception {
        return it.api.post("api/nodes/" + node + "/heartbeat", Api.bearer(token),
                "{\"agent_version\":\"1\",\"hostname\":\"" + node + "\",\"roles\":[]}").status();
    }

    static String location(HttpResponse<?> r) {
        return r.headers().firstValue("Location").orElse("(no Location, " + r.statusCode() + ")");
    }

    static java.util.Optional<String> sessionCookie(HttpResponse<?> r) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'))).findFirst();
    }

    static JsonObject json(HttpResponse<String> r) {
        return Json.createReader(new StringReader(r.body())).readObject();
    }

    static String statuses(List<HttpResponse<String>> answers) {
        Map<Integer, Long> counts = new java.util.TreeMap<>();
        answers.forEach(r -> counts.merge(r.statusCode(), 1L, Long::sum));
        return counts.toString();
    }

    interface Step {
        void run() throws Exception;
    }

    static long timed(Step step) throws Exception {
        long start = System.nanoTime();
        step.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    static final class Collect implements WebSocket.Listener {
        private final List<String> into;
        private final StringBuilder partial = new StringBuilder();

        Collect(List<String> into) {
            this.into = into;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                into.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
