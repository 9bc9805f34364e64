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
 * Stores heartbeats in batches: one writer thread takes every heartbeat that is waiting and stores them all in one
 * transaction (lock, read the latest commit and interval, one UPDATE over arrays). When the server is idle a batch
 * holds one heartbeat; under load batches grow by themselves, so the database does a fraction of the work per
 * heartbeat and no heartbeat waits for a timer.
 *
 * Each batch holds the shared status lock, so a concurrent change of the latest commit (exclusive lock) never
 * leaves a stale status. The UPDATE matches node id and token hash together: a heartbeat whose row is not
 * updated did not authenticate, and its caller finds out why.
 */
@ApplicationScoped
public class HeartbeatBatcher {

    private static final Logger LOG = Logger.getLogger(HeartbeatBatcher.class.getName());
    private static final int MAX_BATCH = 500;

    private static final String LOCK_AND_READ = "SELECT set_config('synchronous_commit', 'off', true),"
            + " pg_advisory_xact_lock_shared(?),"
            + " (SELECT latest_commit FROM tracked_source WHERE id = 1),"
            + " (SELECT value FROM setting WHERE name = 'heartbeat_interval_s')";
    private static final String UPDATE = "UPDATE node SET agent_version = v.agent_version, code_version = v.code_version,"
            + " hostname = v.hostname, roles = v.roles, agent_state = v.agent_state, operation_id = v.operation_id,"
            + " last_seen = ?, code_status = v.code_status, commits_behind = v.commits_behind, status_basis = ?,"
            + " releases = v.releases"
            + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int8[],"
            + " ?::text[], ?::int4[], ?::text[]) AS v(id, token_hash, agent_version, code_version, hostname, roles,"
            + " agent_state, operation_id, code_status, commits_behind, releases), node AS before"
            + " WHERE node.id = v.id AND node.token_hash = v.token_hash AND before.id = node.id"
            + " RETURNING node.id, before.code_status IS DISTINCT FROM node.code_status"
            + " OR before.code_version IS DISTINCT FROM node.code_version,"
            // usually false: then the batch needs no statement about operations at all
            + " EXISTS (SELECT 1 FROM sync_operation o WHERE o.node_id = node.id AND o.status IN " + SyncStatus.ACTIVE_SQL + ")";

    /** A heartbeat waiting to be stored. */
    public record Pending(String nodeId, String tokenHash, String agentVersion, String codeVersion, String hostname,
                          List<String> roles, AgentState state, Long operationId, List<String> releases) {
    }

    /** What storing a heartbeat gave: whether it authenticated, what to answer, and a command if one waits. */
    public record Stored(boolean authenticated, String latestCommit, Duration interval, SyncCommand command) {
    }

