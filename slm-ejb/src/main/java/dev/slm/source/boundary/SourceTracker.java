package dev.slm.source.boundary;

import dev.slm.source.entity.CodeStatus;
import dev.slm.platform.InvalidInput;
import dev.slm.access.entity.Role;
import dev.slm.platform.Conflict;
import dev.slm.platform.SlmConfig;
import dev.slm.source.control.DemoRepository;
import dev.slm.source.control.FetchLock;
import dev.slm.source.control.GitMirror.SourceUnavailable;
import dev.slm.source.boundary.Mirror;
import dev.slm.platform.RedactedUrl;
import dev.slm.source.entity.CommitInfo;
import dev.slm.source.entity.LatestCommitChanged;
import dev.slm.source.entity.LatestCommitFetched;
import dev.slm.source.entity.LatestCommitStored;
import dev.slm.source.entity.TrackedSource;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Follows the configured git repository: fetches it on a timer (SLM_FETCH_INTERVAL) and on demand.
 * Only one server instance fetches at a time: the fetch holds a PostgreSQL session advisory lock on a connection of
 * its own. An instance that dies (kill -9 mid-fetch) loses its session and so the lock at once — the lease row with
 * a ten-minute expiry it replaces kept Refresh waiting, then failing, for those ten minutes.
 * <p>
 * A refresh needs the operator role (a method without its own annotation too); the timer, which has no caller,
 * fetches through its open entry point.
 */
