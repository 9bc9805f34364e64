package dev.slm.rollout.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.rollout.control.SyncLifecycleTable;
import dev.slm.rollout.entity.SyncEvent;
import dev.slm.rollout.entity.SyncStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sync lifecycle in a real PostgreSQL with the project's migrations: every pair of states, moved by hand, is
 * allowed by the database exactly when {@link SyncStatus#NEXT} allows it; and the writers of {@link SyncMoves} turn
 * duplicate, late and out-of-order reports into nothing rather than a step back.
 */
class SyncMovesTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);
    private static final String DB = "slm_moves_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static Connection c;
    private static int nodes;

    @BeforeAll
    static void database() throws SQLException {
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + DB);
        }
        Flyway.configure().dataSource(SERVER + DB, "postgres", "").locations("classpath:db/migration").load().migrate();
        c = DriverManager.getConnection(SERVER + DB, "postgres", "");
        SyncLifecycleTable.write(c);
    }

    @AfterAll
    static void drop() throws SQLException {
        c.close();
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE " + DB);
        }
    }

    static Stream<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (SyncStatus from : SyncStatus.values()) {
            for (SyncStatus to : SyncStatus.values()) {
                if (from != to) {
                    pairs.add(Arguments.of(from, to));
                }
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void theDatabaseAllowsExactlyTheMovesOfTheTable(SyncStatus from, SyncStatus to) throws SQLException {
        long op = operationAt(from);
        boolean allowed = from.canMoveTo(to);
        if (allowed) {
            move(op, to);
            assertEquals(to, status(op));
            assertEquals(!to.isFinal(), active(op), "active follows the table's final states");
        } else {
            SQLException refused = assertThrows(SQLException.class, () -> move(op, to));
            assertTrue(refused.getMessage().contains("is not a move of the sync lifecycle"), refused.getMessage());
            assertEquals(from, status(op), "nothing changed");
        }
    }

    @Test
    void anOperationStartsOnlyAsPendingAndOnlyInAKnownState() throws SQLException {
        String node = node();
        SQLException running = assertThrows(SQLException.class, () -> insert(node, "DOWNLOADING"));
        assertTrue(running.getMessage().contains("cannot start as DOWNLOADING"), running.getMessage());
        SQLException unknown = assertThrows(SQLException.class, () -> insert(node, "DONE"));
        assertTrue(unknown.getMessage().contains("not a state"), unknown.getMessage());
        long op = insert(node, "PENDING");
        assertTrue(active(op));
        assertThrows(SQLException.class, () -> insert(node, "PENDING"), "one active operation per node");
    }

    @Test
    void aLateReportOfAnEarlierStageIsIgnoredNotAStepBack() throws SQLException {
        long op = operationAt(SyncStatus.HEALTH_CHECK);
        int logged = stagesLogged(op);
        assertEquals(SyncMoves.Reported.IGNORED, SyncMoves.report(c, op, SyncStatus.DOWNLOADING, 40, "late", Instant.now()));
        assertEquals(SyncMoves.Reported.IGNORED, SyncMoves.report(c, op, SyncStatus.APPLYING, 100, "late", Instant.now()));
        assertEquals(SyncStatus.HEALTH_CHECK, status(op));
        assertEquals(logged, stagesLogged(op), "an ignored report is not in the stage log");
    }

    @Test
    void aRepeatedStageRecordsProgressWithinIt() throws SQLException {
        long op = operationAt(SyncStatus.SENT);
        assertEquals(SyncMoves.Reported.MOVED, SyncMoves.report(c, op, SyncStatus.DOWNLOADING, 10, "10 %", Instant.now()));
        assertEquals(SyncMoves.Reported.MOVED, SyncMoves.report(c, op, SyncStatus.DOWNLOADING, 60, "60 %", Instant.now()));
        assertEquals(SyncStatus.DOWNLOADING, status(op));
        assertEquals(60, percent(op));
        assertEquals(2, stagesLogged(op));
    }

    @Test
    void aReportAfterTheEndIsRefusedAndChangesNothing() throws SQLException {
        for (SyncStatus end : SyncStatus.FINAL) {
            long op = operationAt(end);
            assertEquals(SyncMoves.Reported.ENDED, SyncMoves.report(c, op, SyncStatus.FAILED, null, "again", Instant.now()));
            assertEquals(SyncMoves.Reported.ENDED, SyncMoves.report(c, op, SyncStatus.HEALTH_CHECK, null, "late", Instant.now()));
            assertEquals(end, status(op));
        }
    }

    @Test
    void aReportForAnOperationRemovedWithItsNodeSaysItIsGone() throws SQLException {
        String node = node();
        long op = insert(node, "PENDING");
        execute("DELETE FROM node WHERE id = '" + node + "'");
        assertEquals(SyncMoves.Reported.GONE, SyncMoves.report(c, op, SyncStatus.DOWNLOADING, 10, "late", Instant.now()));
    }

    @Test
    void aCommandIsDeliveredUntilTheAgentStartsAndMarkedSentOnce() throws SQLException {
        String node = node();
        long op = insert(node, "PENDING");
        assertEquals(op, SyncMoves.deliver(c, List.of(node), Instant.now()).get(node).operationId());
        assertEquals(SyncStatus.SENT, status(op));
        assertEquals(op, SyncMoves.deliver(c, List.of(node), Instant.now()).get(node).operationId(), "delivered again");
        assertEquals(SyncStatus.SENT, status(op));
        SyncMoves.report(c, op, SyncStatus.DOWNLOADING, null, null, Instant.now());
        assertTrue(SyncMoves.deliver(c, List.of(node), Instant.now()).isEmpty(), "the agent has it");
    }

    @Test
    void theTargetReportedEndsAnActiveOperationButNotOneRollingBack() throws SQLException {
        long running = operationAt(SyncStatus.HEALTH_CHECK);
        long rollingBack = operationAt(SyncStatus.ROLLING_BACK);
        List<SyncEvent> done = SyncMoves.succeed(c, new String[] {nodeOf(running), nodeOf(rollingBack)},
                new String[] {B, B}, new String[] {"APPLYING", null}, Instant.now());
        assertEquals(List.of(running), done.stream().map(SyncEvent::operationId).toList());
        assertEquals(SyncStatus.SUCCEEDED, status(running));
        assertEquals(SyncStatus.ROLLING_BACK, status(rollingBack));
    }

    /**
     * A reinstall (the node ran the target already): its node reporting the target proves nothing until its agent
     * has worked on it and is idle again — before, the next heartbeat ended it SUCCEEDED with the command never sent.
     */
    @Test
    void aReinstallSucceedsOnlyAfterItsAgentWorkedOnItAndIsIdleAgain() throws SQLException {
        String node = node();
        long op = insert(node, "PENDING");
        execute("UPDATE sync_operation SET from_commit = target_commit WHERE id = " + op);
        String[] nodes = {node};
        String[] target = {B};
        assertTrue(SyncMoves.succeed(c, nodes, target, new String[] {"IDLE"}, Instant.now()).isEmpty(), "not yet sent");
        SyncMoves.deliver(c, List.of(node), Instant.now());
        assertTrue(SyncMoves.succeed(c, nodes, target, new String[] {null}, Instant.now()).isEmpty(), "sent, not started");
        SyncMoves.report(c, op, SyncStatus.HEALTH_CHECK, null, null, Instant.now());
        assertTrue(SyncMoves.succeed(c, nodes, target, new String[] {"APPLYING"}, Instant.now()).isEmpty(), "still at it");
        assertEquals(List.of(op), SyncMoves.succeed(c, nodes, target, new String[] {"IDLE"}, Instant.now()).stream()
                .map(SyncEvent::operationId).toList());
        assertEquals(SyncStatus.SUCCEEDED, status(op));
    }

    @Test
    void aTimedOutOperationSucceedsLateOnlyOnce() throws SQLException {
        long op = operationAt(SyncStatus.SENT);
        assertEquals(List.of(op), SyncMoves.timeOut(c, Instant.now().plusSeconds(1), Instant.now()).stream()
                .map(SyncEvent::operationId).filter(id -> id == op).toList());
        execute("UPDATE sync_operation SET may_succeed_late = true WHERE id = " + op);
        String node = nodeOf(op);
        assertEquals(1, SyncMoves.succeedLate(c, new String[] {node}, new String[] {B}, Instant.now()).size());
        assertEquals(SyncStatus.SUCCEEDED, status(op));
        assertEquals(0, SyncMoves.succeedLate(c, new String[] {node}, new String[] {B}, Instant.now()).size());
    }

    @Test
    void aPendingOperationIsCancelledAndItsNodeCanBeSyncedAgainAtOnce() throws SQLException {
        String node = node();
        long op = insert(node, "PENDING");
        SyncMoves.Cancel cancel = SyncMoves.cancel(c, op, "olga", "cancelled by olga", Instant.now());
        assertEquals(new SyncMoves.Cancel(true, SyncStatus.CANCELLED, node), cancel);
        assertEquals(SyncStatus.CANCELLED, status(op));
        assertFalse(active(op));
        assertEquals("olga", value("SELECT cancelled_by FROM sync_operation WHERE id = " + op));
        assertEquals("true", value("SELECT (finished_at IS NOT NULL)::text FROM sync_operation WHERE id = " + op));
        long next = insert(node, "PENDING");
        assertTrue(active(next), "the node is free for a new operation");
    }

    @Test
    void anOperationItsAgentHasClaimedOrThatHasEndedIsNotCancelled() throws SQLException {
        for (SyncStatus state : SyncStatus.values()) {
            if (state == SyncStatus.PENDING) {
                continue;
            }
            long op = operationAt(state);
            assertEquals(new SyncMoves.Cancel(false, state, null), SyncMoves.cancel(c, op, "olga", "x", Instant.now()),
                    state.name());
            assertEquals(state, status(op));
            assertEquals("true", value("SELECT (cancelled_by IS NULL)::text FROM sync_operation WHERE id = " + op));
        }
        assertEquals(new SyncMoves.Cancel(false, null, null), SyncMoves.cancel(c, -1, "olga", "x", Instant.now()));
    }

    @Test
    void aCancelledCommandIsNeverDeliveredAndNothingItsAgentSaysRevivesIt() throws SQLException {
        String node = node();
        long op = insert(node, "PENDING");
        SyncMoves.cancel(c, op, "olga", "cancelled", Instant.now());
        assertTrue(SyncMoves.deliver(c, List.of(node), Instant.now()).isEmpty(), "no command for the agent");
        for (SyncStatus stage : SyncStatus.REPORTABLE) {
            assertEquals(SyncMoves.Reported.ENDED, SyncMoves.report(c, op, stage, null, "late", Instant.now()), stage.name());
        }
        assertTrue(SyncMoves.succeed(c, new String[] {node}, new String[] {B}, new String[] {"IDLE"}, Instant.now()).isEmpty());
        assertTrue(SyncMoves.succeedLate(c, new String[] {node}, new String[] {B}, Instant.now()).isEmpty());
        assertTrue(SyncMoves.timeOut(c, Instant.now().plusSeconds(3600), Instant.now()).stream()
                .noneMatch(e -> e.operationId() == op));
        assertEquals(SyncStatus.CANCELLED, status(op));
        assertEquals(0, stagesLogged(op));
    }

    /**
     * The race a cancel runs against a heartbeat: the delivery reads the command while it is PENDING, the cancel
     * commits before the delivery marks it SENT. The command must not go out (it used to: the read alone decided).
     */
    @Test
    void aCommandCancelledBetweenTheDeliverysReadAndItsMarkIsNotDelivered() throws Exception {
        String node = node();
        long op = insert(node, "PENDING");
        try (Connection canceller = DriverManager.getConnection(SERVER + DB, "postgres", "");
             Connection deliverer = DriverManager.getConnection(SERVER + DB, "postgres", "")) {
            canceller.setAutoCommit(false);
            assertTrue(SyncMoves.cancel(canceller, op, "olga", "cancelled", Instant.now()).cancelled());
            deliverer.setAutoCommit(false);
            int pid = Integer.parseInt(value(deliverer, "SELECT pg_backend_pid()"));
            CompletableFuture<Map<String, ?>> delivered = CompletableFuture.supplyAsync(() -> {
                try {
                    Map<String, ?> commands = SyncMoves.deliver(deliverer, List.of(node), Instant.now());
                    deliverer.commit();
                    return commands;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // the delivery has read the row (still PENDING to it) and waits for the cancel's row lock
            awaitLockWait(pid, delivered);
            canceller.commit();
            assertEquals(Map.of(), delivered.get(30, TimeUnit.SECONDS));
        }
        assertEquals(SyncStatus.CANCELLED, status(op));
    }

    private static void awaitLockWait(int pid, CompletableFuture<?> running) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"Lock".equals(value("SELECT coalesce(wait_event_type, '') FROM pg_stat_activity WHERE pid = " + pid))) {
            if (running.isDone()) {
                running.get(); // its exception, if any
                throw new AssertionError("the delivery ended without waiting for the cancel's lock");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the delivery did not reach the cancelled row within 30 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // a poll, not a guess
        }
    }

    // --- helpers: an operation driven along the table's shortest path to a state ---

    private static long operationAt(SyncStatus state) throws SQLException {
        long op = insert(node(), "PENDING");
        for (SyncStatus step : path(state)) {
            move(op, step);
        }
        return op;
    }

    private static List<SyncStatus> path(SyncStatus to) {
        Map<SyncStatus, SyncStatus> previous = new EnumMap<>(SyncStatus.class);
        ArrayDeque<SyncStatus> todo = new ArrayDeque<>(List.of(SyncStatus.PENDING));
        previous.put(SyncStatus.PENDING, SyncStatus.PENDING);
        while (!todo.isEmpty()) {
            SyncStatus s = todo.poll();
            for (SyncStatus n : SyncStatus.NEXT.get(s)) {
                if (previous.putIfAbsent(n, s) == null) {
                    todo.add(n);
                }
            }
        }
        List<SyncStatus> path = new ArrayList<>();
        for (SyncStatus s = to; s != SyncStatus.PENDING; s = previous.get(s)) {
            path.add(0, s);
        }
        return path;
    }

    private static String node() throws SQLException {
        String id = "node-" + (++nodes);
        execute("INSERT INTO node (id, token_hash, registered_at, registered_by) VALUES ('" + id + "', '"
                + String.format("%064d", nodes) + "', now(), 'test')");
        return id;
    }

    private static long insert(String node, String status) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO sync_operation (node_id, from_commit, target_commit,"
                + " restart, restart_type, requested_by, trigger_type, status, created_at, updated_at)"
                + " VALUES (?, ?, ?, true, 'GRACEFUL', 'test', 'NODE', ?, now(), now()) RETURNING id")) {
            s.setString(1, node);
            s.setString(2, A);
            s.setString(3, B);
            s.setString(4, status);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void move(long op, SyncStatus to) throws SQLException {
        execute("UPDATE sync_operation SET status = '" + to.name() + "' WHERE id = " + op);
    }

    private static void execute(String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static SyncStatus status(long op) throws SQLException {
        return SyncStatus.valueOf(value("SELECT status FROM sync_operation WHERE id = " + op));
    }

    private static boolean active(long op) throws SQLException {
        return Boolean.parseBoolean(value("SELECT active::text FROM sync_operation WHERE id = " + op));
    }

    private static int percent(long op) throws SQLException {
        return Integer.parseInt(value("SELECT percent FROM sync_operation WHERE id = " + op));
    }

    private static int stagesLogged(long op) throws SQLException {
        return Integer.parseInt(value("SELECT count(*) FROM sync_progress WHERE operation_id = " + op));
    }

    private static String nodeOf(long op) throws SQLException {
        return value("SELECT node_id FROM sync_operation WHERE id = " + op);
    }

    private static String value(String sql) throws SQLException {
        return value(c, sql);
    }

    private static String value(Connection on, String sql) throws SQLException {
        try (Statement s = on.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
