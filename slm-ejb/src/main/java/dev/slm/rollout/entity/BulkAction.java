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

/** One sync of several nodes, asked for at once: its operations carry its id (db/V12). */
@Entity
@Table(name = "bulk_action")
public class BulkAction {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "requested_by", nullable = false)
    private String requestedBy;

    @Enumerated(EnumType.STRING)
    @Column(name = "trigger_type", nullable = false)
    private TriggerType trigger;

    @Column(name = "target_commit", nullable = false)
    private String targetCommit;

    @Column(name = "node_count", nullable = false)
    private int nodeCount;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected BulkAction() {
    }

    public BulkAction(String requestedBy, TriggerType trigger, String targetCommit, int nodeCount, Instant createdAt) {
        this.requestedBy = requestedBy;
        this.trigger = trigger;
        this.targetCommit = targetCommit;
        this.nodeCount = nodeCount;
        this.createdAt = createdAt;
    }

    public Long id() { return id; }
    public String requestedBy() { return requestedBy; }
    public TriggerType trigger() { return trigger; }
    public String targetCommit() { return targetCommit; }
    public int nodeCount() { return nodeCount; }
    public Instant createdAt() { return createdAt; }
}
