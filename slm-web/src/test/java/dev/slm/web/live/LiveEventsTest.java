package dev.slm.web.live;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** The broadcaster never fails the caller that stored a change, and recovers when its executor works again. */
class LiveEventsTest {

    private static final Executor DIRECT = Runnable::run;

    private final LiveEvents events = new LiveEvents();
    private final List<String> heard = new CopyOnWriteArrayList<>();

    LiveEventsTest() {
        events.register(e -> heard.add(e.nodeIds().iterator().next()));
    }

    private static LiveEvent about(String node) {
        return LiveEvent.nodesChanged(Set.of(node));
    }

    /** Before: NullPointerException "this.executor is null" into the heartbeat writer, for every event. */
    @Test
    void withoutAnExecutorAnEventIsDroppedQuietlyAndALaterOneIsDeliveredOnceOneIsFound() {
        events.lookup = () -> {
            throw new IllegalStateException("no naming context on this thread");
        };
        assertDoesNotThrow(() -> events.publish(about("lost")));

        events.lookup = () -> DIRECT;
        events.publish(about("found"));
        assertEquals(List.of("found"), heard);
    }

    @Test
    void anExecutorThatRefusesWorkIsReplacedByTheOneLookedUp() {
        events.executor = task -> {
            throw new RejectedExecutionException("shut down");
        };
        events.lookup = () -> DIRECT;
        assertDoesNotThrow(() -> events.publish(about("after-restart")));
        assertEquals(List.of("after-restart"), heard);
        assertEquals(DIRECT, events.executor);
    }

    @Test
    void anExecutorThatThrowsAnErrorDoesNotReachTheCaller() {
        events.executor = task -> {
            throw new LinkageError("a class of the old deployment");
        };
        events.lookup = () -> {
            throw new IllegalStateException("none either");
        };
        assertDoesNotThrow(() -> events.publish(about("lost")));
        assertEquals(List.of(), heard);
    }

    @Test
    void aListenerThatThrowsNeitherReachesTheCallerNorStopsTheOthers() {
        events.executor = DIRECT;
        events.register(e -> {
            throw new IllegalStateException("a closed view");
        });
        events.register(e -> {
            throw new AssertionError("an Error too");
        });
        List<String> last = new CopyOnWriteArrayList<>();
        events.register(e -> last.add("last"));
        assertDoesNotThrow(() -> events.publish(about("n-1")));
        assertEquals(List.of("n-1"), heard);
        assertEquals(List.of("last"), last);
    }
}