    /** A sync succeeds when, and only when, the node reports the target commit. */
    private static final String SUCCEED = "UPDATE sync_operation o SET status = 'SUCCEEDED', percent = 100,"
            + " updated_at = ?, finished_at = ?, message = 'the node reports the target commit'"
            + " FROM unnest(?::text[], ?::text[]) AS v(id, code)"
            + " WHERE o.node_id = v.id AND o.target_commit = v.code AND o.status IN " + SyncStatus.ACTIVE_SQL
            + " RETURNING o.id, o.node_id";
    private static final String COMMANDS = "SELECT id, node_id, target_commit, restart, restart_type FROM sync_operation"
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
        List<Entry> batch = new ArrayList<>();
        while (running) {
            try {
                Entry first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | SQLException e) {
                LOG.log(Level.SEVERE, "storing " + batch.size() + " heartbeats failed", e);
                batch.forEach(entry -> entry.result().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Entry> batch) throws SQLException {
        // the last heartbeat of a node in the batch wins; earlier ones get the same answer
        Map<String, Entry> latestPerNode = new LinkedHashMap<>();
        for (Entry e : batch) {
            latestPerNode.put(e.heartbeat().nodeId(), e);
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                String latest;
                Duration interval;
                try (PreparedStatement s = c.prepareStatement(LOCK_AND_READ)) {
                    s.setLong(1, SourceStore.STATUS_LOCK);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        latest = rs.getString(3);
                        interval = parseInterval(rs.getString(4));
                    }
                }
                Set<String> changed = new HashSet<>();
                Set<String> busy = new HashSet<>();
                Set<String> updated = update(c, latestPerNode.values(), latest, changed, busy);
                List<SyncEvent> completed = new ArrayList<>();
                Map<String, SyncCommand> commands = busy.isEmpty() ? Map.of()
                        : settleOperations(c, busy, latestPerNode, completed);
                c.commit();
                if (!changed.isEmpty()) {
                    nodesChanged.fire(new NodesChanged(changed));
                }
                completed.forEach(syncEvents::fire);
                for (Entry e : batch) {
                    String id = e.heartbeat().nodeId();
                    boolean ok = updated.contains(id) && latestPerNode.get(id).heartbeat().tokenHash()
                            .equals(e.heartbeat().tokenHash());
                    e.result().complete(new Stored(ok, latest, interval, ok ? commands.get(id) : null));
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Stores the reports; fills {@code changed} (status or commit moved) and {@code busy} (an operation is active). */
    private Set<String> update(Connection c, Iterable<Entry> entries, String latest, Set<String> changed,
                               Set<String> busy) throws SQLException {
        List<Pending> rows = new ArrayList<>();
        entries.forEach(e -> rows.add(e.heartbeat()));
        int n = rows.size();
        String[] ids = new String[n], hashes = new String[n], versions = new String[n], codes = new String[n],
                hosts = new String[n], roles = new String[n], states = new String[n], statuses = new String[n],
                releases = new String[n];
        Long[] operations = new Long[n];
        Integer[] behind = new Integer[n];
        for (int i = 0; i < n; i++) {
            Pending p = rows.get(i);
            Classification cl = mirror.get().classify(p.codeVersion(), latest);
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
        try (PreparedStatement u = c.prepareStatement(UPDATE)) {
            u.setTimestamp(1, Timestamp.from(clock.instant()));
            u.setString(2, latest);
            u.setArray(3, c.createArrayOf("text", ids));
            u.setArray(4, c.createArrayOf("text", hashes));
            u.setArray(5, c.createArrayOf("text", versions));
            u.setArray(6, c.createArrayOf("text", codes));
            u.setArray(7, c.createArrayOf("text", hosts));
            u.setArray(8, c.createArrayOf("text", roles));
            u.setArray(9, c.createArrayOf("text", states));
            u.setArray(10, c.createArrayOf("int8", operations));
            u.setArray(11, c.createArrayOf("text", statuses));
            u.setArray(12, c.createArrayOf("int4", behind));
            u.setArray(13, c.createArrayOf("text", releases));
            Set<String> updated = new HashSet<>();
            try (ResultSet rs = u.executeQuery()) {
                while (rs.next()) {
                    updated.add(rs.getString(1));
                    if (rs.getBoolean(2)) {
                        changed.add(rs.getString(1));
                    }
                    if (rs.getBoolean(3)) {
                        busy.add(rs.getString(1));
                    }
                }
            }
            return updated;
        }
    }

    /** Ends the operations whose target the nodes now report, and collects (and marks SENT) waiting commands. */
    private Map<String, SyncCommand> settleOperations(Connection c, Set<String> nodes, Map<String, Entry> reports,
                                                      List<SyncEvent> completed) throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        String[] ids = nodes.toArray(String[]::new);
        String[] codes = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            codes[i] = reports.get(ids[i]).heartbeat().codeVersion();
        }
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
                            rs.getBoolean(4), RestartType.valueOf(rs.getString(5))));
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

    private static Duration parseInterval(String value) {
        try {
            return Duration.ofSeconds(value == null ? 30 : Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(30);
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
