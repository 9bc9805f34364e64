package dev.slm.rollout.boundary;

import dev.slm.fleet.boundary.NodeQueries;
import dev.slm.fleet.boundary.Settings;
import dev.slm.packages.boundary.NotDeployable;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import dev.slm.rollout.control.CronSchedule;
import dev.slm.rollout.control.Firing;
import dev.slm.rollout.control.RolloutStarts;
import dev.slm.rollout.control.SyncRequests;
import dev.slm.rollout.control.WindowRules;
import dev.slm.rollout.control.Windows;
import dev.slm.rollout.entity.BulkAction;
import dev.slm.rollout.entity.ScheduleRun;
import dev.slm.rollout.entity.ScheduleRunState;
import dev.slm.rollout.entity.ScheduleSpec;
import dev.slm.rollout.entity.TriggerType;
import dev.slm.rollout.entity.UpdateSchedule;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fires the update schedules (issue 14). Every 10 s it looks for enabled schedules whose {@code next_fire_at} has come
 * (one indexed query when none has), and for each:
 * <ol>
 * <li><b>claims</b> it in one transaction: the row locked ({@code FOR UPDATE SKIP LOCKED}: a second server instance
 * passes it by), the firing recorded as FIRING (or the times missed as MISSED, {@link Firing}), {@code next_fire_at}
 * moved on. Committed before anything is sent, so that a time is claimed once however many instances share the
 * database or the server restarts — {@code schedule_run}'s unique (schedule, planned time) is the second guard;</li>
 * <li><b>fires</b> it through the one sync path with the trigger SCHEDULE, to the desired commit of that moment: a
 * rollout (one transaction) or one operation per node (each its own, as a bulk sync does), leaving out — and
 * recording why — the nodes offline, busy, in a rollout, or on the desired commit already;</li>
 * <li><b>records</b> what it did on the run (FIRED, NOTHING_TO_DO, FAILED with the reason).</li>
 * </ol>
 * A server that dies between 1 and 3 leaves the run FIRING; ten minutes later it is marked INTERRUPTED (what was
 * created stands, visible in the history), never fired again: a sync sent twice is worse than one sent in part.
 * <p>
 * The scheduler acts for the operators who set the schedules up (their role was checked then); it calls the sync
 * path's control classes directly, as {@link Rollouts} does, so no caller role is needed at firing time.
 */
