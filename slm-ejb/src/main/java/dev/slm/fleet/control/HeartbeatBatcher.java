package dev.slm.fleet.control;

import dev.slm.fleet.entity.AgentState;
import dev.slm.rollout.entity.RestartType;
import dev.slm.rollout.entity.SyncCommand;
import dev.slm.rollout.entity.SyncEvent;
import dev.slm.rollout.entity.SyncStatus;
import dev.slm.fleet.entity.NodesChanged;
import jakarta.enterprise.event.Event;
import dev.slm.source.boundary.SourceStore;
import dev.slm.source.control.Mirror;
import dev.slm.source.entity.Classification;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Stores heartbeats in batches: one writer thread takes every heartbeat that is waiting and stores them all with
 * one statement, {@code store_heartbeats} (db/V4): one round trip and one transaction that takes the status lock,
 * reads the latest commit and interval and runs one UPDATE over arrays. When the server is idle a batch holds one
 * heartbeat; under load batches grow by themselves, so the database does a fraction of the work per heartbeat and no
 * heartbeat waits for a timer. Only nodes with an active sync operation, or whose commit or status changed (an
 * operation that timed out may succeed late), cost a second transaction.
 *
 * The statuses are classified here, against the latest commit the previous batch saw; the function stores them only
 * if that is still the latest commit once it holds the shared status lock (a change of the latest commit holds it
 * exclusive), and otherwise says which one is, and the batch is classified again. So a status never goes stale. The
 * UPDATE matches node id and token hash together: a heartbeat whose row is not updated did not authenticate, and its
 * caller finds out why.
 */
@ApplicationScoped
public class HeartbeatBatcher {

    private static final Logger LOG = Logger.getLogger(HeartbeatBatcher.class.getName());
    private static final int MAX_BATCH = 500;

    /** Tries before a batch gives up because the latest commit keeps changing under it (it never does twice). */
    private static final int ATTEMPTS = 5;
    /** One statement, one round trip (db/V4__store_heartbeats.sql). */
    private static final String STORE = "SELECT stored_id, status_changed, has_operation, latest, interval_s, unknown_operation"
            + " FROM store_heartbeats(?, ?, ?, ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
            + " ?::text[], ?::int8[], ?::text[], ?::int4[], ?::text[])";

    /** A heartbeat waiting to be stored. */
    public record Pending(String nodeId, String tokenHash, String agentVersion, String codeVersion, String hostname,
                          List<String> roles, AgentState state, Long operationId, List<String> releases) {
    }

    /**
     * What storing a heartbeat gave: whether it authenticated, what to answer, and a command if one waits; or that it
     * named an operation that is not its node's, and was not stored.
     */
    public record Stored(boolean authenticated, String latestCommit, Duration interval, SyncCommand command,
                         boolean unknownOperation) {
    }

    /** A sync succeeds when, and only when, the node reports the target commit. */
    private static final String SUCCEED = "UPDATE sync_operation o SET status = 'SUCCEEDED', percent = 100,"
            + " updated_at = ?, finished_at = ?, message = 'the node reports the target commit'"
            + " FROM unnest(?::text[], ?::text[]) AS v(id, code)"
            + " WHERE o.node_id = v.id AND o.target_commit = v.code AND o.status IN " + SyncStatus.ACTIVE_SQL
            + " RETURNING o.id, o.node_id";
    static final String LATE_MESSAGE = "the node reports the target commit, after the sync timeout";
    /**
     * A node whose newest operation timed out and that now reports its target: the operation succeeded late, so
     * history and the node's status agree. The node reporting any other commit than the one it ran before the sync
     * closes that chance for good (it was given other code meanwhile). One look-up in the (node_id, created_at)
     * index per node, only for nodes whose commit or status changed or that have an operation in flight.
     */
    private static final String SUCCEED_LATE = "UPDATE sync_operation o SET may_succeed_late = false,"
            + " status = CASE WHEN o.target_commit = v.code THEN 'SUCCEEDED' ELSE o.status END,"
            + " percent = CASE WHEN o.target_commit = v.code THEN 100 ELSE o.percent END,"
            + " message = CASE WHEN o.target_commit = v.code THEN '" + LATE_MESSAGE + "' ELSE o.message END,"
            + " updated_at = CASE WHEN o.target_commit = v.code THEN ? ELSE o.updated_at END,"
            + " finished_at = CASE WHEN o.target_commit = v.code THEN ? ELSE o.finished_at END"
            + " FROM unnest(?::text[], ?::text[]) AS v(id, code)"
            + " WHERE o.id = (SELECT l.id FROM sync_operation l WHERE l.node_id = v.id ORDER BY l.created_at DESC, l.id DESC LIMIT 1)"
            + " AND o.status = 'TIMED_OUT' AND o.may_succeed_late AND v.code IS NOT NULL"
            + " AND (o.target_commit = v.code OR o.from_commit IS DISTINCT FROM v.code)"
            + " RETURNING o.id, o.node_id, o.status";
    private static final String COMMANDS = "SELECT id, node_id, target_commit, restart, restart_type, created_at FROM sync_operation"
            + " WHERE node_id = ANY(?) AND status IN ('PENDING', 'SENT')";
    private static final String MARK_SENT = "UPDATE sync_operation SET status = 'SENT', updated_at = ?"
            + " WHERE node_id = ANY(?) AND status = 'PENDING'";