@Singleton
@RolesAllowed(Role.Names.OPERATOR)
@Startup
@DependsOn("DatabaseMigrator")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SourceTracker {

    private static final Logger LOG = Logger.getLogger(SourceTracker.class.getName());
    private static final Duration WAIT_FOR_OTHER_FETCH = Duration.ofSeconds(60);
    private static final long FIRST_FETCH_DELAY_MS = 10_000;

    /** Who holds the fetch lock, as pg_stat_activity shows it to another instance. */
    private final String instanceName = "slm fetch " + hostName() + " pid " + ProcessHandle.current().pid();

    @Resource(lookup = "java:app/jdbc/slm")
    DataSource dataSource;

    @Inject
    SlmConfig config;

    @Inject
    SourceStore store;

    @Inject
    Mirror mirror;

    @Resource
    TimerService timers;

    @Inject
    Event<LatestCommitFetched> fetched;

    @Inject
    Event<LatestCommitStored> stored;

    @Inject
    Event<LatestCommitChanged> changed;

    @PostConstruct
    void start() {
        String url = config.gitUrl().orElseGet(this::demoRepository);
        String branch = config.gitUrl().isPresent() ? config.gitBranch() : DemoRepository.BRANCH;
        String path = Mirror.trackedPath(config);
        store.follow(url, branch, path);
        // JGit's classes are loaded now, during deployment: the web module's start that follows reopens the
        // application's jars, and a first class load that falls into that moment fails its static initialiser for
        // good (seen: "zip file closed" in FS.<clinit>, every later fetch failing); the first scheduled fetch comes
        // well after the start for the same reason (an operator's refresh can only come after it anyway)
        mirror.get().repository();
        Duration interval = config.fetchInterval();
        timers.createIntervalTimer(FIRST_FETCH_DELAY_MS, interval.toMillis(), new TimerConfig("git-fetch", false));
        LOG.info(() -> "Tracking " + RedactedUrl.of(url) + " branch '" + branch + "' path '" + path
                + "', fetching every " + interval.toSeconds() + " s");
    }

    private String demoRepository() {
        String url = DemoRepository.ensure(config.dataDir().resolve("demo-repo"));
        LOG.warning("No SLM_GIT_URL configured: tracking the demo repository " + url
                + " (commit to it and refresh to see nodes become outdated)");
        return url;
    }

    @Timeout
    @PermitAll
    void onTimer(Timer timer) {
        try {
            if (PUSH_FETCH.equals(timer.getInfo())) {
                // pushes announced from now on need a fetch of their own: this one may start before they are in
                pushFetchPending.set(false);
                fetchAfterAnyOtherInstance();
            } else {
                fetchIfNoOtherInstanceIs();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "scheduled fetch failed", e);
        }
    }

    private static final String PUSH_FETCH = "git-fetch-push";
    /** A forge's burst of pushes is coalesced: this long after the first, one fetch takes them all. */
    private static final long PUSH_FETCH_DELAY_MS = 250;
    private final java.util.concurrent.atomic.AtomicBoolean pushFetchPending = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * A push to the tracked branch was announced (a verified webhook): one fetch soon, whatever number of pushes
     * arrive until it starts; a push during a fetch gets one more after it. The announcement's commit is not used.
     */
    @PermitAll
    public void pushAnnounced() {
        if (pushFetchPending.compareAndSet(false, true)) {
            timers.createSingleActionTimer(PUSH_FETCH_DELAY_MS, new TimerConfig(PUSH_FETCH, false));
        }
    }

    /** A fetch for a push: after the fetch another instance is running, which may have started before the push. */
    private void fetchAfterAnyOtherInstance() {
        long deadline = System.nanoTime() + WAIT_FOR_OTHER_FETCH.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                try (FetchLock lock = FetchLock.tryTake(dataSource, instanceName)) {
                    if (lock != null) {
                        fetch();
                        return;
                    }
                }
                sleep(200);
            }
            LOG.warning("a push was announced, but another instance has been fetching for over "
                    + WAIT_FOR_OTHER_FETCH.toSeconds() + " s: the next scheduled fetch takes it");
        } catch (SQLException e) {
            LOG.warning("a push was announced, but the database is not reachable: " + e.getMessage());
        }
    }

    /** The timer's fetch: skipped when another instance is fetching. */
    @PermitAll
    public void fetchIfNoOtherInstanceIs() {
        try (FetchLock lock = FetchLock.tryTake(dataSource, instanceName)) {
            if (lock != null) {
                fetch();
            }
        } catch (SQLException e) {
            LOG.warning("scheduled fetch skipped: the database is not reachable: " + e.getMessage());
        }
    }

    /**
     * "Refresh": fetch now, waiting for a fetch another instance is running to finish first.
     *
     * @throws Conflict (409) naming the instance that has been fetching for longer than a minute
     */
    public TrackedSource refresh() {
        long deadline = System.nanoTime() + WAIT_FOR_OTHER_FETCH.toNanos();
        try {
            while (true) {
                try (FetchLock lock = FetchLock.tryTake(dataSource, instanceName)) {
                    if (lock != null) {
                        fetch();
                        return store.current().orElseThrow();
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new Conflict("another server instance (" + FetchLock.holder(dataSource).orElse("gone now")
                            + ") has been fetching for over " + WAIT_FOR_OTHER_FETCH.toSeconds() + " s; try again later");
                }
                sleep(200);
            }
        } catch (SQLException e) {
            throw new Conflict("cannot fetch now: the database is not reachable (" + e.getMessage() + ")");
        }
    }

    /**
     * Fetches and stores the head. What depends on the latest commit is worked out before it is stored (observers of
     * {@link LatestCommitFetched}, with nothing locked) and stored after it (observers of {@link LatestCommitStored},
     * in short transactions of their own): the transaction that stores the commit holds the status lock, which every
     * heartbeat waits for, only for the time of one UPDATE. Recomputing 1,000 nodes' statuses inside it once stalled
     * heartbeats for 30 s (issue 10).
     */
    private void fetch() {
        TrackedSource source = store.current().orElseThrow();
        CommitInfo latest;
        try {
            latest = mirror.get().fetch(source.gitUrl(), source.branch(), credentials(), ssh());
        } catch (SourceUnavailable e) {
            LOG.warning(e.getMessage());
            store.recordFailure(e.getMessage());
            return;
        }
        if (!latest.id().equals(source.latestCommit())) {
            fetched.fire(new LatestCommitFetched(source.latestCommit(), latest.id()));
        }
        String previous = store.recordSuccess(latest);
        stored.fire(new LatestCommitStored(latest.id()));
        if (!latest.id().equals(previous)) {
            changed.fire(new LatestCommitChanged(previous, latest.id()));
        }
    }

    /**
     * Pins the fleet to a commit of the tracked branch: nodes are measured against it, and a sync sends it by default,
     * until {@link #unpin}. A rollback that stays rolled back: a newer commit pushed meanwhile changes no node's status.
     *
     * @throws InvalidInput for a commit that is not the tip or one of its ancestors; Conflict before the first fetch
     */
    public TrackedSource pin(String commit, String by, String reason) {
        TrackedSource source = store.current().filter(s -> s.latestCommit() != null)
                .orElseThrow(() -> new Conflict("the server has not fetched the repository yet: nothing to pin to"));
        mirror.onBranch(commit, "commit", source);
        return changeDesired(commit, by, reason == null || reason.isBlank() ? null : reason.strip(), "pinned");
    }

    /** Lifts the pin: nodes are measured against the branch tip again. @throws Conflict when nothing is pinned */
    public TrackedSource unpin(String by) {
        if (store.current().map(TrackedSource::pinnedCommit).isEmpty()) {
            throw new Conflict("the fleet is not pinned: it follows the branch tip already");
        }
        return changeDesired(null, by, null, "unpinned");
    }

    private TrackedSource changeDesired(String commit, String by, String reason, String what) {
        String previous = store.pin(commit, by, reason);
        TrackedSource now = store.current().orElseThrow();
        LOG.info(() -> "the fleet was " + what + " by " + by + (commit == null ? "; it follows the tip " : " at ")
                + now.desiredCommit() + (reason == null ? "" : " (" + reason + ")"));
        stored.fire(new LatestCommitStored(now.desiredCommit()));
        changed.fire(new LatestCommitChanged(previous, now.desiredCommit(), what));
        return now;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown host";
        }
    }

    /** The deploy key and the pinned host keys for an SSH URL (nothing of the server's own ~/.ssh). */
    private dev.slm.source.control.SshAccess ssh() {
        return new dev.slm.source.control.SshAccess(config.gitSshKey().orElse(null),
                config.gitSshKeyPassphrase().orElse(null), config.gitKnownHosts().orElse(null),
                config.dataDir().resolve("ssh-home"));
    }

    private CredentialsProvider credentials() {
        return config.gitToken()
                .map(token -> (CredentialsProvider) new UsernamePasswordCredentialsProvider(config.gitUsername(), token))
                .orElse(null);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the fetch lock", e);
        }
    }
}
