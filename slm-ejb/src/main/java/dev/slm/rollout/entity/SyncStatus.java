package dev.slm.rollout.entity;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The states of a sync operation and {@link #NEXT}, the one table of the moves between them.
 *
 * PENDING until the command reaches the agent, SENT once it has; then the stages the agent reports, only forwards;
 * SUCCEEDED only when the node's heartbeat reports the target commit (late too: an operation that TIMED_OUT may
 * still succeed); CANCELLED when an operator withdrew it before its agent claimed it (only from PENDING). Every writer moves an operation with a statement guarded by {@link #sqlFrom}, so a duplicate or
 * out-of-order report matches nothing; the database refuses any other move by itself (db/V7: the table is written
 * to {@code sync_transition} at start, a trigger checks every change of status against it), so a new writer cannot
 * bypass it. docs/protocol.md shows the table.
 */
public enum SyncStatus {
    PENDING, SENT, DOWNLOADING, APPLYING, RESTARTING, HEALTH_CHECK, ROLLING_BACK,
    SUCCEEDED, FAILED, ROLLED_BACK, TIMED_OUT, CANCELLED;

    /** No operation leaves these, except TIMED_OUT → SUCCEEDED (a late success). */
    public static final Set<SyncStatus> FINAL = EnumSet.of(SUCCEEDED, FAILED, ROLLED_BACK, TIMED_OUT, CANCELLED);

    /** Stages an agent may report; SUCCEEDED is not among them (the heartbeat decides it). */
    public static final Set<SyncStatus> REPORTABLE =
            EnumSet.of(DOWNLOADING, APPLYING, RESTARTING, HEALTH_CHECK, ROLLING_BACK, FAILED, ROLLED_BACK);

    /** The states an operation may be created in. */
    public static final Set<SyncStatus> STARTS = EnumSet.of(PENDING);

    /** A command in these states is (re)delivered to the agent: it may have lost the answer that carried it. */
    public static final Set<SyncStatus> DELIVERABLE = EnumSet.of(PENDING, SENT);

    /**
     * Every move an operation may make. A stage may follow itself (progress within it: percent, message) and any
     * later stage (an agent skips RESTARTING when no restart was asked); never an earlier one. Who makes each move:
     * the heartbeat delivers (→ SENT) and ends (→ SUCCEEDED); the agent reports the stages, FAILED and ROLLED_BACK;
     * the timer ends what made no progress (→ TIMED_OUT); an operator cancels what no agent has claimed (→ CANCELLED).
     */
    public static final Map<SyncStatus, Set<SyncStatus>> NEXT = table();

    private static Map<SyncStatus, Set<SyncStatus>> table() {
        Map<SyncStatus, Set<SyncStatus>> next = new EnumMap<>(SyncStatus.class);
        // an agent's report proves the command reached it, even if the answer that marked it SENT was lost to us
        // only a command no agent has claimed can be withdrawn: once SENT, the agent may be installing it already
        next.put(PENDING, EnumSet.of(SENT, DOWNLOADING, APPLYING, RESTARTING, HEALTH_CHECK, ROLLING_BACK,
                SUCCEEDED, FAILED, ROLLED_BACK, TIMED_OUT, CANCELLED));
        next.put(SENT, EnumSet.of(DOWNLOADING, APPLYING, RESTARTING, HEALTH_CHECK, ROLLING_BACK,
                SUCCEEDED, FAILED, ROLLED_BACK, TIMED_OUT));
        next.put(DOWNLOADING, EnumSet.of(DOWNLOADING, APPLYING, RESTARTING, HEALTH_CHECK, ROLLING_BACK,
                SUCCEEDED, FAILED, ROLLED_BACK, TIMED_OUT));
        next.put(APPLYING, EnumSet.of(APPLYING, RESTARTING, HEALTH_CHECK, ROLLING_BACK,
                SUCCEEDED, FAILED, ROLLED_BACK, TIMED_OUT));
        next.put(RESTARTING, EnumSet.of(RESTARTING, HEALTH_CHECK, ROLLING_BACK, SUCCEEDED, FAILED, ROLLED_BACK, TIMED_OUT));
        next.put(HEALTH_CHECK, EnumSet.of(HEALTH_CHECK, ROLLING_BACK, SUCCEEDED, FAILED, ROLLED_BACK, TIMED_OUT));
        // a node that rolls back returns to its previous commit: it cannot succeed from here
        next.put(ROLLING_BACK, EnumSet.of(ROLLING_BACK, FAILED, ROLLED_BACK, TIMED_OUT));
        // the node reports the target after the timeout (SyncMoves.succeedLate: only its newest operation, only while the
        // node has run nothing else meanwhile)
        next.put(TIMED_OUT, EnumSet.of(SUCCEEDED));
        next.put(SUCCEEDED, EnumSet.noneOf(SyncStatus.class));
        next.put(FAILED, EnumSet.noneOf(SyncStatus.class));
        next.put(ROLLED_BACK, EnumSet.noneOf(SyncStatus.class));
        // a cancelled command never reaches an agent, so nothing it could report may bring it back (nor a late success)
        next.put(CANCELLED, EnumSet.noneOf(SyncStatus.class));
        next.replaceAll((from, to) -> java.util.Collections.unmodifiableSet(to));
        return java.util.Collections.unmodifiableMap(next);
    }

    public boolean isFinal() {
        return FINAL.contains(this);
    }

    public boolean canMoveTo(SyncStatus to) {
        return NEXT.get(this).contains(to);
    }

    /** The states from which an operation may move to {@code to}. */
    public static Set<SyncStatus> from(SyncStatus to) {
        return Arrays.stream(values()).filter(s -> s.canMoveTo(to))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(SyncStatus.class)));
    }

    /**
     * The guard of a statement that moves operations to {@code to}, as an SQL list ({@code ('PENDING', 'SENT')}),
     * narrowed to the active or the final states: a heartbeat ends active operations one way and timed-out ones
     * another.
     */
    public static String sqlFrom(SyncStatus to, boolean active) {
        return sql(from(to).stream().filter(s -> s.isFinal() != active).toList());
    }

    /** The statuses as an SQL list of literals; the names are this enum's, never input. */
    public static String sql(Collection<SyncStatus> statuses) {
        if (statuses.isEmpty()) {
            throw new IllegalArgumentException("an empty status list matches nothing: a mistake in the table");
        }
        return statuses.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(", ", "(", ")"));
    }
}
