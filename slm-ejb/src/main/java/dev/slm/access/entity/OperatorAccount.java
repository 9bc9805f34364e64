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
@NamedQuery(name = OperatorAccount.ENABLED_ADMINS, query = "SELECT a FROM OperatorAccount a"
        + " WHERE a.role = :admin AND a.disabledAt IS NULL ORDER BY a.username")
public class OperatorAccount {

    public static final String COUNT = "OperatorAccount.count";
    public static final String ALL = "OperatorAccount.all";
    public static final String ENABLED_ADMINS = "OperatorAccount.enabledAdmins";

    @Id
    private String username;

    @Column(name = "password_hash", nullable = false)
    private String passwordHash;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Role role;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** When an admin disabled the account; null while it is enabled (db/V10). */
    @Column(name = "disabled_at")
    private Instant disabledAt;

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

    public Instant disabledAt() {
        return disabledAt;
    }

    public boolean disabled() {
        return disabledAt != null;
    }

    /** An enabled admin: the kind of account of which one must always remain. */
    public boolean isEnabledAdmin() {
        return role == Role.ADMIN && disabledAt == null;
    }

    public void changeRole(Role role) {
        this.role = role;
    }

    public void changePasswordHash(String passwordHash) {
        this.passwordHash = passwordHash;
    }

    /** Disables the account (from {@code at}) or enables it; a disabled account disabled again keeps its first time. */
    public void disable(boolean disable, Instant at) {
        if (!disable) {
            disabledAt = null;
        } else if (disabledAt == null) {
            disabledAt = at;
        }
    }
}
