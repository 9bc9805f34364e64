package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.Api;
import dev.slm.it.support.Await;
import dev.slm.it.support.LiveSocket;
import dev.slm.it.support.TestServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Live events on a server whose first event comes from an EJB timer (the scheduled fetch) before any browser or
 * socket has asked for them. This passes on the code before issue 10's fix as well: on Payara Micro the broadcaster
 * created inside the timer's call gets its executor. What left the executor null for good ("this.executor is null",
 * heartbeats answered 500) was a broadcaster created while the application was still deploying, before the web module
 * had started (a timer firing during a slow start) — no test here can place an event in that moment; LiveEventsTest
 * shows the recovery from a missing executor, and HeartbeatBatcher now answers before it fires.
 */
class LiveEventsIT {

    private static final String ONE = "1".repeat(40);
    private static final String TWO = "2".repeat(40);

    @Test
    void afterAFirstEventFromAnEjbTimerHeartbeatsAnswerOkAndEventsReachTheSockets() throws Exception {
        try (TestServer it = TestServer.start("live-events-it", r -> r.commit("First", "app/a.txt", "a\n"))) {
            String token = it.api.post("api/nodes", it.admin, "{\"node_id\":\"first-event\"}").json().getString("token");

            // no refresh, no page, no socket: the first live event is the scheduled fetch's new latest commit
            Await.until(Duration.ofSeconds(90), () -> it.api.get("api/updates/status", it.admin).json(),
                    s -> s.containsKey("latest_version") && !s.isNull("latest_version"));
            Api.Response first = it.api.post("api/nodes/first-event/heartbeat", Api.bearer(token),
                    "{\"code_version\":\"" + ONE + "\"}");
            assertEquals(200, first.status(), first.toString());
            assertTrue(first.contentType().startsWith("application/json"), first.toString());
            assertEquals(ONE, it.api.get("api/nodes/first-event", it.admin).json().getString("code_version"));

            try (LiveSocket socket = LiveSocket.open(it)) {
                CompletableFuture<String> heard = socket.next(m -> m.contains("node.code_status_changed"));
                Api.Response second = it.api.post("api/nodes/first-event/heartbeat", Api.bearer(token),
                        "{\"code_version\":\"" + TWO + "\"}");
                assertEquals(200, second.status(), second.toString());
                assertTrue(socket.await(heard, Duration.ofSeconds(20)).contains("first-event"));
            }
        }
    }
}
