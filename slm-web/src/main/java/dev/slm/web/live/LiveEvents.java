package dev.slm.web.live;

import dev.slm.fleet.entity.NodesChanged;
import dev.slm.rollout.entity.SyncEvent;
import dev.slm.source.entity.LatestCommitChanged;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one broadcaster (the Cargo Tracker pattern): CDI events from the EJB module come in once their transaction
 * has committed, and go out to every registered listener — the open views of every browser and the
 * {@code /ws/events} sockets — on the managed executor, never on the thread that stored the change.
 */
@ApplicationScoped
public class LiveEvents {

    private static final Logger LOG = Logger.getLogger(LiveEvents.class.getName());

    private final CopyOnWriteArrayList<Consumer<LiveEvent>> listeners = new CopyOnWriteArrayList<>();

    @Resource
    ManagedExecutorService executor;

    /** @return what unregisters the listener (views call it on detach) */
    public Runnable register(Consumer<LiveEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void onSync(@Observes(during = TransactionPhase.AFTER_SUCCESS) SyncEvent e) {
        publish(LiveEvent.of(e));
    }

    void onNodes(@Observes(during = TransactionPhase.AFTER_SUCCESS) NodesChanged e) {
        publish(LiveEvent.nodesChanged(e.nodeIds()));
    }

    void onLatest(@Observes(during = TransactionPhase.AFTER_SUCCESS) LatestCommitChanged e) {
        publish(LiveEvent.latestChanged(e.latest()));
    }

    public void publish(LiveEvent event) {
        for (Consumer<LiveEvent> listener : listeners) {
            executor.execute(() -> {
                try {
                    listener.accept(event);
                } catch (RuntimeException ex) {
                    LOG.log(Level.FINE, "a listener of live events failed; it goes on receiving", ex);
                }
            });
        }
    }
}
