package dev.slm.rollout.entity;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a sync operation. PENDING until the command reaches the agent, SENT once it has; then the agent's
 * reported stages; SUCCEEDED only when the node's heartbeat reports the target commit.
 */
public enum SyncStatus {
    PENDING, SENT, DOWNLOADING, APPLYING, RESTARTING, HEALTH_CHECK, ROLLING_BACK,
    SUCCEEDED, FAILED, ROLLED_BACK, TIMED_OUT;

    public static final Set<SyncStatus> FINAL = EnumSet.of(SUCCEEDED, FAILED, ROLLED_BACK, TIMED_OUT);

    /** Stages an agent may report; SUCCEEDED is not among them (the heartbeat decides it). */
    public static final Set<SyncStatus> REPORTABLE =
            EnumSet.of(DOWNLOADING, APPLYING, RESTARTING, HEALTH_CHECK, ROLLING_BACK, FAILED, ROLLED_BACK);

    /** The statuses of an operation in flight, as an SQL list: {@code ('PENDING', 'SENT', ...)}. */
    public static final String ACTIVE_SQL = java.util.Arrays.stream(values()).filter(s -> !FINAL.contains(s))
            .map(s -> "'" + s.name() + "'").collect(java.util.stream.Collectors.joining(", ", "(", ")"));

    public boolean isFinal() {
        return FINAL.contains(this);
    }
}
