package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.Api;
import dev.slm.it.support.Await;
import dev.slm.it.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Live events on a server whose first event comes from an EJB — the scheduled fetch, or after a restart the sync
 * operations the timer ends — before any browser or socket has asked for them. Before: the broadcaster was created
 * inside that EJB's call, where Payara injects only what the EJB itself declares, so its {@code @Resource} executor
 * stayed null for the server's life: every live event failed with "this.executor is null", and each heartbeat that
 * changed a node's status answered 500 (though it was stored).
 */
class LiveEventsIT {

    private static final String ONE = "1".repeat(40);
    private static final String TWO = "2".repeat(40);

    @Test
    void afterAFirstEventFromAnEjbTimerHeartbeatsAnswerOkAndEventsReachTheSockets() throws Exception {
        try (TestServer it = TestServer.start("live-events-it", r -> r.commit("First", "app/a.txt", "a\n"))) {
            String token = it.api.post("api/nodes", it.admin, "{\"node_id\":\"first-event\"}").json().getString("token");

            // no refresh, no page, no socket: the first live event is the scheduled fetch's new latest commit, sent
            // from an EJB timer (where Payara injected no @Resource into the broadcaster it created)
            Await.until(Duration.ofSeconds(90), () -> it.api.get("api/updates/status", it.admin).json(),
                    s -> s.containsKey("latest_version") && !s.isNull("latest_version"));
            Api.Response first = it.api.post("api/nodes/first-event/heartbeat", Api.bearer(token),
                    "{\"code_version\":\"" + ONE + "\"}");
            assertEquals(200, first.status(), first.toString());
            assertTrue(first.contentType().startsWith("application/json"), first.toString());
            assertEquals(ONE, it.api.get("api/nodes/first-event", it.admin).json().getString("code_version"));

            CompletableFuture<String> heard = new CompletableFuture<>();
            java.util.List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", it.admin)
                    .buildAsync(URI.create("ws://127.0.0.1:" + it.server.baseUri().getPort() + "/ws/events"),
                            new WebSocket.Listener() {
                                @Override
                                public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                                    heard.completeExceptionally(new AssertionError("closed " + code + " " + reason));
                                    return null;
                                }

                                @Override
                                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                    received.add(data.toString());
                                    if (data.toString().contains("node.code_status_changed")) {
                                        heard.complete(data.toString());
                                    }
                                    w.request(1);
                                    return null;
                                }
                            }).get(20, TimeUnit.SECONDS);
            try {
                Api.Response second = it.api.post("api/nodes/first-event/heartbeat", Api.bearer(token),
                        "{\"code_version\":\"" + TWO + "\"}");
                assertEquals(200, second.status(), second.toString());
                try {
                    assertTrue(heard.get(20, TimeUnit.SECONDS).contains("first-event"));
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("no status change heard; received: " + received + "; node: "
                            + it.api.get("api/nodes/first-event", it.admin), e);
                }
            } finally {
                ws.abort();
            }
        }
    }
}
