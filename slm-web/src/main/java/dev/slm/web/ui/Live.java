package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import dev.slm.web.live.LiveEvent;
import dev.slm.web.live.LiveEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Subscribes a component to the live events while it is attached. Events are handed over in batches, inside
 * {@code ui.access}: whatever arrives while the UI's last batch still waits for its turn joins it, so a fleet
 * rollout's stream of progress reports costs a busy view one refresh per turn, not one per report.
 */
public final class Live {

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

    public static void follow(Component component, LiveEvents events, Consumer<List<LiveEvent>> handler) {
        component.addAttachListener(attach -> {
            UI ui = attach.getUI();
            ConcurrentLinkedQueue<LiveEvent> waiting = new ConcurrentLinkedQueue<>();
            AtomicBoolean scheduled = new AtomicBoolean();
            Runnable unregister = events.register(e -> {
                waiting.add(e);
                if (scheduled.compareAndSet(false, true)) {
                    ui.access(() -> {
                        scheduled.set(false);
                        List<LiveEvent> batch = new ArrayList<>();
                        for (LiveEvent next; (next = waiting.poll()) != null; ) {
                            batch.add(next);
                        }
                        if (!batch.isEmpty()) {
                            handler.accept(batch);
                        }
                    });
                }
            });
            component.addDetachListener(detach -> {
                unregister.run();
                detach.unregisterListener();
            });
        });
    }
}
