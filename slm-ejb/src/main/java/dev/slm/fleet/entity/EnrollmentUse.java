package dev.slm.fleet.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One node enrolled with a key: which, when, from where, and whether it replaced an enrolled node's token. */
@Entity
@Table(name = "enrollment_use")
public class EnrollmentUse {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "key_id", nullable = false)
    private long keyId;

    @Column(name = "node_id", nullable = false)
    private String nodeId;

    @Column(name = "used_at", nullable = false)
    private Instant usedAt;

    @Column(name = "remote_address")
    private String remoteAddress;

    @Column(nullable = false)
    private boolean reenrolled;

    protected EnrollmentUse() {
    }

    public EnrollmentUse(long keyId, String nodeId, Instant at, String remoteAddress, boolean reenrolled) {
        this.keyId = keyId;
        this.nodeId = nodeId;
        this.usedAt = at;
        this.remoteAddress = remoteAddress == null || remoteAddress.length() <= 64 ? remoteAddress
                : remoteAddress.substring(0, 64);
        this.reenrolled = reenrolled;
    }

    public long keyId() { return keyId; }
    public String nodeId() { return nodeId; }
    public Instant usedAt() { return usedAt; }
    public String remoteAddress() { return remoteAddress; }
    public boolean reenrolled() { return reenrolled; }
}
