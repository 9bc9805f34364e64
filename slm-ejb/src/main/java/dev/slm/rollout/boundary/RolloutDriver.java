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
import jakarta.inject.Inject;
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

    @PostConstruct
    void start() {
        // first run well after the start (see SourceTracker: a class first loaded while the web module starts can fail)
        timers.createIntervalTimer(10_000, 1_000, new TimerConfig("rollouts", false));
    }

    @Timeout
    @PermitAll
    void tick() {
        for (long id : rollouts.toAdvance()) {
            try {
                rollouts.advance(id);
            } catch (RuntimeException e) {
                // one rollout's trouble never stops the others; it is tried again at the next tick
                LOG.log(Level.WARNING, "rollout " + id + " could not advance; tried again in a second", e);
            }
        }
    }
}
