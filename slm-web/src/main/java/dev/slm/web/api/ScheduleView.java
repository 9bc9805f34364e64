package dev.slm.web.api;

import dev.slm.rollout.entity.ConfigChange;
import dev.slm.rollout.entity.ScheduleRun;
import dev.slm.rollout.entity.ScheduleSpec;
import dev.slm.rollout.entity.UpdateSchedule;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * An update schedule as the API shows it: its definition (the body a PUT takes, with the defaults filled in), who
 * made and last changed it, its next firing times ({@code next_runs}: {@code at} in the schedule's zone with that
 * day's offset, {@code utc}), and its last run.
 */
public record ScheduleView(long scheduleId, String name, String cron, String zone, boolean enabled, String strategy,
                           List<String> nodeIds, List<String> roles, boolean allOutdated, boolean restart,
                           String restartType, boolean reinstall, String batchSize, Integer healthCheckDelay,
                           Boolean abortOnFailure, String maxFailures, Integer canary, Boolean autoPromote,
                           Integer timeout, String createdBy, Instant createdAt, String updatedBy, Instant updatedAt,
                           Instant nextFireAt, List<NextRun> nextRuns, RunView lastRun) {

    public record NextRun(String at, Instant utc) {
        static NextRun of(ZonedDateTime t) {
            return new NextRun(t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), t.toInstant());
        }
    }

    /**
     * One firing: {@code state} FIRING, FIRED, NOTHING_TO_DO, MISSED, INTERRUPTED or FAILED; what it sent (a rollout
     * or a bulk action of {@code sent} operations, to {@code target_commit}) and the nodes it left out, with why.
     */
    public record RunView(long runId, Long scheduleId, String scheduleName, Instant plannedAt, Instant startedAt,
                          Instant endedAt, String state, String targetCommit, Long rolloutId, Long bulkId, int sent,
                          JsonValue skipped, String detail) {
        static RunView of(ScheduleRun r) {
            return r == null ? null : new RunView(r.id(), r.scheduleId(), r.scheduleName(), r.plannedAt(), r.startedAt(),
                    r.endedAt(), r.state().name(), r.targetCommit(), r.rolloutId(), r.bulkId(), r.sent(),
                    r.skipped() == null ? JsonValue.EMPTY_JSON_ARRAY : Json.createReader(new StringReader(r.skipped())).readArray(),
                    r.detail());
        }
    }

    /** A change to a schedule: who, when, what ({@code created}, {@code changed}...), the definition before and after. */
    public record ChangeView(long changeId, String kind, long objectId, String objectName, String action,
                             String changedBy, Instant changedAt, JsonValue before, JsonValue after) {
        static ChangeView of(ConfigChange c) {
            return new ChangeView(c.id(), c.kind(), c.objectId(), c.objectName(), c.action(), c.changedBy(), c.changedAt(),
                    json(c.before()), json(c.after()));
        }

        private static JsonValue json(String text) {
            return text == null ? JsonValue.NULL : Json.createReader(new StringReader(text)).readValue();
        }
    }

    static ScheduleView of(UpdateSchedule s, List<ZonedDateTime> next, ScheduleRun last) {
        ScheduleSpec p = s.spec();
        return new ScheduleView(s.id(), s.name(), s.cron(), s.zone(), s.enabled(), s.strategy(), p.nodeIds(), p.roles(),
                p.allOutdated(), p.restart(), p.restartType().name().toLowerCase(Locale.ROOT), p.reinstall(),
                p.batchSize(), p.healthCheckDelay(), p.abortOnFailure(), p.maxFailures(), p.canary(), p.autoPromote(),
                p.timeout(), s.createdBy(), s.createdAt(), s.updatedBy(), s.updatedAt(), s.nextFireAt(),
                next.stream().map(NextRun::of).toList(), RunView.of(last));
    }
}
