package dev.slm.rollout.boundary;

import dev.slm.access.entity.Role;
import dev.slm.fleet.boundary.Settings;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import dev.slm.rollout.control.ConfigNames;
import dev.slm.rollout.control.CronSchedule;
import dev.slm.rollout.control.RolloutStarts;
import dev.slm.rollout.control.Targets;
import dev.slm.rollout.entity.ConfigChange;
import dev.slm.rollout.entity.ScheduleRun;
import dev.slm.rollout.entity.ScheduleSpec;
import dev.slm.rollout.entity.UpdateSchedule;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Update schedules: created, changed, enabled, disabled and deleted by operators (each change recorded with what it
 * was before and after), fired by {@link Scheduler}. A schedule is checked whole when it is saved — cron, zone,
 * targets, the rollout options — so that a firing at 02:00 fails only for what changed since (a node removed, a
 * commit that cannot be installed), and says so in its run.
 */
@Stateless
@RolesAllowed(Role.Names.OPERATOR)
public class Schedules {

    public static final int MAX_NAME = ConfigNames.MAX;
    /** Every one is looked at by the scheduler and drawn on /updates: a fleet's needs, not a script's loop. */
    public static final int MAX_SCHEDULES = 200;
    /** The firing times a schedule shows ahead (the "next 5"). */
    public static final int NEXT = 5;

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Settings settings;

    /** What an operator defines; null {@code enabled} is true, null {@code strategy} is parallel. */
    public record Definition(String name, String cron, String zone, Boolean enabled, String strategy, ScheduleSpec spec) {
    }

    /** @throws InvalidInput naming the field; Conflict when another schedule has the name */
    public UpdateSchedule create(Definition d, String by) {
        Checked c = check(d);
        requireFreeName(c.name(), null);
        if (em.createQuery("SELECT COUNT(s) FROM UpdateSchedule s", Long.class).getSingleResult() >= MAX_SCHEDULES) {
            throw new Conflict("there are " + MAX_SCHEDULES + " schedules already, the most there may be: delete one first");
        }
        Instant now = clock.instant();
        UpdateSchedule s = new UpdateSchedule(by, now);
        s.define(c.name(), c.cron().expression(), c.cron().zone().getId(), c.enabled(), c.strategy(), d.spec(),
                c.enabled() ? c.cron().nextAfter(now).orElse(null) : null, by, now);
        em.persist(s);
        em.flush();
        audit(s, "created", by, null, now);
        return s;
    }

    /** Replaces the definition; the next firing is computed again from now. @throws NotFound, InvalidInput, Conflict */
    public UpdateSchedule update(long id, Definition d, String by) {
        UpdateSchedule s = locked(id);
        Checked c = check(d);
        requireFreeName(c.name(), id);
        String before = json(s);
        Instant now = clock.instant();
        // a time that has come and that the scheduler has not taken yet (it looks every 10 s) stays due: an edit at
        // 02:00:03 must not drop that night's sync without a trace
        Instant due = s.enabled() && s.nextFireAt() != null && !s.nextFireAt().isAfter(now) ? s.nextFireAt() : null;
        Instant next = !c.enabled() ? null : due != null ? due : c.cron().nextAfter(now).orElse(null);
        if (json(c.name(), c.cron().expression(), c.cron().zone().getId(), c.enabled(), c.strategy(), d.spec()).equals(before)) {
            return s; // the same definition again (a form saved twice): nothing changed, nothing to record
        }
        s.define(c.name(), c.cron().expression(), c.cron().zone().getId(), c.enabled(), c.strategy(), d.spec(), next, by, now);
        em.flush();
        audit(s, "changed", by, before, now);
        return s;
    }

    /** Enables (from the next firing after now: nothing missed while disabled is made up) or disables it. */
    public UpdateSchedule enable(long id, boolean enabled, String by) {
        UpdateSchedule s = locked(id);
        if (s.enabled() == enabled) {
            return s;
        }
        String before = json(s);
        Instant now = clock.instant();
        CronSchedule cron = CronSchedule.parse(s.cron(), s.zone());
        s.define(s.name(), s.cron(), s.zone(), enabled, s.strategy(), s.spec(),
                enabled ? cron.nextAfter(now).orElse(null) : null, by, now);
        em.flush();
        audit(s, enabled ? "enabled" : "disabled", by, before, now);
        return s;
    }

    /** Deletes it; its runs stay in the audit trail under its name. */
    public void delete(long id, String by) {
        UpdateSchedule s = locked(id);
        String before = json(s);
        audit(s, "deleted", by, before, clock.instant());
        em.remove(s);
    }

    @PermitAll
    public List<UpdateSchedule> all() {
        return em.createQuery("SELECT s FROM UpdateSchedule s ORDER BY lower(s.name), s.id", UpdateSchedule.class)
                .getResultList();
    }

    @PermitAll
    public Optional<UpdateSchedule> find(long id) {
        return Optional.ofNullable(em.find(UpdateSchedule.class, id));
    }

    /** Its next {@link #NEXT} firing times from now, in its zone (none when disabled). */
    @PermitAll
    public List<ZonedDateTime> next(UpdateSchedule s) {
        if (!s.enabled()) {
            return List.of();
        }
        return CronSchedule.parse(s.cron(), s.zone()).next(clock.instant(), NEXT);
    }

