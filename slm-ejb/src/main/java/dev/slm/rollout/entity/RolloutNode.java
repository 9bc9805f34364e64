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

/** One node of a rollout: its batch, its state and its operation (db/V13). */
@Entity
@Table(name = "rollout_node")
public class RolloutNode {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "rollout_id", nullable = false)
    private long rolloutId;

    @Column(name = "node_id", nullable = false)
    private String nodeId;

    @Column(nullable = false)
    private int position;

    @Column(nullable = false)
    private int batch;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private RolloutNodeState state;

    @Column(name = "operation_id")
    private Long operationId;

    private String detail;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    protected RolloutNode() {
    }

    public RolloutNode(long rolloutId, String nodeId, int position, int batch) {
        this.rolloutId = rolloutId;
        this.nodeId = nodeId;
        this.position = position;
        this.batch = batch;
        this.state = RolloutNodeState.WAITING;
    }

    public long rolloutId() { return rolloutId; }
    public String nodeId() { return nodeId; }
    public int position() { return position; }
    public int batch() { return batch; }
    public RolloutNodeState state() { return state; }
    public Long operationId() { return operationId; }
    public String detail() { return detail; }
    public Instant startedAt() { return startedAt; }
    public Instant finishedAt() { return finishedAt; }

    /** Sent in {@code batch} (its planned one, or the deferred nodes' turn at the end). */
    public void syncing(int batch, long operationId, Instant at) {
        this.batch = batch;
        this.operationId = operationId;
        this.state = RolloutNodeState.SYNCING;
        this.startedAt = at;
        this.detail = null;
    }

    public void end(RolloutNodeState state, String detail, Instant at) {
        this.state = state;
        this.detail = detail;
        this.finishedAt = at;
    }

    public void defer(String why) {
        this.state = RolloutNodeState.DEFERRED;
        this.detail = why;
    }
}
