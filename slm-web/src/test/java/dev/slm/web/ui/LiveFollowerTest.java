package dev.slm.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.vaadin.flow.component.UIDetachedException;
import dev.slm.web.live.LiveEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * One page's side of the live events, with the page's turns in the test's hands: what arrives before the page's turn
 * joins one batch, and a page without its browser, or too far behind, gets one resync instead of the queue.
 */
class LiveFollowerTest {

    boolean browserIsThere = true;
    /** The page's turns asked for and not yet taken ({@code ui.access}). */
    final List<Runnable> turns = new ArrayList<>();
    final List<List<LiveEvent>> batches = new ArrayList<>();
    Consumer<Runnable> access = turns::add;
    final Live.Follower follower = new Live.Follower(() -> browserIsThere, turn -> access.accept(turn), batches::add);

    @Test
    void eventsThatArriveBeforeThePagesTurnAreHandedOverAsOneBatchInOrder() {
        LiveEvent a = event("a");
        LiveEvent b = event("b");
        LiveEvent c = event("c");
        follower.offer(a);
        follower.offer(b);
        follower.offer(c);
        assertEquals(1, turns.size(), "one turn asked for, however many events wait");
        takeTurns();
        assertEquals(List.of(List.of(a, b, c)), batches);

        LiveEvent d = event("d");
        follower.offer(d);
        assertEquals(1, turns.size(), "the next event asks for a turn of its own");
        takeTurns();
        assertEquals(List.of(List.of(a, b, c), List.of(d)), batches);
    }

    @Test
    void aPageWithoutItsBrowserGetsNothingAndThenOneResyncWhenItsBrowserPolls() {
        browserIsThere = false;
        for (int i = 0; i < 50; i++) {
            follower.offer(event("n" + i));
        }
        assertEquals(List.of(), turns, "nothing is queued for a page whose browser is gone");
        browserIsThere = true;
        follower.catchUp();
        assertEquals(List.of(List.of("resync")), shown());
        follower.catchUp();
        assertEquals(1, batches.size(), "one resync, not one per poll");
    }

    @Test
    void aPageTooFarBehindStopsQueueingAndGetsOneResyncInsteadOfTheQueue() {
        for (int i = 0; i < Live.MOST_WAITING + 50; i++) {
            follower.offer(event("n" + i));
        }
        takeTurns();
        assertEquals(List.of(List.of("resync")), shown(), "the queue of " + Live.MOST_WAITING
                + " is dropped for one resync");
        follower.offer(event("after"));
        takeTurns();
        assertEquals(List.of(List.of("resync"), List.of("after")), shown(), "and it follows again, one event at a time");
    }

    @Test
    void theBrowsersPollDropsTheQueueOfAPageThatMissedEventsForOneResync() {
        follower.offer(event("a"));
        browserIsThere = false;
        follower.offer(event("missed"));
        browserIsThere = true;
        follower.catchUp();
        assertEquals(List.of(List.of("resync")), shown());
        takeTurns();
        assertEquals(1, batches.size(), "the turn asked for before finds nothing left to hand over");
    }

    @Test
    void aPageClosedBeforeItsTurnCountsAsHavingMissedEventsAndAsksForATurnAgainLater() {
        access = turn -> {
            throw new UIDetachedException();
        };
        follower.offer(event("a"));
        access = turns::add;
        follower.offer(event("b"));
        assertEquals(1, turns.size(), "a turn is asked for again");
        takeTurns();
        assertEquals(List.of(List.of("resync")), shown(), "what waited was missed: shown afresh");
    }

    @Test
    void aPollWithNothingMissedHandsNothingOver() {
        follower.catchUp();
        assertEquals(List.of(), batches);
        follower.offer(event("a"));
        follower.catchUp();
        assertEquals(List.of(), batches, "events wait for their turn, not for the poll");
        takeTurns();
        assertEquals(List.of(List.of(event("a"))), batches);
    }

    private void takeTurns() {
        List<Runnable> now = new ArrayList<>(turns);
        turns.clear();
        now.forEach(Runnable::run);
    }

    /** A status change of one node; at a fixed instant, so that two of them are equal. */
    private static LiveEvent event(String node) {
        return new LiveEvent("node.code_status_changed", Instant.EPOCH, null, null, null, null, null, Set.of(node), null, null);
    }

    /** The batches as the nodes they name, a resync as "resync". */
    private List<List<String>> shown() {
        return batches.stream().map(b -> b.stream().map(e -> e.isResync() ? "resync" : String.join(",", e.nodeIds()))
                .toList()).toList();
    }
}
