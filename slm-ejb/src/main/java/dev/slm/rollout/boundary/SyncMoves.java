package dev.slm.rollout.boundary;

import static dev.slm.rollout.entity.SyncStatus.CANCELLED;
import static dev.slm.rollout.entity.SyncStatus.PENDING;
import static dev.slm.rollout.entity.SyncStatus.SENT;
import static dev.slm.rollout.entity.SyncStatus.SUCCEEDED;
import static dev.slm.rollout.entity.SyncStatus.TIMED_OUT;

import dev.slm.rollout.entity.RestartType;
import dev.slm.rollout.entity.SyncCommand;
import dev.slm.rollout.entity.SyncEvent;
import dev.slm.rollout.entity.SyncStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every statement that changes an operation's status, and only here. Each is guarded by the states
 * {@link SyncStatus#NEXT} allows to move to its target, so a duplicate or out-of-order report, a second server
 * instance or a timer racing a heartbeat matches no row instead of moving an operation backwards; the database's
 * trigger (db/V7) refuses whatever would still slip past. Plain JDBC on the caller's connection: the heartbeat
 * writer calls these on its own connection in batches, the EJBs inside their transaction.
 */
public final class SyncMoves {

    /** A command waiting for its agent, or sent and not yet started (the answer carrying it may have been lost). */
    private static final String DELIVERABLE = "SELECT id, node_id, target_commit, restart, restart_type, created_at, status"
            + " FROM sync_operation WHERE node_id = ANY(?) AND status IN " + SyncStatus.sql(SyncStatus.DELIVERABLE);
    /**
     * Returns what it marked: a PENDING command the read above saw may have been cancelled (or moved on) before this
     * statement, which then matches no row (it waits for the cancel's row lock and checks the status again), and such
     * a command must not go out.
     */
    private static final String MARK_SENT = "UPDATE sync_operation SET status = '" + SENT + "', updated_at = ?"
            + " WHERE node_id = ANY(?) AND status IN " + SyncStatus.sqlFrom(SENT, true) + " RETURNING id";

    /**
     * An operator withdraws a command no agent has claimed (the table allows CANCELLED only from PENDING): a SENT one
     * may be installing already. A delivery racing it either marked the row SENT first (then this matches nothing)
     * or finds it CANCELLED (MARK_SENT above).
     */
    private static final String CANCEL = "UPDATE sync_operation SET status = '" + CANCELLED + "', updated_at = ?,"
            + " finished_at = ?, message = ?, cancelled_by = ? WHERE id = ? AND status IN "
            + SyncStatus.sqlFrom(CANCELLED, true) + " RETURNING node_id";

    static final String SUCCEEDED_MESSAGE = "the node reports the target commit";
    /**
     * A sync succeeds when, and only when, the node reports the target commit. A reinstall (the node ran the target
     * already) succeeds only once its agent has worked on it — reported a stage — and is idle again: before, the
     * node's next heartbeat ended it SUCCEEDED before its agent had even been sent the command.
     */
    private static final String SUCCEED = "UPDATE sync_operation o SET status = '" + SUCCEEDED + "', percent = 100,"
            + " updated_at = ?, finished_at = ?, message = '" + SUCCEEDED_MESSAGE + "'"
            + " FROM unnest(?::text[], ?::text[], ?::text[]) AS v(id, code, state)"
            + " WHERE o.node_id = v.id AND o.target_commit = v.code AND o.status IN " + SyncStatus.sqlFrom(SUCCEEDED, true)
            + " AND (o.from_commit IS DISTINCT FROM o.target_commit OR (o.status NOT IN ('" + PENDING + "', '" + SENT + "')"
            + " AND v.state IS DISTINCT FROM 'APPLYING'))"
            + " RETURNING o.id, o.node_id, o.status";

    public static final String LATE_MESSAGE = "the node reports the target commit, after the sync timeout";
    /**
     * A node whose newest operation timed out and that now reports its target: the operation succeeded late, so
     * history and the node's status agree. The node reporting any other commit than the one it ran before the sync
     * closes that chance for good (it was given other code meanwhile). One look-up in the (node_id, created_at)
     * index per node, only for nodes whose commit or status changed or that have an operation in flight.
     */
    private static final String SUCCEED_LATE = "UPDATE sync_operation o SET may_succeed_late = false,"
            + " status = CASE WHEN o.target_commit = v.code THEN '" + SUCCEEDED + "' ELSE o.status END,"
            + " percent = CASE WHEN o.target_commit = v.code THEN 100 ELSE o.percent END,"
            + " message = CASE WHEN o.target_commit = v.code THEN '" + LATE_MESSAGE + "' ELSE o.message END,"
            + " updated_at = CASE WHEN o.target_commit = v.code THEN ? ELSE o.updated_at END,"
            + " finished_at = CASE WHEN o.target_commit = v.code THEN ? ELSE o.finished_at END"
            + " FROM unnest(?::text[], ?::text[]) AS v(id, code)"
            + " WHERE o.id = (SELECT l.id FROM sync_operation l WHERE l.node_id = v.id ORDER BY l.created_at DESC, l.id DESC LIMIT 1)"
            + " AND o.status IN " + SyncStatus.sqlFrom(SUCCEEDED, false) + " AND o.may_succeed_late AND v.code IS NOT NULL"
            + " AND (o.target_commit = v.code OR o.from_commit IS DISTINCT FROM v.code)"
            + " RETURNING o.id, o.node_id, o.status";

    static final String TIMED_OUT_MESSAGE = "no progress reported before the sync timeout";
    private static final String TIME_OUT = "UPDATE sync_operation SET status = '" + TIMED_OUT + "', finished_at = ?,"
            + " timed_out_at = ?, may_succeed_late = true, updated_at = ?, message = '" + TIMED_OUT_MESSAGE + "'"
            + " WHERE status IN " + SyncStatus.sqlFrom(TIMED_OUT, true) + " AND updated_at < ?"
            + " RETURNING id, node_id";

    /** One guarded statement per reportable stage: the states that may move to it. */
    private static final Map<SyncStatus, String> REPORT = new java.util.EnumMap<>(SyncStatus.class);

    static {
        for (SyncStatus stage : SyncStatus.REPORTABLE) {
            REPORT.put(stage, "UPDATE sync_operation SET status = ?, percent = ?, message = ?, updated_at = ?,"
                    + " finished_at = ? WHERE id = ? AND status IN " + SyncStatus.sqlFrom(stage, true));
        }
    }

    private static final String STAGE_LOG = "INSERT INTO sync_progress (operation_id, at, stage, percent, message)"
            + " VALUES (?, ?, ?, ?, ?)";

    /** What became of a stage an agent reported. */
    public enum Reported {
        /** the operation is at that stage now (or further within it), and the report is in its stage log */
        MOVED,
        /** a duplicate of a stage the operation has left, or a stage before the one it is at: changes nothing */
        IGNORED,
        /** the operation has ended: the report is refused */
        ENDED,
        /** no such operation (any more: removing a node removes its operations) */
        GONE
    }

    private SyncMoves() {
    }

    /**
     * The commands waiting for these nodes' agents, marked SENT. A command already SENT is handed out again: the
     * agent ignores one it has (its state file names the operation), and one it lost is not lost for good.
     */
    public static Map<String, SyncCommand> deliver(Connection c, Collection<String> nodes, Instant now) throws SQLException {
        Map<String, SyncCommand> commands = new HashMap<>();
        Set<Long> pending = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement(DELIVERABLE)) {
            s.setArray(1, c.createArrayOf("text", nodes.toArray(String[]::new)));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    commands.put(rs.getString(2), new SyncCommand(rs.getLong(1), rs.getString(2), rs.getString(3),
                            rs.getBoolean(4), RestartType.valueOf(rs.getString(5)), rs.getTimestamp(6).toInstant()));
                    if (SyncStatus.valueOf(rs.getString(7)) != SENT) {
                        pending.add(rs.getLong(1));
                    }
                }
            }
        }
        if (!pending.isEmpty()) {
            Set<Long> marked = new HashSet<>();
            try (PreparedStatement s = c.prepareStatement(MARK_SENT)) {
                s.setTimestamp(1, Timestamp.from(now));
                s.setArray(2, c.createArrayOf("text", commands.keySet().toArray(String[]::new)));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        marked.add(rs.getLong(1));
                    }
                }
            }
            // cancelled (or ended) between the read and the mark: never handed to the agent
            pending.removeAll(marked);
            commands.values().removeIf(command -> pending.contains(command.operationId()));
        }
        return commands;
    }

    /** What became of an operator's cancel: {@code status} is the operation's status after it, null when there is none. */
    public record Cancel(boolean cancelled, SyncStatus status, String nodeId) {
    }

    /** Cancels the operation if the table allows it (it is PENDING); otherwise says what it is. */
    public static Cancel cancel(Connection c, long operation, String by, String message, Instant now) throws SQLException {
        Timestamp at = Timestamp.from(now);
        try (PreparedStatement s = c.prepareStatement(CANCEL)) {
            s.setTimestamp(1, at);
            s.setTimestamp(2, at);
            s.setString(3, message);
            s.setString(4, by);
            s.setLong(5, operation);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    return new Cancel(true, CANCELLED, rs.getString(1));
                }
            }
        }
        return new Cancel(false, status(c, operation), null);
    }

    /** Ends the active operations whose target their node now reports ({@code codes[i]} is {@code nodes[i]}'s). */
    /** @param states each node's agent state as it reported it (IDLE, APPLYING; null when it said none) */
    public static List<SyncEvent> succeed(Connection c, String[] nodes, String[] codes, String[] states, Instant now)
            throws SQLException {
        return succeed(c, SUCCEED, nodes, codes, states, now, SUCCEEDED_MESSAGE);
    }

    /** Ends late the timed-out operations whose target their node now reports, or closes that chance. */
    public static List<SyncEvent> succeedLate(Connection c, String[] nodes, String[] codes, Instant now) throws SQLException {
        return succeed(c, SUCCEED_LATE, nodes, codes, null, now, LATE_MESSAGE);
    }

    /** Runs one of the two statements that end operations SUCCEEDED; each returns (id, node, status) per row. */
    private static List<SyncEvent> succeed(Connection c, String statement, String[] nodes, String[] codes, String[] states,
                                           Instant now, String message) throws SQLException {
        List<SyncEvent> completed = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(statement)) {
            s.setTimestamp(1, Timestamp.from(now));
            s.setTimestamp(2, Timestamp.from(now));
            s.setArray(3, c.createArrayOf("text", nodes));
            s.setArray(4, c.createArrayOf("text", codes));
            if (states != null) {
                s.setArray(5, c.createArrayOf("text", states));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    // the late statement also closes the chance of operations that did not succeed
                    if (SUCCEEDED.name().equals(rs.getString(3))) {
                        completed.add(SyncEvent.of(SUCCEEDED, rs.getLong(1), rs.getString(2), 100, message));
                    }
                }
            }
        }
        return completed;
    }

    /** Records a stage the agent reported, if the table allows the move; {@code stage} is one of REPORTABLE. */
    public static Reported report(Connection c, long operation, SyncStatus stage, Integer percent, String message,
                                  Instant now) throws SQLException {
        String statement = REPORT.get(stage);
        if (statement == null) {
            throw new IllegalArgumentException(stage + " is not a stage an agent reports");
        }
        Timestamp at = Timestamp.from(now);
        int moved;
        try (PreparedStatement s = c.prepareStatement(statement)) {
            s.setString(1, stage.name());
            s.setObject(2, percent, java.sql.Types.INTEGER);
            s.setString(3, message);
            s.setTimestamp(4, at);
            s.setTimestamp(5, stage.isFinal() ? at : null);
            s.setLong(6, operation);
            moved = s.executeUpdate();
        }
        if (moved == 0) {
            SyncStatus current = status(c, operation);
            return current == null ? Reported.GONE : current.isFinal() ? Reported.ENDED : Reported.IGNORED;
        }
        try (PreparedStatement s = c.prepareStatement(STAGE_LOG)) {
            s.setLong(1, operation);
            s.setTimestamp(2, at);
            s.setString(3, stage.name());
            s.setObject(4, percent, java.sql.Types.INTEGER);
            s.setString(5, message);
            s.executeUpdate();
        }
        return Reported.MOVED;
    }

    /** Ends as TIMED_OUT every active operation without progress since {@code before}. */
    public static List<SyncEvent> timeOut(Connection c, Instant before, Instant now) throws SQLException {
        List<SyncEvent> ended = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(TIME_OUT)) {
            Timestamp at = Timestamp.from(now);
            s.setTimestamp(1, at);
            s.setTimestamp(2, at);
            s.setTimestamp(3, at);
            s.setTimestamp(4, Timestamp.from(before));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ended.add(SyncEvent.of(TIMED_OUT, rs.getLong(1), rs.getString(2), null, TIMED_OUT_MESSAGE));
                }
            }
        }
        return ended;
    }

    /** The operation's status, null when there is no such operation. */
    private static SyncStatus status(Connection c, long operation) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT status FROM sync_operation WHERE id = ?")) {
            s.setLong(1, operation);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? SyncStatus.valueOf(rs.getString(1)) : null;
            }
        }
    }
}
