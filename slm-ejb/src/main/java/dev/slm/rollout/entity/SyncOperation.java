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

@Entity
@Table(name = "sync_operation")
public class SyncOperation {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "node_id", nullable = false)
    private String nodeId;

    @Column(name = "from_commit")
    private String fromCommit;

    @Column(name = "target_commit", nullable = false)
    private String targetCommit;

    @Column(nullable = false)
    private boolean restart;

    @Enumerated(EnumType.STRING)
    @Column(name = "restart_type", nullable = false)
    private RestartType restartType;

    @Column(name = "requested_by", nullable = false)
    private String requestedBy;

    @Enumerated(EnumType.STRING)
    @Column(name = "trigger_type", nullable = false)
    private TriggerType trigger;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private SyncStatus status;

    private Integer percent;

    private String message;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    /** The bulk action it is part of (BulkAction), if any. */
    @Column(name = "bulk_id")
    private Long bulkId;

    /** The rolling rollout that sent it (Rollout), if any. */
    @Column(name = "rollout_id")
    private Long rolloutId;

    /** Set when an operator synced the node outside its maintenance window on purpose (db/V16). */
    @Column(name = "window_override")
    private String windowOverride;

    /** When it timed out; kept when it succeeds late (then finished_at is when it succeeded). */
    @Column(name = "timed_out_at", insertable = false, updatable = false)
    private Instant timedOutAt;

    /** The operator who cancelled it (CANCELLED only); written by SyncMoves.cancel, never through JPA. */
    @Column(name = "cancelled_by", insertable = false, updatable = false)
    private String cancelledBy;

    protected SyncOperation() {
    }

    public SyncOperation(String nodeId, String fromCommit, String targetCommit, boolean restart,
                         RestartType restartType, String requestedBy, TriggerType trigger, Instant now) {
        this.nodeId = nodeId;
        this.fromCommit = fromCommit;
        this.targetCommit = targetCommit;
        this.restart = restart;
        this.restartType = restartType;
        this.requestedBy = requestedBy;
        this.trigger = trigger;
        this.status = SyncStatus.PENDING;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public Long id() { return id; }
    public String nodeId() { return nodeId; }
    public String fromCommit() { return fromCommit; }
    public String targetCommit() { return targetCommit; }
    public boolean restart() { return restart; }
    public RestartType restartType() { return restartType; }
    public String requestedBy() { return requestedBy; }
    public TriggerType trigger() { return trigger; }
    public SyncStatus status() { return status; }
    public Integer percent() { return percent; }
    public String message() { return message; }
    public Instant createdAt() { return createdAt; }
    public Instant updatedAt() { return updatedAt; }
    public Instant finishedAt() { return finishedAt; }
    public Instant timedOutAt() { return timedOutAt; }
    public Long bulkId() { return bulkId; }
    public Long rolloutId() { return rolloutId; }

    /** Before it is persisted: part of this bulk action. */
    public SyncOperation partOf(Long bulk) {
        this.bulkId = bulk;
        return this;
    }

    /** Before it is persisted: sent by this rollout. */
    /** Records that it was sent outside the node's window on purpose ({@code what}: which window, by whom). */
    public SyncOperation overriding(String what) {
        this.windowOverride = what;
        return this;
    }

    public String windowOverride() { return windowOverride; }

    public SyncOperation sentBy(Long rollout) {
        this.rolloutId = rollout;
        return this;
    }

    public String cancelledBy() { return cancelledBy; }

    /** Succeeded after it had timed out: the node reported the target commit late. */
    public boolean late() {
        return status == SyncStatus.SUCCEEDED && timedOutAt != null;
    }
}
