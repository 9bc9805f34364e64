package dev.slm.access.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "operator_account")
@NamedQuery(name = OperatorAccount.COUNT, query = "SELECT COUNT(a) FROM OperatorAccount a")
@NamedQuery(name = OperatorAccount.ALL, query = "SELECT a FROM OperatorAccount a ORDER BY a.username")
public class OperatorAccount {

    public static final String COUNT = "OperatorAccount.count";
    public static final String ALL = "OperatorAccount.all";

    @Id
    private String username;

    @Column(name = "password_hash", nullable = false)
    private String passwordHash;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Role role;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected OperatorAccount() {
    }

    public OperatorAccount(String username, String passwordHash, Role role, Instant createdAt) {
        this.username = username;
        this.passwordHash = passwordHash;
        this.role = role;
        this.createdAt = createdAt;
    }

    public String username() {
        return username;
    }

    public String passwordHash() {
        return passwordHash;
    }

    public Role role() {
        return role;
    }

    public Instant createdAt() {
        return createdAt;
    }
}
