package dev.slm.rollout.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.List;
import dev.slm.rollout.entity.SyncEvent;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drives every unfinished rollout once a second from its stored rows ({@link Rollouts#advance}, one transaction per
 * rollout). A timer, not the sync events: an event lost to a crash would leave a rollout waiting forever, while the
 * next tick after a restart simply reads where each one is. A second costs one indexed query when nothing runs, and
 * adds at most a second to each batch (the agents' heartbeats, which end operations, come every few seconds anyway).
 */
@Singleton
@Startup
@DependsOn({"DatabaseMigrator", "SyncLifecycleTable"})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RolloutDriver {

    private static final Logger LOG = Logger.getLogger(RolloutDriver.class.getName());

    @Inject
    Rollouts rollouts;

    @Resource
    TimerService timers;

    /** A nudge is scheduled and not yet run: a burst of 100 ending operations makes one early tick, not 100. */
    private final java.util.concurrent.atomic.AtomicBoolean nudged = new java.util.concurrent.atomic.AtomicBoolean();

    @Inject
    dev.slm.fleet.boundary.Settings settings;

    @Inject
    java.time.Clock clock;

    /**
     * After a restart each node's last report is as old as the downtime, and its agent comes back within its retry
     * pause (Backoff: 60 s at most) plus a heartbeat interval or so: until the offline window and that minute have
     * passed, a node last seen before the start is not taken for offline. A node that finished its update just before
     * a kill -9 was failed "offline during the health check delay" without it.
     */
    private java.time.Instant started = java.time.Instant.MIN;

    @PostConstruct
    void start() {
        started = clock.instant();
        // first run well after the start (see SourceTracker: a class first loaded while the web module starts can fail)
        timers.createIntervalTimer(10_000, 1_000, new TimerConfig("rollouts", false));
    }

    /**
     * An operation ended: a rollout waiting for it moves on now rather than at the next tick, which saved half a second
     * a batch on average (ten batches of ten nodes: the rolling sync against the all-at-once one, bench/rollout.sh).
     * Only a hint: the tick reads everything from the rows anyway.
     */
    @Lock(LockType.READ)
    public void onEnded(@Observes(during = TransactionPhase.AFTER_SUCCESS) SyncEvent e) {
        if (e.kind() != SyncEvent.Kind.PROGRESS && e.kind() != SyncEvent.Kind.STARTED && nudged.compareAndSet(false, true)) {
            timers.createSingleActionTimer(50, new TimerConfig("rollouts-nudge", false));
        }
    }

    @Timeout
    @PermitAll
    void tick() {
        nudged.set(false);
        List<Long> unfinished = rollouts.toAdvance();
        if (unfinished.isEmpty()) {
            return; // the idle server's tick: one query
        }
        // read at each tick: an admin may change the heartbeat interval at any time
        java.time.Instant graceEnd = started.plus(settings.heartbeatInterval().multipliedBy(settings.offlineAfterMissed()))
                .plusSeconds(60);
        for (long id : unfinished) {
            try {
                rollouts.advance(id, started, graceEnd);
            } catch (RuntimeException e) {
                // one rollout's trouble never stops the others; it is tried again at the next tick
                LOG.log(Level.WARNING, "rollout " + id + " could not advance; tried again in a second", e);
            }
        }
    }
}
