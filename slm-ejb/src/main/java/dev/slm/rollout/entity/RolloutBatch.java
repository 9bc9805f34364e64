package dev.slm.rollout.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One batch of a rollout, from when it was sent: its timestamps prove the health gate (db/V13). */
@Entity
@Table(name = "rollout_batch")
public class RolloutBatch {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "rollout_id", nullable = false)
    private long rolloutId;

    @Column(nullable = false)
    private int number;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    /** Every node of the batch ended its sync: the health check delay runs from here. */
    @Column(name = "settled_at")
    private Instant settledAt;

    @Column(name = "ended_at")
    private Instant endedAt;

    protected RolloutBatch() {
    }

    public RolloutBatch(long rolloutId, int number, Instant startedAt) {
        this.rolloutId = rolloutId;
        this.number = number;
        this.startedAt = startedAt;
    }

    public long rolloutId() { return rolloutId; }
    public int number() { return number; }
    public Instant startedAt() { return startedAt; }
    public Instant settledAt() { return settledAt; }
    public Instant endedAt() { return endedAt; }

    public void settle(Instant at) {
        if (settledAt == null) {
            settledAt = at;
        }
    }

    public void end(Instant at) {
        settle(at);
        endedAt = at;
    }
}
