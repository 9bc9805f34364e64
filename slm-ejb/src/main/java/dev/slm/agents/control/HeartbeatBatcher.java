package dev.slm.agents.control;

import dev.slm.fleet.boundary.PinReader;
import dev.slm.fleet.boundary.Settings;
import dev.slm.fleet.entity.DesiredCommits;
import dev.slm.fleet.entity.AgentState;
import dev.slm.rollout.boundary.SyncMoves;
import dev.slm.rollout.entity.SyncCommand;
import dev.slm.rollout.entity.SyncEvent;
import dev.slm.fleet.entity.NodesChanged;
import jakarta.enterprise.event.Event;
import dev.slm.source.boundary.SourceStore;
import dev.slm.source.boundary.Mirror;
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
 * The statuses are classified here, each node against its desired commit ({@link DesiredCommits}: its pin, its role's,
 * the fleet's) as the previous batch saw them; the function stores them only if the fleet's commit and the pins are
 * still those once it holds the shared status lock (a change of either holds it exclusive), and otherwise the batch
 * reads them again and is classified again. So a status never goes stale. The
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
            + " FROM store_heartbeats(?, ?, ?, ?, ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
            + " ?::text[], ?::int8[], ?::text[], ?::int4[], ?::text[], ?::text[])";

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

    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(Settings.DEFAULT_HEARTBEAT_INTERVAL_S);

    /**
     * The desired commits the last batch was stored against; the next one classifies against them. Writer thread
     * only; read again when the database says they changed.
     */
    private DesiredCommits expected = DesiredCommits.fleetOnly(null);
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
     * Every value is validated before it is queued (HeartbeatAnswers, JsonBody), so a batch should never fail for
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
                stored = store(c, rows, expected);
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
                e.result().complete(new Stored(ok, stored.desired().forNode(id, e.heartbeat().roles()),
                        stored.interval(), ok ? commands.get(id) : null, unknownOperation));
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
                          DesiredCommits desired, Duration interval) {
    }

    /**
     * Stores the reports classified against {@code expected}, in one statement (its own transaction). When the fleet's
     * commit or the pins are no longer the expected ones nothing is stored: {@link #expected} is read again and the
     * answer is null, for the caller to try again.
     */
    private Result store(Connection c, List<Pending> rows, DesiredCommits expected) throws SQLException {
        int n = rows.size();
        String[] ids = new String[n], hashes = new String[n], versions = new String[n], codes = new String[n],
                hosts = new String[n], roles = new String[n], states = new String[n], statuses = new String[n],
                releases = new String[n], bases = new String[n];
        Long[] operations = new Long[n];
        Integer[] behind = new Integer[n];
        // known answers come from the cache (a new latest commit's were put there before it was stored); versions
        // not seen before — a restarted server's first batches — are classified together in one walk, not one each;
        // with pins, one walk per desired commit the batch's nodes have
        for (int i = 0; i < n; i++) {
            bases[i] = expected.forNode(rows.get(i).nodeId(), rows.get(i).roles());
        }
        Map<String, Map<String, Classification>> answers = classify(rows, bases);
        for (int i = 0; i < n; i++) {
            Pending p = rows.get(i);
            Classification cl = answers.get(bases[i]).get(p.codeVersion());
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
            u.setString(2, expected.fleet());
            u.setLong(3, expected.pinsVersion());
            u.setObject(4, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            u.setArray(5, c.createArrayOf("text", ids));
            u.setArray(6, c.createArrayOf("text", hashes));
            u.setArray(7, c.createArrayOf("text", versions));
            u.setArray(8, c.createArrayOf("text", codes));
            u.setArray(9, c.createArrayOf("text", hosts));
            u.setArray(10, c.createArrayOf("text", roles));
            u.setArray(11, c.createArrayOf("text", states));
            u.setArray(12, c.createArrayOf("int8", operations));
            u.setArray(13, c.createArrayOf("text", statuses));
            u.setArray(14, c.createArrayOf("int4", behind));
            u.setArray(15, c.createArrayOf("text", releases));
            u.setArray(16, c.createArrayOf("text", bases));
            Set<String> updated = new HashSet<>(), changed = new HashSet<>(), busy = new HashSet<>(),
                    unknownOperation = new HashSet<>();
            Duration interval = DEFAULT_INTERVAL;
            try (ResultSet rs = u.executeQuery()) {
                while (rs.next()) {
                    interval = parseInterval(rs.getString(5));
                    String id = rs.getString(1);
                    if (id == null) {
                        rs.close();
                        this.expected = PinReader.read(c);
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
            return new Result(updated, changed, busy, unknownOperation, expected, interval);
        }
    }

    /** The reports' versions classified against each desired commit they are measured against: its answers by version. */
    private Map<String, Map<String, Classification>> classify(List<Pending> rows, String[] bases) {
        Map<String, List<String>> versions = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            versions.computeIfAbsent(bases[i], b -> new ArrayList<>()).add(rows.get(i).codeVersion());
        }
        Map<String, Map<String, Classification>> answers = new HashMap<>();
        versions.forEach((basis, of) -> answers.put(basis, mirror.classifyAll(of, basis)));
        return answers;
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
        String[] ids = nodes.toArray(String[]::new);
        String[] states = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            AgentState state = reports.get(ids[i]).heartbeat().state();
            states[i] = state == null ? null : state.name();
        }
        completed.addAll(SyncMoves.succeed(c, ids, reportedCodes(ids, reports), states, clock.instant()));
        return SyncMoves.deliver(c, nodes, clock.instant());
    }

    private void succeedLate(Connection c, Set<String> nodes, Map<String, Entry> reports, List<SyncEvent> completed)
            throws SQLException {
        String[] ids = nodes.toArray(String[]::new);
        completed.addAll(SyncMoves.succeedLate(c, ids, reportedCodes(ids, reports), clock.instant()));
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
