package dev.slm.fleet.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An operator-changeable setting, kept in the database so every server instance sees the same value. */
@Entity
@Table(name = "setting")
public class Setting {

    public static final String HEARTBEAT_INTERVAL_S = "heartbeat_interval_s";
    public static final String OFFLINE_AFTER_MISSED = "offline_after_missed_heartbeats";
    public static final String SYNC_TIMEOUT_S = "sync_timeout_s";
    public static final String SCHEDULE_MISSED_GRACE_S = "schedule_missed_grace_s";

    @Id
    private String name;

    @Column(nullable = false)
    private String value;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Setting() {
    }

    public Setting(String name, String value, Instant updatedAt) {
        this.name = name;
        this.value = value;
        this.updatedAt = updatedAt;
    }

    public String name() { return name; }
    public String value() { return value; }
    public Instant updatedAt() { return updatedAt; }

    public void change(String value, Instant at) {
        this.value = value;
        this.updatedAt = at;
    }
}