    @Resource(lookup = "java:app/jdbc/slm")
    DataSource dataSource;

    @Resource
    ManagedThreadFactory threads;

    @Inject
    Mirror mirror;

    @Inject
    Clock clock;

    @Inject
    Event<NodesChanged> nodesChanged;

    @Inject
    Event<SyncEvent> syncEvents;

    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    /** The latest commit the last batch was stored against; the next one classifies against it. Writer thread only. */
    private String expectedLatest;
    /** The writer's connection (see {@link #connection()}). Writer thread only. */
    private Connection connection;

    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private Thread writer;
    private volatile boolean running = true;

    private record Entry(Pending heartbeat, CompletableFuture<Stored> result) {
    }

    public CompletableFuture<Stored> submit(Pending heartbeat) {
        ensureWriter();
        CompletableFuture<Stored> result = new CompletableFuture<>();
        queue.add(new Entry(heartbeat, result));
        return result;
    }

    private synchronized void ensureWriter() {
        if (writer == null) {
            writer = threads.newThread(this::writeLoop);
            writer.setName("slm-heartbeat-writer");
            writer.start();
        }
    }

    private void writeLoop() {
        try {
            writeUntilStopped();
        } finally {
            closeConnection();
        }
    }

    private void writeUntilStopped() {
        List<Entry> batch = new ArrayList<>();
        while (running) {
            try {
                Entry first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                BatchIsolation.write(batch, this::writeOnceMore, BatchIsolation::isRowFault, (entries, e) -> {
                    LOG.log(Level.SEVERE, "storing " + entries.size() + " heartbeats failed", e);
                    entries.forEach(entry -> entry.result().completeExceptionally(e));
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Every value is validated before it is queued (HeartbeatResource, JsonBody), so a batch should never fail for
     * one row; should one still (a rule we missed), {@link BatchIsolation} stores the batch in halves until only that
     * heartbeat fails: ~2·log2(500) = 18 extra statements for one bad row in a full batch, none while nothing fails.
     */
    private void writeOnceMore(List<Entry> batch) throws SQLException {
        if (connection == null) {
            write(batch);
            return;
        }
        try {
            write(batch);
        } catch (SQLException e) {
            if (BatchIsolation.isRowFault(e)) {
                throw e;
            }
            // a kept connection may have gone stale (database restarted): once more with a fresh one;
            // storing a heartbeat twice does no harm
            LOG.log(Level.WARNING, "storing heartbeats failed; trying again with a new connection", e);
            write(batch);
        }
    }

    private void write(List<Entry> batch) throws SQLException {
        // the last heartbeat of a node in the batch wins; earlier ones get the same answer
        Map<String, Entry> latestPerNode = new LinkedHashMap<>();
        for (Entry e : batch) {
            latestPerNode.put(e.heartbeat().nodeId(), e);
        }
        List<Pending> rows = new ArrayList<>();
        latestPerNode.values().forEach(e -> rows.add(e.heartbeat()));
        Connection c = connection();
        try {
            Result stored = null;
            for (int attempt = 0; stored == null; attempt++) {
                if (attempt == ATTEMPTS) {
                    throw new SQLException("the latest commit changed " + ATTEMPTS + " times while storing heartbeats");
                }
                stored = store(c, rows, expectedLatest);
            }
            List<SyncEvent> completed = new ArrayList<>();
            Set<String> mayEndLate = new HashSet<>(stored.busy());
            mayEndLate.addAll(stored.changed());
            Map<String, SyncCommand> commands = mayEndLate.isEmpty() ? Map.of()
                    : settleOperations(c, stored.busy(), mayEndLate, latestPerNode, completed);
            for (Entry e : batch) {
                String id = e.heartbeat().nodeId();
                boolean sameToken = latestPerNode.get(id).heartbeat().tokenHash().equals(e.heartbeat().tokenHash());
                boolean ok = stored.updated().contains(id) && sameToken;
                boolean unknownOperation = stored.unknownOperation().contains(id) && sameToken;
                e.result().complete(new Stored(ok, stored.latest(), stored.interval(), ok ? commands.get(id) : null,
                        unknownOperation));
            }
            announce(stored.changed(), completed);
        } catch (SQLException | RuntimeException e) {
            // the connection may be what failed: the next batch takes a fresh one from the pool
            closeConnection();
            throw e;
        }
    }

    /**
     * Fires the events of a stored batch, after its heartbeats have their answers. This thread runs no transaction,
     * so observers are called right here: one that throws must not fail heartbeats that are stored (they answered
     * 500 when the live-event publisher failed), nor the batch's other events.
     */
    private void announce(Set<String> changed, List<SyncEvent> completed) {
        if (!changed.isEmpty()) {
            NodesChanged event = new NodesChanged(changed);
            fireSafely(() -> nodesChanged.fire(event), event);
        }
        completed.forEach(event -> fireSafely(() -> syncEvents.fire(event), event));
    }

    private static void fireSafely(Runnable fire, Object event) {
        try {
            fire.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "an observer of " + event + " failed; the heartbeats are stored", e);
        }
    }

    /**
     * The writer keeps one connection of the pool for as long as it works: taking one from the pool for every
     * batch cost a quarter of the writer's time (BENCHMARKS.md). Autocommit, so each call of the function is its own
     * transaction.
     */
    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.log(Level.FINE, "closing the heartbeat writer's connection failed", e);
            }
            connection = null;
        }
    }

    /**
     * What one call of store_heartbeats stored: the nodes, those whose status or commit moved, those with an
     * operation; and the nodes whose report named an operation not theirs (not stored).
     */
    private record Result(Set<String> updated, Set<String> changed, Set<String> busy, Set<String> unknownOperation,
                          String latest, Duration interval) {
    }

    /**
     * Stores the reports classified against {@code expected}, in one statement (its own transaction). When the latest
     * commit is no longer the expected one nothing is stored: {@link #expectedLatest} takes the new one and the
     * answer is null, for the caller to try again.
     */
    private Result store(Connection c, List<Pending> rows, String expected) throws SQLException {
        int n = rows.size();
        String[] ids = new String[n], hashes = new String[n], versions = new String[n], codes = new String[n],
                hosts = new String[n], roles = new String[n], states = new String[n], statuses = new String[n],
                releases = new String[n];
        Long[] operations = new Long[n];
        Integer[] behind = new Integer[n];
        // known answers come from the cache (a new latest commit's were put there before it was stored); versions
        // not seen before — a restarted server's first batches — are classified together in one walk, not one each
        Map<String, Classification> answers =
                mirror.get().classifyAll(rows.stream().map(Pending::codeVersion).toList(), expected);
        for (int i = 0; i < n; i++) {
            Pending p = rows.get(i);
            Classification cl = answers.get(p.codeVersion());
            ids[i] = p.nodeId();
            hashes[i] = p.tokenHash();
            versions[i] = p.agentVersion();
            codes[i] = p.codeVersion();
            hosts[i] = p.hostname();
            roles[i] = p.roles() == null ? "" : String.join(",", p.roles());
            states[i] = p.state() == null ? null : p.state().name();
            operations[i] = p.operationId();
            statuses[i] = cl.status().name();
            behind[i] = cl.commitsBehind();
            releases[i] = p.releases() == null ? "" : String.join(",", p.releases());
        }
        try (PreparedStatement u = c.prepareStatement(STORE)) {
            u.setLong(1, SourceStore.STATUS_LOCK);
            u.setString(2, expected);
            u.setObject(3, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            u.setArray(4, c.createArrayOf("text", ids));
            u.setArray(5, c.createArrayOf("text", hashes));
            u.setArray(6, c.createArrayOf("text", versions));
            u.setArray(7, c.createArrayOf("text", codes));
            u.setArray(8, c.createArrayOf("text", hosts));
            u.setArray(9, c.createArrayOf("text", roles));
            u.setArray(10, c.createArrayOf("text", states));
            u.setArray(11, c.createArrayOf("int8", operations));
            u.setArray(12, c.createArrayOf("text", statuses));
            u.setArray(13, c.createArrayOf("int4", behind));
            u.setArray(14, c.createArrayOf("text", releases));
            Set<String> updated = new HashSet<>(), changed = new HashSet<>(), busy = new HashSet<>(),
                    unknownOperation = new HashSet<>();
            String latest = expected;
            Duration interval = DEFAULT_INTERVAL;
            try (ResultSet rs = u.executeQuery()) {
                while (rs.next()) {
                    latest = rs.getString(4);
                    interval = parseInterval(rs.getString(5));
                    String id = rs.getString(1);
                    if (id == null) {
                        expectedLatest = latest;
                        return null;
                    }
                    if (rs.getBoolean(6)) {
                        unknownOperation.add(id);
                        continue;
                    }
                    updated.add(id);
                    if (rs.getBoolean(2)) {
                        changed.add(id);
                    }
                    if (rs.getBoolean(3)) {
                        busy.add(id);
                    }
                }
            }
            return new Result(updated, changed, busy, unknownOperation, latest, interval);
        }
    }

    /**
     * Ends the operations whose target the nodes now report (late too), and collects (and marks SENT) waiting
     * commands.
     */
    private Map<String, SyncCommand> settleOperations(Connection c, Set<String> busy, Set<String> mayEndLate,
                                                      Map<String, Entry> reports, List<SyncEvent> completed)
            throws SQLException {
        c.setAutoCommit(false);
        try {
            Map<String, SyncCommand> commands = busy.isEmpty() ? Map.of() : settle(c, busy, reports, completed);
            succeedLate(c, mayEndLate, reports, completed);
            c.commit();
            return commands;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            completed.clear();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private Map<String, SyncCommand> settle(Connection c, Set<String> nodes, Map<String, Entry> reports,
                                            List<SyncEvent> completed) throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        String[] ids = nodes.toArray(String[]::new);
        String[] codes = reportedCodes(ids, reports);
        try (PreparedStatement s = c.prepareStatement(SUCCEED)) {
            s.setTimestamp(1, now);
            s.setTimestamp(2, now);
            s.setArray(3, c.createArrayOf("text", ids));
            s.setArray(4, c.createArrayOf("text", codes));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    completed.add(SyncEvent.of(SyncStatus.SUCCEEDED, rs.getLong(1), rs.getString(2), 100,
                            "the node reports the target commit"));
                }
            }
        }
        Map<String, SyncCommand> commands = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(COMMANDS)) {
            s.setArray(1, c.createArrayOf("text", ids));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    commands.put(rs.getString(2), new SyncCommand(rs.getLong(1), rs.getString(2), rs.getString(3),
                            rs.getBoolean(4), RestartType.valueOf(rs.getString(5)), rs.getTimestamp(6).toInstant()));
                }
            }
        }
        if (!commands.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement(MARK_SENT)) {
                s.setTimestamp(1, now);
                s.setArray(2, c.createArrayOf("text", commands.keySet().toArray(String[]::new)));
                s.executeUpdate();
            }
        }
        return commands;
    }

    private void succeedLate(Connection c, Set<String> nodes, Map<String, Entry> reports, List<SyncEvent> completed)
            throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        String[] ids = nodes.toArray(String[]::new);
        try (PreparedStatement s = c.prepareStatement(SUCCEED_LATE)) {
            s.setTimestamp(1, now);
            s.setTimestamp(2, now);
            s.setArray(3, c.createArrayOf("text", ids));
            s.setArray(4, c.createArrayOf("text", reportedCodes(ids, reports)));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (SyncStatus.SUCCEEDED.name().equals(rs.getString(3))) {
                        completed.add(SyncEvent.of(SyncStatus.SUCCEEDED, rs.getLong(1), rs.getString(2), 100, LATE_MESSAGE));
                    }
                }
            }
        }
    }

    private static String[] reportedCodes(String[] ids, Map<String, Entry> reports) {
        String[] codes = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            codes[i] = reports.get(ids[i]).heartbeat().codeVersion();
        }
        return codes;
    }

    private static Duration parseInterval(String value) {
        try {
            return value == null ? DEFAULT_INTERVAL : Duration.ofSeconds(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_INTERVAL;
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        if (writer != null) {
            writer.interrupt();
        }
    }
}
