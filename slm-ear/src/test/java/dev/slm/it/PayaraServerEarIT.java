package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.Api;
import dev.slm.it.support.ChildProcesses;
import dev.slm.it.support.TestDatabase;
import dev.slm.it.support.TestServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The EAR (skinny WAR, EJB module, libraries in lib/) deploys on Payara Server 6 with asadmin and serves the API. */
class PayaraServerEarIT {

    static final String PASSWORD = "ear-admin-password-0";

    @Test
    void theEarDeploysOnPayaraServerAndServesTheApi() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "ear-it-").toAbsolutePath();
        Path asadmin = Path.of(System.getProperty("slm.payara.server"), "bin", "asadmin");
        int portBase = freePortBase();
        try (TestDatabase db = TestDatabase.create()) {
            Map<String, String> env = new java.util.HashMap<>(db.serverEnvironment());
            env.put("SLM_DATA_DIR", work.resolve("data").toString());
            env.put("SLM_ADMIN_PASSWORD", PASSWORD);
            // asadmin's JVMs and the domain's: the JIT's first tier only, as for every test server (TestServer.JVM_OPTIONS)
            env.put("JAVA_TOOL_OPTIONS", String.join(" ", TestServer.JVM_OPTIONS));
            // start-domain leaves the domain running detached: known by its directory only
            ChildProcesses.alsoOnExit(() -> ChildProcesses.killNaming(work.resolve("domains").toString()));
            // the admin's guide (docs/admin.md), as its script: install = create, start, settings into the domain, deploy
            env.put("ASADMIN", asadmin.toString());
            env.put("PAYARA_DOMAIN_DIR", work.resolve("domains").toString());
            env.put("PAYARA_PORT_BASE", Integer.toString(portBase));
            env.put("SLM_EAR", System.getProperty("slm.ear"));
            String guide = Path.of("..", "docs", "payara-server.sh").toAbsolutePath().normalize().toString();
            try {
                String installed = run(env, "bash", guide, "install");
                assertTrue(installed.contains("set SLM_DB_URL") && installed.contains("set SLM_ADMIN_PASSWORD"), installed);

                Api api = new Api(URI.create("http://127.0.0.1:" + (portBase + 80) + "/"));
                String admin = Api.basic("admin", PASSWORD);
                assertEquals(200, api.get("api/health", null).status());
                assertEquals(401, api.get("api/updates/status", null).status());
                String latest = api.post("api/updates/refresh", admin, null).json().getString("latest_version");
                assertEquals(40, latest.length());
                String token = api.post("api/nodes", admin, "{\"node_id\":\"ear-1\"}").json().getString("token");
                // the EJB module's events reach the web module's broadcaster in the EAR too: /ws/events hears them
                java.util.concurrent.CompletableFuture<String> heard = new java.util.concurrent.CompletableFuture<>();
                java.net.http.WebSocket ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                        .header("Authorization", admin)
                        .buildAsync(URI.create("ws://127.0.0.1:" + (portBase + 80) + "/ws/events"),
                                new java.net.http.WebSocket.Listener() {
                                    @Override
                                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w,
                                                                                          CharSequence data, boolean last) {
                                        if (data.toString().contains("node.code_status_changed")) {
                                            heard.complete(data.toString());
                                        }
                                        w.request(1);
                                        return null;
                                    }
                                }).exceptionally(e -> {
                                    if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) {
                                        throw new AssertionError("/ws/events handshake answered "
                                                + h.getResponse().statusCode() + ": " + h.getResponse().body(), h);
                                    }
                                    throw new AssertionError(e);
                                }).get(20, java.util.concurrent.TimeUnit.SECONDS);
                Api.Response hb = api.post("api/nodes/ear-1/heartbeat", Api.bearer(token),
                        "{\"code_version\":\"" + latest + "\"}");
                assertEquals(200, hb.status(), hb.toString());
                assertEquals("UP_TO_DATE", api.get("api/nodes/ear-1", admin).json().getString("code_status"));
                assertTrue(heard.get(20, java.util.concurrent.TimeUnit.SECONDS).contains("ear-1"));
                ws.abort();

                // the web app serves from the EAR: the login page, and the form login into a session
                Api.Response login = api.get("login", null);
                assertEquals(200, login.status());
                assertTrue(login.body().contains("Vaadin"), "the Vaadin bootstrap page");
                java.net.http.HttpResponse<String> form = java.net.http.HttpClient.newBuilder()
                        .version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(
                        java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (portBase + 80) + "/login"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .header("Origin", "http://127.0.0.1:" + (portBase + 80)) // as the browser sends it
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("username=admin&password=" + PASSWORD))
                                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(302, form.statusCode());
                // asked to upgrade to HTTP/2 (HttpClient's default), the server answers in HTTP/1.1 (payara-server.sh)
                assertEquals(java.net.http.HttpClient.Version.HTTP_1_1, java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (portBase + 80) + "/login")).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).version());
                assertTrue(form.headers().firstValue("Location").orElse("").endsWith("/"), form.headers().toString());
                assertTrue(form.headers().firstValue("Set-Cookie").orElse("").startsWith("JSESSIONID="));
                long migrations;
                try (var files = Files.list(Path.of("..", "db"))) {
                    migrations = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
                }
                assertEquals(migrations, db.query("SELECT * FROM flyway_schema_history WHERE success").size(),
                        "every migration in db/ applied");

                // an upgrade is a redeploy: the settings stay in the domain, the data in the database
                run(env, "bash", guide, "upgrade");
                assertEquals(200, api.get("api/health", null).status());
                assertEquals("UP_TO_DATE", api.get("api/nodes/ear-1", admin).json().getString("code_status"));
                Path log = Path.of(run(env, "bash", guide, "logs").strip());
                assertTrue(Files.readString(log).contains("slm was successfully deployed"), log.toString());
                run(env, "bash", guide, "stop");
            } finally {
                // whatever happened above: no domain is left running (stopped already: asadmin says so, nothing else)
                new ProcessBuilder(asadmin.toString(), "stop-domain", "--kill", "--domaindir",
                        work.resolve("domains").toString(), "slm").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(2, TimeUnit.MINUTES);
            }
        }
    }

    /** Payara Server listens on base+48 (admin), base+80 (HTTP) and a few more: find a block that is free. */
    private static int freePortBase() throws IOException {
        for (int base = 28000; base < 60000; base += 100) {
            boolean free = true;
            for (int offset : new int[] {48, 80, 81, 37, 76, 86, 66, 700, 900, 9}) {
                try (java.net.ServerSocket s = new java.net.ServerSocket(base + offset)) {
                    s.setReuseAddress(true);
                } catch (IOException taken) {
                    free = false;
                    break;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no free block of ports for Payara Server");
    }

    private static String run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out: " + String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
        return out;
    }
}
