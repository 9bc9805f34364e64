package dev.slm.web.live;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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

    @Test
    void aListenerThatKeepsFailingIsWarnedAboutAtTheFirstAndTenthFailureAndKeepsReceiving() {
        events.executor = DIRECT;
        List<Integer> calls = new CopyOnWriteArrayList<>();
        events.register(e -> {
            calls.add(calls.size());
            throw new IllegalStateException("a socket gone");
        });
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel() == Level.WARNING) {
                    warnings.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(LiveEvents.class.getName());
        log.addHandler(capture);
        try {
            for (int i = 0; i < 12; i++) {
                events.publish(about("n-" + i));
            }
        } finally {
            log.removeHandler(capture);
        }
        assertEquals(12, calls.size());
        assertEquals(12, heard.size(), "the other listener heard every event");
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(1).contains("10 time(s)"), warnings.toString());
    }

    /** Created by an event while the application still deployed, the bean had no executor injected, for good. */
    @Test
    void aBroadcasterCreatedBeforeTheWebModuleStartedLooksItsExecutorUpWhenTheWebModuleStarts() {
        events.lookup = () -> DIRECT;
        events.start(null);
        assertEquals(DIRECT, events.executor);
    }
}
