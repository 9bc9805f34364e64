package dev.slm.web.live;

import dev.slm.fleet.entity.NodesChanged;
import dev.slm.rollout.entity.RolloutProgress;
import dev.slm.rollout.entity.SyncEvent;
import dev.slm.source.entity.LatestCommitChanged;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.servlet.ServletContext;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * The one broadcaster (the Cargo Tracker pattern): CDI events from the EJB module come in once their transaction
 * has committed, and go out to every registered listener — the open views of every browser and the
 * {@code /ws/events} sockets — on the managed executor, never on the thread that stored the change.
 *
 * Delivering is best effort and never the caller's problem: the caller has stored its change already (a heartbeat
 * answered 500 for a status it had stored, because an observer threw into the heartbeat writer). Whatever goes wrong
 * here — no executor, an executor that refuses work, a listener that throws — is logged, not thrown; an executor that
 * is missing or refuses work is looked up again for the next event, so delivery recovers by itself.
 */
@ApplicationScoped
public class LiveEvents {

    private static final Logger LOG = Logger.getLogger(LiveEvents.class.getName());

    /** The server's default executor: the one {@code @Resource} injects, under its standard name. */
    static final String DEFAULT_EXECUTOR = "java:comp/DefaultManagedExecutorService";

    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    /** A registered listener and how often it has failed: it stays registered; its failures are logged sparingly. */
    private record Listener(Consumer<LiveEvent> consumer, AtomicLong failures) {
    }

    /**
     * Null when the bean was created while the application was still deploying, before the web module had started:
     * Payara then skips {@code @Resource} injection, silently, and an application-scoped bean keeps the null for the
     * server's life. That is how the executor was null on a live server (issue 10): an event fired in that moment
     * created the bean — on a loaded machine the EJB timers' first run (10 s after their start) can fall into it.
     * Shown with a probe event fired from an {@code @Startup} EJB: executor null on every later thread, although
     * {@value #DEFAULT_EXECUTOR} resolved on each of them (the deploying thread, the timer's, the heartbeat writer's).
     */
    @Resource
    ManagedExecutorService injected;

    /** The executor in use; replaced when it is missing or refuses work. */
    volatile Executor executor;

    /** Finds the executor again; a field so that a test can stand in for the server's naming service. */
    Supplier<Executor> lookup = LiveEvents::lookUpDefaultExecutor;

    /** Events not delivered since delivery last worked: the first is logged as a warning, the rest only counted. */
    private final AtomicLong dropped = new AtomicLong();

    @PostConstruct
    void init() {
        executor = injected;
    }

    /**
     * Creates the broadcaster while the web module starts, so that {@code @Resource} is injected unless an earlier
     * event created it already; then the executor is looked up here, in the web module's own start.
     */
    void start(@Observes @Initialized(ApplicationScoped.class) ServletContext context) {
        if (executor == null) {
            LOG.warning("no managed executor was injected into the live events (created before the web module"
                    + " started); looking up " + DEFAULT_EXECUTOR);
            try {
                executor = lookup.get();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "no " + DEFAULT_EXECUTOR + " either; looked up again for each event", e);
            }
        }
    }

    /** @return what unregisters the listener (views call it on detach) */
    public Runnable register(Consumer<LiveEvent> listener) {
        Listener registered = new Listener(listener, new AtomicLong());
        listeners.add(registered);
        return () -> listeners.remove(registered);
    }

    void onSync(@Observes(during = TransactionPhase.AFTER_SUCCESS) SyncEvent e) {
        publish(LiveEvent.of(e));
    }

    void onNodes(@Observes(during = TransactionPhase.AFTER_SUCCESS) NodesChanged e) {
        publish(LiveEvent.nodesChanged(e.nodeIds()));
    }

    void onRollout(@Observes(during = TransactionPhase.AFTER_SUCCESS) RolloutProgress e) {
        publish(LiveEvent.of(e));
    }

    void onPins(@Observes(during = TransactionPhase.AFTER_SUCCESS) dev.slm.fleet.entity.PinsChanged e) {
        publish(LiveEvent.of(e));
    }

    void onLatest(@Observes(during = TransactionPhase.AFTER_SUCCESS) LatestCommitChanged e) {
        publish(LiveEvent.latestChanged(e.latest(), e.pin()));
    }

    /** Hands the event to every listener on the executor; never throws. */
    public void publish(LiveEvent event) {
        try {
            boolean submitted = false;
            for (Listener listener : listeners) {
                submit(() -> deliver(listener, event));
                submitted = true;
            }
            long missed = submitted ? dropped.getAndSet(0) : 0;
            if (missed > 0) {
                LOG.info("live events are delivered again; " + missed + " event(s) were dropped meanwhile");
            }
        } catch (Throwable t) {
            // the caller stored its change already: this must not fail it (nor, spammed, fill the log)
            if (dropped.getAndIncrement() == 0) {
                LOG.log(Level.WARNING, "live events cannot be delivered; they are dropped until the executor works"
                        + " again (looked up as " + DEFAULT_EXECUTOR + " for each event)", t);
            } else {
                LOG.log(Level.FINE, "a live event was dropped", t);
            }
        }
    }

    private void submit(Runnable task) {
        Executor held = executor;
        if (held != null) {
            try {
                held.execute(task);
                return;
            } catch (RejectedExecutionException e) {
                // shut down (the application restarted, the server is stopping): the current one is looked up
            }
        }
        Executor found = lookup.get();
        found.execute(task);
        executor = found;
    }

    /**
     * A listener that throws is logged as a warning the 1st, 10th, 100th… time, with its count (one that fails once
     * usually fails on every event, and a fleet's events come many a second during a rollout), and stays registered:
     * views and sockets unregister themselves.
     */
    private static void deliver(Listener listener, LiveEvent event) {
        try {
            listener.consumer().accept(event);
        } catch (Throwable t) {
            long failures = listener.failures().incrementAndGet();
            boolean powerOfTen = Long.toString(failures).matches("10*");
            LOG.log(powerOfTen ? Level.WARNING : Level.FINE, "a listener of live events (" + listener.consumer()
                    + ") failed, " + failures + " time(s) so far; it goes on receiving", t);
        }
    }

    private static Executor lookUpDefaultExecutor() {
        try {
            return (Executor) new InitialContext().lookup(DEFAULT_EXECUTOR);
        } catch (NamingException e) {
            throw new IllegalStateException("no " + DEFAULT_EXECUTOR + " on this thread", e);
        }
    }
}
