package dev.slm.rollout.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * An update schedule (db/V15): a cron in a zone, what to sync and how. {@code nextFireAt} is what the scheduler acts
 * on; it is moved on in the transaction that records a firing, so that each time fires once.
 */
@Entity
@Table(name = "update_schedule")
public class UpdateSchedule {

    public static final String PARALLEL = "parallel";
    public static final String ROLLING = "rolling";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String cron;

    @Column(nullable = false)
    private String zone;

    @Column(nullable = false)
    private boolean enabled;

    @Column(nullable = false)
    private String strategy;

    @Column(nullable = false)
    private String spec;

    @Column(name = "next_fire_at")
    private Instant nextFireAt;

    @Column(name = "created_by", nullable = false)
    private String createdBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_by", nullable = false)
    private String updatedBy;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    private long version;

    protected UpdateSchedule() {
    }

    public UpdateSchedule(String by, Instant now) {
        this.createdBy = by;
        this.createdAt = now;
        this.updatedBy = by;
        this.updatedAt = now;
    }

    /** Sets everything an operator defines; {@code next} is its first firing after now (null when disabled). */
    public void define(String name, String cron, String zone, boolean enabled, String strategy, ScheduleSpec spec,
                       Instant next, String by, Instant now) {
        this.name = name;
        this.cron = cron;
        this.zone = zone;
        this.enabled = enabled;
        this.strategy = strategy;
        this.spec = spec.toJson();
        this.nextFireAt = next;
        this.updatedBy = by;
        this.updatedAt = now;
    }

    /** After a firing (or a firing found missed): the next time, or null when the cron has none left. */
    public void firedUntil(Instant next) {
        this.nextFireAt = next;
    }

    public Long id() { return id; }
    public String name() { return name; }
    public String cron() { return cron; }
    public String zone() { return zone; }
    public boolean enabled() { return enabled; }
    public String strategy() { return strategy; }
    public boolean rolling() { return ROLLING.equals(strategy); }
    public ScheduleSpec spec() { return ScheduleSpec.fromJson(spec); }
    public Instant nextFireAt() { return nextFireAt; }
    public String createdBy() { return createdBy; }
    public Instant createdAt() { return createdAt; }
    public String updatedBy() { return updatedBy; }
    public Instant updatedAt() { return updatedAt; }
    public long version() { return version; }
}
