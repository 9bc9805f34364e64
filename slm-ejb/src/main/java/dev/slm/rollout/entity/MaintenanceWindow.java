package dev.slm.rollout.entity;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonString;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A maintenance window (db/V16): open for {@code duration} from each time of its cron in its zone, over the nodes it
 * covers (all, or by id and role). ALLOW: a covered node is synced only while one of its allow windows is open. DENY:
 * never while it is open, whatever allows.
 */
@Entity
@Table(name = "maintenance_window")
public class MaintenanceWindow {

    public enum Kind { ALLOW, DENY }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Kind kind;

    @Column(nullable = false)
    private String cron;

    @Column(name = "duration_s", nullable = false)
    private int durationS;

    @Column(nullable = false)
    private String zone;

    @Column(name = "all_nodes", nullable = false)
    private boolean allNodes;

    @Column(name = "node_ids", nullable = false)
    private String nodeIds;

    @Column(nullable = false)
    private String roles;

    @Column(nullable = false)
    private boolean enabled;

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

    protected MaintenanceWindow() {
    }

    public MaintenanceWindow(String by, Instant now) {
        this.createdBy = by;
        this.createdAt = now;
        this.updatedBy = by;
        this.updatedAt = now;
    }

    public void define(String name, Kind kind, String cron, Duration duration, String zone, boolean allNodes,
                       List<String> nodeIds, List<String> roles, boolean enabled, String by, Instant now) {
        this.name = name;
        this.kind = kind;
        this.cron = cron;
        this.durationS = (int) duration.toSeconds();
        this.zone = zone;
        this.allNodes = allNodes;
        this.nodeIds = json(nodeIds);
        this.roles = json(roles);
        this.enabled = enabled;
        this.updatedBy = by;
        this.updatedAt = now;
    }

    private static String json(List<String> values) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        (values == null ? List.<String>of() : values).forEach(a::add);
        return a.build().toString();
    }

    private static List<String> list(String json) {
        return Json.createReader(new StringReader(json)).readArray().getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList();
    }

    public Long id() { return id; }
    public String name() { return name; }
    public Kind kind() { return kind; }
    public String cron() { return cron; }
    public Duration duration() { return Duration.ofSeconds(durationS); }
    public String zone() { return zone; }
    public boolean allNodes() { return allNodes; }
    public List<String> nodeIds() { return list(nodeIds); }
    public List<String> roles() { return list(roles); }
    public boolean enabled() { return enabled; }
    public String createdBy() { return createdBy; }
    public Instant createdAt() { return createdAt; }
    public String updatedBy() { return updatedBy; }
    public Instant updatedAt() { return updatedAt; }
}
