package dev.slm.rollout.boundary;

import dev.slm.access.entity.Role;
import dev.slm.packages.boundary.NotDeployable;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import dev.slm.rollout.control.SyncRequests;
import dev.slm.rollout.entity.BulkAction;
import dev.slm.rollout.entity.RestartType;
import dev.slm.rollout.entity.SyncCommand;
import dev.slm.rollout.entity.SyncOperation;
import dev.slm.rollout.entity.SyncEvent;
import dev.slm.rollout.entity.SyncStatus;
import dev.slm.rollout.entity.TriggerType;
import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The one sync path: every trigger creates operations here (several nodes at once through {@link BulkSync}), agents'
 * reports move them, the heartbeat ends them. Every move is a statement of {@link SyncMoves}, guarded by
 * {@link dev.slm.rollout.entity.SyncStatus#NEXT}, so concurrent reports and server instances cannot move an operation
 * backwards or out of a final state.
 * <p>
 * Starting a sync needs the operator role (a method without its own annotation too), whoever calls: the API, the
 * web app, later a rollout. Reads are open (the web layer lets only logged-in operators read; live updates carry no
 * caller). The agents' calls are open too: an agent has no login but its node's token, which the API checks against
 * the node in the path before it calls here ({@code AgentTokenFilter}); a role could not say which node.
 */
@Stateless
@RolesAllowed(Role.Names.OPERATOR)
public class SyncOperations {

    private static final Logger LOG = Logger.getLogger(SyncOperations.class.getName());

    @PersistenceContext
    EntityManager em;

    /** The same connection as the entity manager's within a transaction (the container shares it). */
    @Resource(lookup = "java:app/jdbc/slm")
    DataSource dataSource;

    @Inject
    Clock clock;

    @Inject
    Event<SyncEvent> events;

    @Inject
    SyncRequests requests;

    /**
     * @throws NotDeployable when no agent could install the latest commit (checked first, for every trigger, so that
     *         a refused commit creates no operation anywhere); Conflict before any fetch; NotFound for an unknown
     *         node; {@link NodeBusy} when one is in flight; {@link AlreadyOnTarget} when the node runs the latest
     *         commit already and {@code reinstall} is not set; Conflict ({@code InRollout}) when a running rollout
     *         holds the node
     */
    public SyncOperation request(String nodeId, boolean restart, RestartType type, String by, TriggerType trigger,
                                 boolean reinstall) {
        return request(nodeId, restart, type, by, trigger, reinstall, null, null);
    }

    /**
     * As {@link #request(String, boolean, RestartType, String, TriggerType, boolean)}, to {@code target} (a commit
     * of the tracked branch; null: the latest), as part of a bulk action ({@code bulkId}, null for none).
     *
     * @throws InvalidInput when the target is not a commit of the tracked branch
     */
    public SyncOperation request(String nodeId, boolean restart, RestartType type, String by, TriggerType trigger,
                                 boolean reinstall, String target, Long bulkId) {
        return request(nodeId, restart, type, by, trigger, reinstall, target, bulkId, false);
    }

    /**
     * As above; {@code overrideWindow}: sync it even outside its maintenance windows (recorded on the operation).
     *
     * @throws dev.slm.rollout.control.OutsideWindow (409) when its windows do not allow a sync now and it is not set
     */
    public SyncOperation request(String nodeId, boolean restart, RestartType type, String by, TriggerType trigger,
                                 boolean reinstall, String target, Long bulkId, boolean overrideWindow) {
        String commit = requests.deployableTarget(target);
        return requests.create(nodeId, commit, new SyncRequests.Ask(restart, type, by, trigger, reinstall, target, bulkId,
                null, overrideWindow));
    }

    /**
     * A bulk action for {@code nodes} nodes, to {@code target} (null: the latest commit): its operations are created with its id
     * ({@link #request(String, boolean, RestartType, String, TriggerType, boolean, String, Long)}).
     */
    public BulkAction openBulk(String by, TriggerType trigger, int nodes, String target) {
        String commit = requests.deployableTarget(target); // refused: no empty bulk action is left behind
        BulkAction bulk = new BulkAction(by, trigger, commit, nodes, clock.instant());
        em.persist(bulk);
        em.flush();
        return bulk;
    }

    /** Removes a bulk action that created no operation (every node was refused, skipped or busy): nothing to show. */
    public void dropIfEmpty(long bulkId) {
        em.createQuery("DELETE FROM BulkAction b WHERE b.id = :id AND NOT EXISTS"
                + " (SELECT o FROM SyncOperation o WHERE o.bulkId = b.id)").setParameter("id", bulkId).executeUpdate();
    }

    /** A bulk action and how many of its operations are in each status. */
    public record BulkProgress(BulkAction bulk, Map<SyncStatus, Long> counts) {

        public long total() {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }

        public long count(Set<SyncStatus> statuses) {
            return statuses.stream().mapToLong(s -> counts.getOrDefault(s, 0L)).sum();
        }
    }

    /** The newest bulk actions, each with its operations counted by status (two queries, whatever the sizes). */
    @PermitAll
    public List<BulkProgress> recentBulks(int limit) {
        List<BulkAction> bulks = em.createQuery("SELECT b FROM BulkAction b ORDER BY b.id DESC", BulkAction.class)
                .setMaxResults(limit).getResultList();
        if (bulks.isEmpty()) {
            return List.of();
        }
        Map<Long, Map<SyncStatus, Long>> counts = new HashMap<>();
        em.createQuery("SELECT o.bulkId, o.status, COUNT(o) FROM SyncOperation o WHERE o.bulkId IN :ids"
                        + " GROUP BY o.bulkId, o.status", Object[].class)
                .setParameter("ids", bulks.stream().map(BulkAction::id).toList()).getResultList()
                .forEach(r -> counts.computeIfAbsent((Long) r[0], k -> new EnumMap<>(SyncStatus.class))
                        .put((SyncStatus) r[1], (Long) r[2]));
        return bulks.stream().map(b -> new BulkProgress(b, counts.getOrDefault(b.id(), Map.of()))).toList();
    }

    /** The operations of one bulk action, by node id. */
    @PermitAll
    public List<SyncOperation> ofBulk(long bulkId, int limit) {
        return em.createQuery("SELECT o FROM SyncOperation o WHERE o.bulkId = :bulk ORDER BY o.nodeId", SyncOperation.class)
                .setParameter("bulk", bulkId).setMaxResults(limit).getResultList();
    }

    @PermitAll
    public Optional<SyncOperation> active(String nodeId) {
        return requests.active(nodeId);
    }

    @PermitAll
    public Optional<SyncOperation> find(long id) {
        return Optional.ofNullable(em.find(SyncOperation.class, id));
    }

    /** Nodes whose command has not reached their agent yet. */
    @PermitAll
    public List<String> nodesWithPendingCommands() {
        return em.createQuery("SELECT DISTINCT o.nodeId FROM SyncOperation o"
                + " WHERE o.status = dev.slm.rollout.entity.SyncStatus.PENDING", String.class).getResultList();
    }

    /** The command waiting for the node's agent, if any; marks it SENT (SyncMoves#deliver). */
    @PermitAll
    public Optional<SyncCommand> claimCommand(String nodeId) {
        try (Connection c = dataSource.getConnection()) {
            return Optional.ofNullable(SyncMoves.deliver(c, List.of(nodeId), clock.instant()).get(nodeId));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the command waiting for " + nodeId, e);
        }
    }

    /**
     * Records a stage the agent reports, when {@link SyncStatus#NEXT} allows it: a stage the operation has passed
     * (a report that arrives late, or twice) changes nothing and answers the operation as it is.
     *
     * @throws NotFound when the operation is not this node's; Conflict when it has ended; InvalidInput for a bad stage
     */
    @PermitAll
    public SyncOperation progress(String nodeId, long operationId, String stage, Integer percent, String message) {
        SyncStatus status;
        try {
            status = SyncStatus.valueOf(stage == null ? "" : stage);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("stage must be one of " + SyncStatus.REPORTABLE);
        }
        if (!SyncStatus.REPORTABLE.contains(status)) {
            throw new InvalidInput("stage must be one of " + SyncStatus.REPORTABLE);
        }
        if (percent != null && (percent < 0 || percent > 100)) {
            throw new InvalidInput("percent must be between 0 and 100");
        }
        SyncOperation op = em.find(SyncOperation.class, operationId);
        if (op == null || !op.nodeId().equals(nodeId)) {
            throw new NotFound("node '" + nodeId + "' has no operation " + operationId);
        }
        SyncMoves.Reported reported;
        String said = truncate(message); // the live event carries what is stored, not an agent's megabyte
        try (Connection c = dataSource.getConnection()) {
            reported = SyncMoves.report(c, operationId, status, percent, said, clock.instant());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the progress of operation " + operationId, e);
        }
        if (reported == SyncMoves.Reported.ENDED) {
            throw new Conflict("operation " + operationId + " has ended already");
        }
        if (reported == SyncMoves.Reported.GONE) { // the node was removed (with its operations) since the find above
            throw new NotFound("node '" + nodeId + "' has no operation " + operationId);
        }
        em.refresh(op);
        if (reported == SyncMoves.Reported.MOVED) {
            events.fire(SyncEvent.of(status, operationId, nodeId, percent, said));
        } else {
            LOG.fine(() -> "operation " + operationId + " is " + op.status() + ": its agent's late report " + status + " changes nothing");
        }
        return op;
    }

    /**
     * Withdraws an operation no agent has claimed yet (PENDING: say, for an offline node, which it would otherwise keep
     * busy until it timed out); the node can be synced again at once. Needs the operator role (the class's).
     *
     * @throws NotFound for no such operation; Conflict when its agent has claimed it (it may be installing: only the
     *         agent's own reports or the time-out end it now) or when it has ended
     */
    // One statement, nothing to keep atomic with it: it commits by itself, so that the entity read after it is the
    // cancelled row. Inside a transaction that read came through EclipseLink's own connection and still said PENDING
    // (SyncIT); the live event, fired outside a transaction, goes out at once.
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public SyncOperation cancel(long operationId, String by) {
        String message = "cancelled by " + by + " before its agent claimed it";
        SyncMoves.Cancel outcome;
        try (Connection c = dataSource.getConnection()) {
            outcome = SyncMoves.cancel(c, operationId, by, message, clock.instant());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot cancel operation " + operationId, e);
        }
        if (outcome.status() == null) {
            throw new NotFound("no operation " + operationId);
        }
        if (!outcome.cancelled()) {
            throw new Conflict(outcome.status().isFinal()
                    ? "operation " + operationId + " has ended already (" + outcome.status() + "): nothing to cancel"
                    : "operation " + operationId + " is running: its agent has claimed it (" + outcome.status()
                    + "), so it can no longer be cancelled; it ends with the agent's report or times out");
        }
        events.fire(SyncEvent.of(SyncStatus.CANCELLED, operationId, outcome.nodeId(), null, message));
        SyncOperation op = em.find(SyncOperation.class, operationId);
        if (op == null) { // its node was removed (with its operations) since the statement
            throw new NotFound("no operation " + operationId);
        }
        return op;
    }

    /**
     * Operations that made no progress within the timeout end TIMED_OUT (never "in progress" forever). One may still
     * succeed late, when its node reports the target after all (SyncMoves#succeedLate, docs/protocol.md). Called
     * every 5 s by {@link SyncTimeouts}.
     */
    @PermitAll
    public int timeOutStale(Instant before) {
        List<SyncEvent> ended;
        try (Connection c = dataSource.getConnection()) {
            ended = SyncMoves.timeOut(c, before, clock.instant());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot end the operations without progress", e);
        }
        ended.forEach(events::fire);
        return ended.size();
    }

    /** The operations in flight, newest first. */
    @PermitAll
    public List<SyncOperation> running(int limit) {
        return em.createQuery("SELECT o FROM SyncOperation o WHERE o.status NOT IN :finals ORDER BY o.createdAt DESC, o.id DESC",
                        SyncOperation.class)
                .setParameter("finals", SyncStatus.FINAL)
                .setMaxResults(limit)
                .getResultList();
    }

    /** Newest first; every filter is optional. */
    @PermitAll
    public List<SyncOperation> history(String nodeId, SyncStatus status, Instant from, Instant to, int page, int size) {
        return history(nodeId, status, from, to, null, null, page, size);
    }

    /**
     * As above, and only operations of these triggers (null: any), and only those a schedule of this name fired (null:
     * any; a deleted schedule's too: its runs keep its name).
     */
    @PermitAll
    public List<SyncOperation> history(String nodeId, SyncStatus status, Instant from, Instant to,
                                       Set<TriggerType> triggers, String scheduleName, int page, int size) {
        StringBuilder q = new StringBuilder("SELECT o FROM SyncOperation o WHERE 1 = 1");
        if (triggers != null) {
            q.append(" AND o.trigger IN :triggers");
        }
        if (scheduleName != null) {
            q.append(" AND (o.bulkId IN (SELECT r.bulkId FROM ScheduleRun r WHERE r.scheduleName = :schedule)"
                    + " OR o.rolloutId IN (SELECT r.rolloutId FROM ScheduleRun r WHERE r.scheduleName = :schedule))");
        }
        if (nodeId != null) {
            q.append(" AND o.nodeId = :node");
        }
        if (status != null) {
            q.append(" AND o.status = :status");
        }
        if (from != null) {
            q.append(" AND o.createdAt >= :from");
        }
        if (to != null) {
            q.append(" AND o.createdAt < :to");
        }
        var query = em.createQuery(q.append(" ORDER BY o.createdAt DESC, o.id DESC").toString(), SyncOperation.class);
        if (nodeId != null) {
            query.setParameter("node", nodeId);
        }
        if (status != null) {
            query.setParameter("status", status);
        }
        if (from != null) {
            query.setParameter("from", from);
        }
        if (to != null) {
            query.setParameter("to", to);
        }
        if (triggers != null) {
            query.setParameter("triggers", triggers);
        }
        if (scheduleName != null) {
            query.setParameter("schedule", scheduleName);
        }
        return query.setFirstResult(page * size).setMaxResults(size).getResultList();
    }

    public record Stage(Instant at, String stage, Integer percent, String message) {
    }

    @PermitAll
    public List<Stage> stages(long operationId) {
        List<Object[]> rows = em.createNativeQuery(
                        "SELECT at, stage, percent, message FROM sync_progress WHERE operation_id = ?1 ORDER BY id")
                .setParameter(1, operationId)
                .getResultList();
        return rows.stream().map(r -> new Stage(((Timestamp) r[0]).toInstant(), (String) r[1],
                r[2] == null ? null : ((Number) r[2]).intValue(), (String) r[3])).toList();
    }

    private static String truncate(String s) {
        return s == null ? "" : s.length() > 4096 ? s.substring(0, 4096) : s;
    }
}
