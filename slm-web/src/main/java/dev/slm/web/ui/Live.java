package dev.slm.web.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import dev.slm.web.live.LiveEvent;
import dev.slm.web.live.LiveEvents;
import java.util.function.Consumer;

/** Subscribes a component to the live events while it is attached; the handler runs inside {@code ui.access}. */
public final class Live {

    private Live() {
    }

    public static void follow(Component component, LiveEvents events, Consumer<LiveEvent> handler) {
        component.addAttachListener(attach -> {
            UI ui = attach.getUI();
            Runnable unregister = events.register(e -> ui.access(() -> handler.accept(e)));
            component.addDetachListener(detach -> {
                unregister.run();
                detach.unregisterListener();
            });
        });
    }
}
