package dev.slm.rollout.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;

/**
 * A rolling rollout: its options as resolved when it was started (counts, not percentages), where it is, and why it
 * paused or ended (db/V13). Its batches and nodes are {@link RolloutBatch} and {@link RolloutNode}.
 */
@Entity
@Table(name = "rollout")
public class Rollout {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private RolloutStatus status;

    @Column(name = "target_commit", nullable = false)
    private String targetCommit;

    @Column(name = "requested_by", nullable = false)
    private String requestedBy;

    @Enumerated(EnumType.STRING)
    @Column(name = "trigger_type", nullable = false)
    private TriggerType trigger;

    @Column(name = "batch_size", nullable = false)
    private int batchSize;

    @Column(name = "batch_count", nullable = false)
    private int batchCount;

    @Column(name = "health_check_delay_s", nullable = false)
    private int healthCheckDelayS;

    @Column(name = "abort_on_failure", nullable = false)
    private boolean abortOnFailure;

    @Column(name = "max_failures")
    private Integer maxFailures;

    private Integer canary;

    @Column(name = "auto_promote", nullable = false)
    private boolean autoPromote;

    @Column(nullable = false)
    private boolean restart;

    @Enumerated(EnumType.STRING)
    @Column(name = "restart_type", nullable = false)
    private RestartType restartType;

    @Column(nullable = false)
    private boolean reinstall;

    @Column(name = "current_batch", nullable = false)
    private int currentBatch;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(nullable = false)
    private Instant deadline;

    @Column(name = "paused_at")
    private Instant pausedAt;

    @Column(name = "ended_at")
    private Instant endedAt;

    @Column(name = "override_window", nullable = false)
    private boolean overrideWindow;

    private String reason;

    /** The options of a rollout, resolved to counts. */
    public record Options(int batchSize, int healthCheckDelayS, boolean abortOnFailure, Integer maxFailures,
                          Integer canary, boolean autoPromote, boolean restart, RestartType restartType,
                          boolean reinstall) {
        /** Failures that stop the rollout: max_failures when set; else the first one, or none when abort_on_failure is off. */
        public int failureLimit() {
            return maxFailures != null ? maxFailures : abortOnFailure ? 1 : Integer.MAX_VALUE;
        }
    }

    protected Rollout() {
    }

    public Rollout(String targetCommit, String requestedBy, TriggerType trigger, Options options, int batchCount,
                   Instant now, Instant deadline) {
        this.status = RolloutStatus.RUNNING;
        this.targetCommit = targetCommit;
        this.requestedBy = requestedBy;
        this.trigger = trigger;
        this.batchSize = options.batchSize();
        this.healthCheckDelayS = options.healthCheckDelayS();
        this.abortOnFailure = options.abortOnFailure();
        this.maxFailures = options.maxFailures();
        this.canary = options.canary();
        this.autoPromote = options.autoPromote();
        this.restart = options.restart();
        this.restartType = options.restartType();
        this.reinstall = options.reinstall();
        this.batchCount = batchCount;
        this.createdAt = now;
        this.updatedAt = now;
        this.deadline = deadline;
    }

    public Long id() { return id; }
    public RolloutStatus status() { return status; }
    public String targetCommit() { return targetCommit; }
    public String requestedBy() { return requestedBy; }
    public TriggerType trigger() { return trigger; }
    public int batchCount() { return batchCount; }
    public int currentBatch() { return currentBatch; }
    public Instant createdAt() { return createdAt; }
    public Instant updatedAt() { return updatedAt; }
    public Instant deadline() { return deadline; }
    public Instant pausedAt() { return pausedAt; }
    public Instant endedAt() { return endedAt; }
    public String reason() { return reason; }

    public Options options() {
        return new Options(batchSize, healthCheckDelayS, abortOnFailure, maxFailures, canary, autoPromote, restart,
                restartType, reinstall);
    }

    public Duration healthCheckDelay() {
        return Duration.ofSeconds(healthCheckDelayS);
    }

    /** The batch after the last planned one: deferred nodes online again are sent there. */
    public int deferredBatch() {
        return batchCount + 1;
    }

    public void startBatch(int number, Instant now) {
        currentBatch = number;
        updatedAt = now;
        if (reason != null && reason.startsWith(WAITING_FOR_WINDOW)) {
            reason = null;
        }
    }

    public static final String WAITING_FOR_WINDOW = "waiting for a maintenance window: ";

    /**
     * Its next batch waits for its nodes' maintenance window ({@code opens}: when it does, null: unknown). The deadline
     * is moved so that the rollout has {@code budget} from the opening: a window closed for the night is no time-out.
     */
    public void waitForWindow(String why, Instant opens, Duration budget, Instant now) {
        String said = WAITING_FOR_WINDOW + why;
        if (!said.equals(reason)) {
            reason = said;
            updatedAt = now;
        }
        if (opens != null && deadline.isBefore(opens.plus(budget))) {
            deadline = opens.plus(budget);
        }
    }

    /** Started with override_window: its batches do not wait for the nodes' maintenance windows. */
    public boolean overridesWindows() {
        return overrideWindow;
    }

    public Rollout overridingWindows(boolean override) {
        this.overrideWindow = override;
        return this;
    }

    public void pause(String why, Instant now) {
        status = RolloutStatus.PAUSED;
        pausedAt = now;
        reason = why;
        updatedAt = now;
    }

    /** The deadline moves on by the time paused: a rollout waiting for an operator is not late. */
    public void resume(String why, Instant now) {
        if (pausedAt != null) {
            deadline = deadline.plus(Duration.between(pausedAt, now));
        }
        status = RolloutStatus.RUNNING;
        pausedAt = null;
        reason = why;
        updatedAt = now;
    }

    public void end(RolloutStatus end, String why, Instant now) {
        if (!end.ended()) {
            throw new IllegalArgumentException(end + " is not an end");
        }
        if (pausedAt != null) {
            deadline = deadline.plus(Duration.between(pausedAt, now));
            pausedAt = null;
        }
        status = end;
        reason = why;
        endedAt = now;
        updatedAt = now;
    }

    public void touch(Instant now) {
        updatedAt = now;
    }
}
