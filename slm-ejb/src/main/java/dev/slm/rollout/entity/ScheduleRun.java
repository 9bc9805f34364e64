package dev.slm.rollout.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One firing time of a schedule and what it did (db/V15): the audit trail of scheduled syncs. */
@Entity
@Table(name = "schedule_run")
public class ScheduleRun {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "schedule_id")
    private Long scheduleId;

    @Column(name = "schedule_name", nullable = false)
    private String scheduleName;

    @Column(name = "planned_at", nullable = false)
    private Instant plannedAt;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    @Column(name = "ended_at")
    private Instant endedAt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private ScheduleRunState state;

    @Column(name = "target_commit")
    private String targetCommit;

    @Column(name = "rollout_id")
    private Long rolloutId;

    @Column(name = "bulk_id")
    private Long bulkId;

    @Column(nullable = false)
    private int sent;

    private String skipped;

    private String detail;

    protected ScheduleRun() {
    }

    public ScheduleRun(UpdateSchedule schedule, Instant plannedAt, ScheduleRunState state, Instant now, String detail) {
        this.scheduleId = schedule.id();
        this.scheduleName = schedule.name();
        this.plannedAt = plannedAt;
        this.startedAt = now;
        this.state = state;
        this.detail = detail;
        if (state != ScheduleRunState.FIRING) {
            this.endedAt = now;
        }
    }

    /** How the firing ended; {@code skipped} is JSON, [{"node_id", "reason"}]. */
    public void end(ScheduleRunState state, String commit, Long rolloutId, Long bulkId, int sent, String skipped,
                    String detail, Instant now) {
        this.state = state;
        this.targetCommit = commit;
        this.rolloutId = rolloutId;
        this.bulkId = bulkId;
        this.sent = sent;
        this.skipped = skipped;
        this.detail = detail;
        this.endedAt = now;
    }

    public Long id() { return id; }
    public Long scheduleId() { return scheduleId; }
    public String scheduleName() { return scheduleName; }
    public Instant plannedAt() { return plannedAt; }
    public Instant startedAt() { return startedAt; }
    public Instant endedAt() { return endedAt; }
    public ScheduleRunState state() { return state; }
    public String targetCommit() { return targetCommit; }
    public Long rolloutId() { return rolloutId; }
    public Long bulkId() { return bulkId; }
    public int sent() { return sent; }
    public String skipped() { return skipped; }
    public String detail() { return detail; }
}
