package dev.slm.fleet.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A key that can only register nodes (db/V18): shown once, stored as its hash, with an expiry, an optional use limit,
 * the roles a node may enrol with (null: any) and whether an enrolled node id may be enrolled again.
 */
@Entity
@Table(name = "enrollment_key")
public class EnrollmentKey {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String name;

    @Column(name = "key_hash", nullable = false)
    private String keyHash;

    @Column(name = "created_by", nullable = false)
    private String createdBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "max_uses")
    private Integer maxUses;

    @Column(nullable = false)
    private int uses;

    private String roles;

    @Column(name = "allow_reenroll", nullable = false)
    private boolean allowReenroll;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Column(name = "revoked_by")
    private String revokedBy;

    protected EnrollmentKey() {
    }

    public EnrollmentKey(String name, String keyHash, String by, Instant at, Instant expiresAt, Integer maxUses,
                         List<String> roles, boolean allowReenroll) {
        this.name = name;
        this.keyHash = keyHash;
        this.createdBy = by;
        this.createdAt = at;
        this.expiresAt = expiresAt;
        this.maxUses = maxUses;
        this.roles = roles == null ? null : String.join(",", roles);
        this.allowReenroll = allowReenroll;
    }

    /** Why the key cannot be used now, or null when it can. */
    public String unusable(Instant now) {
        if (revokedAt != null) {
            return "revoked";
        }
        if (!now.isBefore(expiresAt)) {
            return "expired";
        }
        if (maxUses != null && uses >= maxUses) {
            return "used up";
        }
        return null;
    }

    /** Counts one enrolment. */
    public void used() {
        uses++;
    }

    public void revoke(String by, Instant at) {
        this.revokedBy = by;
        this.revokedAt = at;
    }

    public Long id() { return id; }
    public String name() { return name; }
    public String createdBy() { return createdBy; }
    public Instant createdAt() { return createdAt; }
    public Instant expiresAt() { return expiresAt; }
    public Integer maxUses() { return maxUses; }
    public int uses() { return uses; }
    /** The roles a node may enrol with; null: any. */
    public List<String> roles() {
        return roles == null ? null : roles.isEmpty() ? List.of() : Arrays.asList(roles.split(","));
    }
    public boolean allowReenroll() { return allowReenroll; }
    public Instant revokedAt() { return revokedAt; }
    public String revokedBy() { return revokedBy; }
}