    /**
     * The next {@link #NEXT} firing times of a cron in a zone, as a form previews them while an operator types.
     *
     * @throws InvalidInput saying what is wrong with the cron or the zone
     */
    @PermitAll
    public List<ZonedDateTime> preview(String cron, String zone) {
        try {
            return CronSchedule.parse(cron, zone).next(clock.instant(), NEXT);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(e.getMessage());
        }
    }

    /** A cron in words, as the form shows it beside the field. @throws InvalidInput as {@link #preview} */
    @PermitAll
    public String describe(String cron, String zone) {
        try {
            return CronSchedule.parse(cron, zone).describe();
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(e.getMessage());
        }
    }

    /** The newest firings, of one schedule or (null) of all, newest first. */
    @PermitAll
    public List<ScheduleRun> runs(Long scheduleId, int limit) {
        // two queries, not ":id IS NULL OR ...": PostgreSQL cannot type a parameter that is only compared with NULL
        return (scheduleId == null
                ? em.createQuery("SELECT r FROM ScheduleRun r ORDER BY r.id DESC", ScheduleRun.class)
                : em.createQuery("SELECT r FROM ScheduleRun r WHERE r.scheduleId = :id ORDER BY r.id DESC", ScheduleRun.class)
                        .setParameter("id", scheduleId))
                .setMaxResults(limit).getResultList();
    }

    /** The newest changes to schedules, newest first. */
    @PermitAll
    public List<ConfigChange> changes(int limit) {
        return changes("schedule", limit, em);
    }

    static List<ConfigChange> changes(String kind, int limit, EntityManager em) {
        return em.createQuery("SELECT c FROM ConfigChange c WHERE c.kind = :kind ORDER BY c.id DESC", ConfigChange.class)
                .setParameter("kind", kind).setMaxResults(limit).getResultList();
    }

    private record Checked(String name, CronSchedule cron, boolean enabled, String strategy) {
    }

    private Checked check(Definition d) {
        String name = ConfigNames.checked(d.name());
        CronSchedule cron;
        try {
            cron = CronSchedule.parse(d.cron(), d.zone());
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(e.getMessage());
        }
        String strategy = d.strategy() == null ? UpdateSchedule.PARALLEL : d.strategy();
        if (!strategy.equals(UpdateSchedule.PARALLEL) && !strategy.equals(UpdateSchedule.ROLLING)) {
            throw new InvalidInput("strategy must be parallel or rolling");
        }
        ScheduleSpec spec = d.spec();
        if (spec == null || !spec.hasTargets()) {
            throw new InvalidInput("targets: name the nodes in node_ids or roles, or set all_outdated to true");
        }
        Targets.check(em, spec.nodeIds(), spec.roles());
        Rollouts.Request rollout = request(spec);
        if (strategy.equals(UpdateSchedule.ROLLING)) {
            RolloutStarts.check(rollout);
        } else {
            List<String> given = rolloutOptions(spec);
            if (!given.isEmpty()) {
                throw new InvalidInput(String.join(", ", given) + (given.size() == 1 ? " applies" : " apply")
                        + " to a rolling schedule only: set \"strategy\": \"rolling\", or leave them out");
            }
        }
        return new Checked(name, cron, d.enabled() == null || d.enabled(), strategy);
    }

    /** The rollout a rolling schedule starts: to the desired commit at firing time (no target commit of its own). */
    static Rollouts.Request request(ScheduleSpec s) {
        return new Rollouts.Request(s.nodeIds(), s.roles(), s.allOutdated(), null, s.batchSize(), s.healthCheckDelay(),
                s.abortOnFailure(), s.maxFailures(), s.canary(), s.autoPromote(), s.restart(), s.restartType(),
                s.reinstall(), s.timeout(), false);
    }

    private static List<String> rolloutOptions(ScheduleSpec s) {
        List<String> given = new java.util.ArrayList<>();
        if (s.batchSize() != null) given.add("batch_size");
        if (s.healthCheckDelay() != null) given.add("health_check_delay");
        if (s.abortOnFailure() != null) given.add("abort_on_failure");
        if (s.maxFailures() != null) given.add("max_failures");
        if (s.canary() != null) given.add("canary");
        if (s.autoPromote() != null) given.add("auto_promote");
        if (s.timeout() != null) given.add("timeout");
        return given;
    }

    private void requireFreeName(String name, Long self) {
        ConfigNames.requireFree(em, "UpdateSchedule", "schedule", name, self);
    }

    private UpdateSchedule locked(long id) {
        UpdateSchedule s = em.find(UpdateSchedule.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (s == null) {
            throw new NotFound("no schedule " + id);
        }
        return s;
    }

    private void audit(UpdateSchedule s, String action, String by, String before, Instant now) {
        em.persist(new ConfigChange("schedule", s.id(), s.name(), action, by, now, before,
                action.equals("deleted") ? null : json(s)));
    }

    /** The schedule as an operator defines it (what the audit shows before and after a change). */
    static String json(UpdateSchedule s) {
        return json(s.name(), s.cron(), s.zone(), s.enabled(), s.strategy(), s.spec());
    }

    private static String json(String name, String cron, String zone, boolean enabled, String strategy, ScheduleSpec spec) {
        return Json.createObjectBuilder()
                .add("name", name).add("cron", cron).add("zone", zone).add("enabled", enabled).add("strategy", strategy)
                .add("spec", Json.createReader(new StringReader(spec.toJson())).readObject())
                .build().toString();
    }
}
