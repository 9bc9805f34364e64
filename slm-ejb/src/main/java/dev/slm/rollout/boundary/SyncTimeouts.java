package dev.slm.rollout.boundary;

import dev.slm.fleet.boundary.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.logging.Logger;

/**
 * Ends operations that stopped making progress (setting {@code sync_timeout_s}). One idempotent UPDATE, so it is
 * safe on every instance of a cluster; after a server restart it also ends what was in flight and never came back.
 */
@Singleton
@Startup
@DependsOn({"DatabaseMigrator", "SyncLifecycleTable"})
public class SyncTimeouts {

    private static final Logger LOG = Logger.getLogger(SyncTimeouts.class.getName());

    @Inject
    SyncOperations operations;

    @Inject
    Settings settings;

    @Inject
    Clock clock;

    @Resource
    TimerService timers;

    @PostConstruct
    void start() {
        // first run well after the start (see SourceTracker: a class first loaded while the web module starts can fail)
        timers.createIntervalTimer(10_000, 5_000, new TimerConfig("sync-timeouts", false));
    }

    @Timeout
    @PermitAll
    void expire() {
        int ended = operations.timeOutStale(clock.instant().minus(settings.syncTimeout()));
        if (ended > 0) {
            LOG.warning(ended + " sync operation(s) timed out without progress");
        }
    }
}
