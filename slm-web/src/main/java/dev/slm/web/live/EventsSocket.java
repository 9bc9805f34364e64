package dev.slm.web.live;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;

/**
 * {@code /ws/events}: the live events as JSON text messages for scripts. The handshake must be authenticated like
 * the API (HTTP Basic, any role: viewers see everything) or come from a logged-in web session; otherwise
 * {@link WebSocketOnlyFilter} refuses it with 401 before the upgrade. A handshake with the session cookie must come
 * from the app's own pages (its {@code Origin}), or another site's page could read the fleet's events: the
 * authentication mechanism refuses it with 403 before it gets here.
 */
@ServerEndpoint("/ws/events")
public class EventsSocket {

    private static final Jsonb JSON = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));

    private Runnable unregister;

    @OnOpen
    public void open(Session session) {
        LiveEvents events = CDI.current().select(LiveEvents.class).get();
        unregister = events.register(e -> {
            if (session.isOpen()) {
                synchronized (session) {
                    try {
                        session.getBasicRemote().sendText(JSON.toJson(e));
                    } catch (IOException | RuntimeException ex) {
                        // closing meanwhile (Tyrus: "Socket is not connected", a RuntimeException): a warning with a
                        // stack for each socket that closed as an event went out
                        close();
                    }
                }
            }
        });
    }

    @OnClose
    public void close() {
        if (unregister != null) {
            unregister.run();
            unregister = null;
        }
    }

    @OnError
    public void error(Throwable t) {
        close();
    }
}
