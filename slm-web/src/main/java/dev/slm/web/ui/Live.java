package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import dev.slm.web.live.LiveEvent;
import dev.slm.web.live.LiveEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Subscribes a component to the live events while it is attached. Events are handed over in batches, inside
 * {@code ui.access}: whatever arrives while the UI's last batch still waits for its turn joins it, so a fleet
 * rollout's stream of progress reports costs a busy view one refresh per turn, not one per report.
 * <p>
 * Only a page whose browser is there gets events. Changes made to a page whose push connection is broken are kept
 * on the server until the browser comes back, and a browser that never comes back (closed lid, killed tab) used to
 * keep them until its session expired: measured, four such pages with 60 nodes changing every 2 s held 283,000
 * Vaadin state nodes and 490 MiB within three minutes. So a page without its browser, or one that has fallen more
 * than {@value #MOST_WAITING} events behind, gets nothing more and is marked as having missed something; when its
 * browser next shows up (its poll, every 5 s) it gets one {@link LiveEvent#resync()} instead of the queue.
 * {@link UiReaper} closes the page if the browser does not come back.
 */
public final class Live {

    /** Events one page may have waiting; past that one resync is cheaper than the queue. */
    static final int MOST_WAITING = 200;

    private Live() {
    }

    /**
     * Runs {@code refresh} on every poll of the UI while the component is attached (online/offline is a matter of
     * time, not of an event); the listener goes with the component, not with the UI.
     */
    public static void poll(Component component, Runnable refresh) {
        component.addAttachListener(attach -> {
            var registration = attach.getUI().addPollListener(p -> refresh.run());
            component.addDetachListener(detach -> {
                registration.remove();
                detach.unregisterListener();
            });
        });
    }

    /**
     * Hands the live events to {@code handler} while the component is attached and its browser is there. A batch
     * that holds a {@link LiveEvent#resync()} means: events were missed, show everything afresh.
     */
    public static void follow(Component component, LiveEvents events, Consumer<List<LiveEvent>> handler) {
        component.addAttachListener(attach -> {
            UI ui = attach.getUI();
            Follower follower = new Follower(() -> UiReaper.browserIsThere(ui), turn -> ui.access(turn::run), handler);
            Runnable unregister = events.register(follower::offer);
            var poll = attach.getUI().addPollListener(p -> follower.catchUp());
            component.addDetachListener(detach -> {
                unregister.run();
                poll.remove();
                detach.unregisterListener();
            });
        });
    }

    /** One page's side of the live events: what waits for the page's turn, and whether something was dropped. */
    static final class Follower {
        private final BooleanSupplier browserIsThere;
        /** Runs its argument in the page's next turn (session lock held): {@code ui.access}. */
        private final Consumer<Runnable> access;
        private final Consumer<List<LiveEvent>> handler;
        private final ConcurrentLinkedQueue<LiveEvent> waiting = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final AtomicBoolean missed = new AtomicBoolean();

        Follower(BooleanSupplier browserIsThere, Consumer<Runnable> access, Consumer<List<LiveEvent>> handler) {
            this.browserIsThere = browserIsThere;
            this.access = access;
            this.handler = handler;
        }

        /** On the publisher's thread: queue the event for the page's next turn, or note that it was missed. */
        void offer(LiveEvent event) {
            if (!browserIsThere.getAsBoolean() || size.get() >= MOST_WAITING) {
                missed.set(true);
                return;
            }
            waiting.add(event);
            size.incrementAndGet();
            if (scheduled.compareAndSet(false, true)) {
                try {
                    access.accept(this::deliver);
                } catch (UIDetachedException gone) {
                    // the page was closed meanwhile: its detach listener unregisters this follower
                    scheduled.set(false);
                    missed.set(true);
                }
            }
        }

        /** In the page's turn (session lock held). */
        private void deliver() {
            scheduled.set(false);
            List<LiveEvent> batch = new ArrayList<>();
            for (LiveEvent next; (next = waiting.poll()) != null; ) {
                size.decrementAndGet();
                batch.add(next);
            }
            if (missed.getAndSet(false)) {
                batch = List.of(LiveEvent.resync());
            }
            if (!batch.isEmpty()) {
                handler.accept(batch);
            }
        }

        /** On the browser's poll (session lock held): a page that missed events is shown afresh once. */
        void catchUp() {
            if (missed.getAndSet(false)) {
                while (waiting.poll() != null) {
                    size.decrementAndGet();
                }
                handler.accept(List.of(LiveEvent.resync()));
            }
        }
    }
}