@Singleton
@Startup
@DependsOn({"DatabaseMigrator", "SyncLifecycleTable"})
@TransactionManagement(TransactionManagementType.BEAN)
public class Scheduler {

    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());

    /** A firing still FIRING after this long was cut short by a stop of its server (10,000 operations take ~1 min). */
    static final Duration INTERRUPTED_AFTER = Duration.ofMinutes(10);

    @PersistenceContext
    EntityManager em;

    @Resource
    UserTransaction tx;

    @Resource
    TimerService timers;

    @Inject
    Clock clock;

    @Inject
    Settings settings;

    @Inject
    RolloutStarts starts;

    @Inject
    SyncRequests requests;

    @Inject
    SyncPlans plans;

    @Inject
    NodeQueries queries;

    @Inject
    WindowRules windowRules;

    /** When this server started: its agents' reports are as old as its downtime until they come back. */
    private Instant started = Instant.MIN;

    @PostConstruct
    void start() {
        started = clock.instant();
        // first run well after the start (see SourceTracker: a class first loaded while the web module starts can fail)
        timers.createIntervalTimer(12_000, 10_000, new TimerConfig("schedules", false));
    }

    @Timeout
    @PermitAll
    void tick() {
        try {
            markInterrupted();
            for (long id : due()) {
                try {
                    if (inTransaction(() -> agentsMayStillComeBack(id))) {
                        continue; // looked at again at the next tick; the time stays due (and within the grace)
                    }
                    fire(id);
                } catch (Exception e) {
                    // one schedule's trouble never stops the others'
                    LOG.log(Level.WARNING, "schedule " + id + " could not fire; its run says why", e);
                }
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "the scheduler's tick failed; it runs again in 10 s", e);
        }
    }

    /**
     * Just after a start, a node last seen before it is not offline but not back yet (an agent retries within a
     * minute): a parallel firing made up then would leave every node out as offline. Until the offline window and a
     * minute have passed since the start, a schedule with such targets waits, as a rollout's batch does
     * (RolloutDriver). A rolling schedule need not: its rollout waits by itself.
     */
    private boolean agentsMayStillComeBack(long id) {
        Instant now = clock.instant();
        if (!now.isBefore(started.plus(settings.heartbeatInterval().multipliedBy(settings.offlineAfterMissed()))
                .plusSeconds(60))) {
            return false;
        }
        UpdateSchedule s = em.find(UpdateSchedule.class, id);
        if (s == null || s.rolling()) {
            return false;
        }
        List<String> targets = new ArrayList<>(targets(s.spec()));
        for (int from = 0; from < targets.size(); from += 1000) {
            long silent = em.createQuery("SELECT COUNT(n) FROM Node n WHERE n.id IN :ids AND n.lastSeen < :started"
                            + " AND n.lastSeen < :recent", Long.class)
                    .setParameter("ids", targets.subList(from, Math.min(targets.size(), from + 1000)))
                    .setParameter("started", started)
                    .setParameter("recent", now.minus(settings.heartbeatInterval().multipliedBy(settings.offlineAfterMissed())))
                    .getSingleResult();
            if (silent > 0) {
                return true;
            }
        }
        return false;
    }

    /** A schedule's targets now: its node ids, the nodes of its roles, and with all_outdated the nodes behind. */
    private LinkedHashSet<String> targets(ScheduleSpec spec) {
        LinkedHashSet<String> targets = new LinkedHashSet<>(spec.nodeIds());
        for (String role : spec.roles()) {
            targets.addAll(RolloutStarts.nodesOfRole(queries, role));
        }
        if (spec.allOutdated()) {
            targets.addAll(queries.needingUpdateIds());
        }
        return targets;
    }

    private List<Long> due() throws Exception {
        return inTransaction(() -> em.createQuery("SELECT s.id FROM UpdateSchedule s WHERE s.enabled = TRUE"
                        + " AND s.nextFireAt <= :now ORDER BY s.nextFireAt", Long.class)
                .setParameter("now", clock.instant()).getResultList());
    }

    private void markInterrupted() throws Exception {
        inTransaction(() -> {
            Instant now = clock.instant();
            for (ScheduleRun r : em.createQuery("SELECT r FROM ScheduleRun r WHERE r.state = :firing AND r.startedAt < :before",
                            ScheduleRun.class).setParameter("firing", ScheduleRunState.FIRING)
                    .setParameter("before", now.minus(INTERRUPTED_AFTER)).getResultList()) {
                r.end(ScheduleRunState.INTERRUPTED, r.targetCommit(), r.rolloutId(), r.bulkId(), r.sent(), r.skipped(),
                        "the server stopped while this firing sent its nodes: the operations it created stand (see the"
                                + " history), the others were not sent", now);
            }
            return null;
        });
    }

    /** Claims the schedule's due time(s), then fires the one to run. */
    void fire(long id) throws Exception {
        Optional<Claim> claim = inTransaction(() -> claim(id));
        if (claim.isEmpty()) {
            return;
        }
        Claim c = claim.get();
        try {
            inTransaction(() -> {
                Outcome o = c.rolling() ? rollout(c) : parallel(c);
                ScheduleRun run = em.find(ScheduleRun.class, c.runId());
                run.end(o.state(), o.commit(), o.rolloutId(), o.bulkId(), o.sent(), o.skipped(), o.detail(), clock.instant());
                return null;
            });
        } catch (Exception e) {
            String why = e instanceof NotDeployable || e instanceof Conflict || e instanceof InvalidInput
                    || e instanceof NotFound ? e.getMessage() : "the firing failed: " + e;
            inTransaction(() -> {
                ScheduleRun run = em.find(ScheduleRun.class, c.runId());
                run.end(ScheduleRunState.FAILED, null, null, null, 0, null, why, clock.instant());
                return null;
            });
            if (!(e instanceof NotDeployable || e instanceof Conflict || e instanceof InvalidInput || e instanceof NotFound)) {
                throw e;
            }
        }
    }

    record Claim(long runId, String name, boolean rolling, ScheduleSpec spec, String by) {
    }

    private Optional<Claim> claim(long id) {
        // another instance that claims it now holds the lock: pass it by; it moves next_fire_at on
        List<?> locked = em.createNativeQuery("SELECT id FROM update_schedule WHERE id = ?1 AND enabled FOR UPDATE SKIP LOCKED")
                .setParameter(1, id).getResultList();
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        UpdateSchedule s = em.find(UpdateSchedule.class, id);
        Instant now = clock.instant();
        if (s.nextFireAt() == null || s.nextFireAt().isAfter(now)) {
            return Optional.empty(); // fired by another instance between our query and the lock
        }
        Duration grace = settings.scheduleMissedGrace();
        Firing firing;
        try {
            firing = Firing.decide(CronSchedule.parse(s.cron(), s.zone()), s.nextFireAt(), now, grace);
        } catch (IllegalArgumentException e) {
            // only a zone the JVM's rules no longer know could do this: say so once, and stop
            em.persist(new ScheduleRun(s, s.nextFireAt(), ScheduleRunState.FAILED, now, e.getMessage()));
            s.firedUntil(null);
            return Optional.empty();
        }
        if (firing.missed() > 0) {
            em.persist(new ScheduleRun(s, firing.firstMissed(), ScheduleRunState.MISSED, now, firing.missedDetail(grace)));
        }
        s.firedUntil(firing.next().orElse(null));
        if (firing.run().isEmpty()) {
            return Optional.empty();
        }
        ScheduleRun run = new ScheduleRun(s, firing.run().get(), ScheduleRunState.FIRING, now, null);
        em.persist(run);
        em.flush();
        LOG.info("schedule '" + s.name() + "' fires for " + firing.run().get());
        return Optional.of(new Claim(run.id(), s.name(), s.rolling(), s.spec(), s.updatedBy()));
    }

    record Outcome(ScheduleRunState state, String commit, Long rolloutId, Long bulkId, int sent, String skipped,
                   String detail) {
    }

    /** A rollout of the targets to the desired commit; nodes held elsewhere or on it already are left out, and said. */
    private Outcome rollout(Claim c) {
        Rollouts.Started started;
        try {
            started = starts.start(Schedules.request(c.spec()), c.by(), TriggerType.SCHEDULE, true);
        } catch (InvalidInput | Conflict e) {
            // no node matches, or every one runs the desired commit already: nothing to do; anything else (a canary
            // as large as the nodes it found) is a failure the operator must hear of
            String said = String.valueOf(e.getMessage());
            boolean nothing = said.startsWith("no node matches") || said.startsWith("nothing to roll out");
            return new Outcome(nothing ? ScheduleRunState.NOTHING_TO_DO : ScheduleRunState.FAILED, null, null, null, 0,
                    null, e.getMessage());
        }
        JsonArrayBuilder skipped = Json.createArrayBuilder();
        started.left().forEach(l -> skipped.add(Json.createObjectBuilder().add("node_id", l.nodeId()).add("reason", l.reason())));
        return new Outcome(ScheduleRunState.FIRED, started.rollout().targetCommit(), started.rollout().id(), null,
                started.rollout().batchCount() == 0 ? 0 : count(started), skipped.build().toString(),
                "rollout " + started.rollout().id() + " started");
    }

    private int count(Rollouts.Started started) {
        return ((Number) em.createQuery("SELECT COUNT(n) FROM RolloutNode n WHERE n.rolloutId = :id")
                .setParameter("id", started.rollout().id()).getSingleResult()).intValue();
    }

    /** One operation per node that needs the desired commit and can take it now; the others left out, with why. */
    private Outcome parallel(Claim c) throws Exception {
        ScheduleSpec spec = c.spec();
        LinkedHashSet<String> targets = targets(spec);
        String commit = requests.deployableTarget(null);
        SyncPlans.Plan plan = plans.plan(targets);
        List<String> wanted = new ArrayList<>(plan.toSend(false));
        if (spec.reinstall()) {
            wanted.addAll(plan.of(SyncPlans.Part.UP_TO_DATE));
        }
        JsonArrayBuilder skipped = Json.createArrayBuilder();
        int skippedCount = 0;
        // a schedule never overrides a window: a node outside its own is left out, and said
        Windows windows = windowRules.now();
        List<String> send = new ArrayList<>();
        for (String node : wanted) {
            dev.slm.fleet.entity.Node n = windows.none() ? null : em.find(dev.slm.fleet.entity.Node.class, node);
            Windows.Verdict v = n == null ? null : windows.check(node, n.roles());
            if (v == null || v.allowed()) {
                send.add(node);
            } else {
                skipped.add(Json.createObjectBuilder().add("node_id", node).add("reason", "outside window: " + v.reason()));
                skippedCount++;
            }
        }
        for (SyncPlans.Part part : SyncPlans.Part.values()) {
            if (part.sentByDefault() || (spec.reinstall() && part == SyncPlans.Part.UP_TO_DATE)) {
                continue;
            }
            for (String node : plan.of(part)) {
                skipped.add(Json.createObjectBuilder().add("node_id", node).add("reason", reason(part)));
                skippedCount++;
            }
        }
        if (send.isEmpty()) {
            return new Outcome(ScheduleRunState.NOTHING_TO_DO, commit, null, null, 0, skipped.build().toString(),
                    targets.isEmpty() ? "no node matches the targets" : "no target needed the desired commit or could take it now ("
                            + skippedCount + " left out)");
        }
        // the claim's transaction is this one: the bulk action and each operation commit on their own below
        tx.commit();
        Long bulk = null;
        int sent = 0;
        try {
            // one bulk action even for one node: the run links its operations through it (History by schedule)
            tx.begin();
            BulkAction b = new BulkAction(c.by(), TriggerType.SCHEDULE, commit, send.size(), clock.instant());
            em.persist(b);
            em.flush();
            bulk = b.id();
            tx.commit();
            for (String node : send) {
                tx.begin();
                try {
                    requests.create(node, commit, new SyncRequests.Ask(spec.restart(), spec.restartType(), c.by(),
                            TriggerType.SCHEDULE, spec.reinstall(), null, bulk, null));
                    tx.commit();
                    sent++;
                } catch (RuntimeException e) {
                    // busy, held or removed since the plan: left out like the others, the rest go on
                    tx.rollback();
                    skipped.add(Json.createObjectBuilder().add("node_id", node).add("reason", e.getMessage() == null
                            ? e.toString() : e.getMessage()));
                }
            }
        } finally {
            tx.begin(); // the caller's transaction records the outcome
        }
        return new Outcome(sent > 0 ? ScheduleRunState.FIRED : ScheduleRunState.NOTHING_TO_DO, commit, null, bulk, sent,
                skipped.build().toString(), sent + " node" + (sent == 1 ? "" : "s") + " sent");
    }

    private static String reason(SyncPlans.Part part) {
        return switch (part) {
            case OFFLINE -> "offline";
            case BUSY -> "busy: a sync is in flight";
            case UP_TO_DATE -> "up to date: on the desired commit already";
            case MISSING -> "no such node (removed since)";
            default -> part.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private <T> T inTransaction(Callable<T> work) throws Exception {
        tx.begin();
        try {
            T result = work.call();
            tx.commit();
            return result;
        } catch (Exception | Error e) {
            if (tx.getStatus() == Status.STATUS_ACTIVE || tx.getStatus() == Status.STATUS_MARKED_ROLLBACK) {
                tx.rollback();
            }
            throw e;
        }
    }
}
