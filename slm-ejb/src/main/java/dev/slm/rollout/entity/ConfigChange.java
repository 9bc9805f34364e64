package dev.slm.rollout.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Who created, changed, enabled, disabled or deleted a schedule, when, and what it was before and after (db/V15). */
@Entity
@Table(name = "config_change")
public class ConfigChange {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String kind;

    @Column(name = "object_id", nullable = false)
    private long objectId;

    @Column(name = "object_name", nullable = false)
    private String objectName;

    @Column(nullable = false)
    private String action;

    @Column(name = "changed_by", nullable = false)
    private String changedBy;

    @Column(name = "changed_at", nullable = false)
    private Instant changedAt;

    @Column(name = "before_json")
    private String before;

    @Column(name = "after_json")
    private String after;

    protected ConfigChange() {
    }

    public ConfigChange(String kind, long objectId, String objectName, String action, String by, Instant at,
                        String before, String after) {
        this.kind = kind;
        this.objectId = objectId;
        this.objectName = objectName;
        this.action = action;
        this.changedBy = by;
        this.changedAt = at;
        this.before = before;
        this.after = after;
    }

    public Long id() { return id; }
    public String kind() { return kind; }
    public long objectId() { return objectId; }
    public String objectName() { return objectName; }
    public String action() { return action; }
    public String changedBy() { return changedBy; }
    public Instant changedAt() { return changedAt; }
    public String before() { return before; }
    public String after() { return after; }
}
