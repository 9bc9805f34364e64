package dev.slm.rollout.boundary;

import dev.slm.access.entity.Role;
import dev.slm.fleet.entity.Node;
import dev.slm.packages.boundary.Deployability;
import dev.slm.packages.boundary.NotDeployable;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import dev.slm.rollout.entity.RestartType;
import dev.slm.rollout.entity.SyncCommand;
import dev.slm.rollout.entity.SyncOperation;
import dev.slm.rollout.entity.SyncEvent;
import dev.slm.rollout.entity.SyncRequested;
import dev.slm.rollout.entity.SyncStatus;
import dev.slm.rollout.entity.TriggerType;
import dev.slm.source.entity.TrackedSource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The one sync path: every trigger creates operations here, agents' reports move them, the heartbeat ends them.
 * Transitions are single SQL statements guarded by the current status, so concurrent reports and server instances
 * cannot move an operation backwards or out of a final state.
 * <p>
 * Starting a sync needs the operator role (a method without its own annotation too), whoever calls: the API, the
 * web app, later a rollout. Reads are open (the web layer lets only logged-in operators read; live updates carry no
 * caller). The agents' calls are open too: an agent has no login but its node's token, which the API checks against
 * the node in the path before it calls here ({@code AgentTokenFilter}); a role could not say which node.
 */
@Stateless
@RolesAllowed(Role.Names.OPERATOR)
public class SyncOperations {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<SyncRequested> requested;

    @Inject
    Event<SyncEvent> events;

    @Inject
    Deployability deployability;

    /**
     * @throws NotDeployable when no agent could install the latest commit (checked first, for every trigger, so that
     *         a refused commit creates no operation anywhere); Conflict before any fetch; NotFound for an unknown
     *         node; {@link NodeBusy} when one is in flight
     */
    public SyncOperation request(String nodeId, boolean restart, RestartType type, String by, TriggerType trigger) {
        TrackedSource source = em.find(TrackedSource.class, TrackedSource.SINGLETON_ID);
        if (source == null || source.latestCommit() == null) {
            throw new Conflict("the server has not fetched the repository yet: nothing to sync to");
        }
        deployability.require(source.latestCommit(), source);
        // the row lock serialises requests for one node across server instances
        Node node = em.find(Node.class, nodeId, LockModeType.PESSIMISTIC_WRITE);
        if (node == null) {
            throw new NotFound("no node '" + nodeId + "' is registered");
        }
        Optional<SyncOperation> active = active(nodeId);
        if (active.isPresent()) {
            throw new NodeBusy(nodeId, active.get().id());
        }
        SyncOperation op = new SyncOperation(nodeId, node.codeVersion(), source.latestCommit(), restart,
                type == null ? RestartType.GRACEFUL : type, by, trigger, clock.instant());
        em.persist(op);
        em.flush();
        requested.fire(new SyncRequested(nodeId, op.id()));
        events.fire(SyncEvent.of(SyncStatus.PENDING, op.id(), nodeId, 0, "requested by " + by));
        return op;
    }

    @PermitAll
    public Optional<SyncOperation> active(String nodeId) {
        return em.createQuery("SELECT o FROM SyncOperation o WHERE o.nodeId = :node AND o.status NOT IN :finals",
                        SyncOperation.class)
                .setParameter("node", nodeId)
                .setParameter("finals", SyncStatus.FINAL)
                .getResultStream().findFirst();
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

    /** The command waiting for the node's agent, if any; marks it SENT. */
    @PermitAll
    public Optional<SyncCommand> claimCommand(String nodeId) {
        List<SyncOperation> ops = em.createQuery("SELECT o FROM SyncOperation o WHERE o.nodeId = :node"
                        + " AND o.status IN (dev.slm.rollout.entity.SyncStatus.PENDING, dev.slm.rollout.entity.SyncStatus.SENT)",
                        SyncOperation.class)
                .setParameter("node", nodeId)
                .getResultList();
        if (ops.isEmpty()) {
            return Optional.empty();
        }
        SyncOperation op = ops.get(0);
        em.createNativeQuery("UPDATE sync_operation SET status = 'SENT', updated_at = ?1 WHERE id = ?2 AND status = 'PENDING'")
                .setParameter(1, Timestamp.from(clock.instant()))
                .setParameter(2, op.id())
                .executeUpdate();
        return Optional.of(new SyncCommand(op.id(), nodeId, op.targetCommit(), op.restart(), op.restartType(), op.createdAt()));
    }

    /**
     * Records a stage the agent reports.
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
        Timestamp now = Timestamp.from(clock.instant());
        int moved = em.createNativeQuery("UPDATE sync_operation SET status = ?1, percent = NULLIF(?2, -1), message = ?3,"
                        + " updated_at = ?4, finished_at = CASE WHEN ?1 IN ('FAILED', 'ROLLED_BACK') THEN CAST(?4 AS TIMESTAMPTZ) END"
                        + " WHERE id = ?5 AND status IN " + SyncStatus.ACTIVE_SQL)
                .setParameter(1, status.name())
                .setParameter(2, percent == null ? -1 : percent)
                .setParameter(3, truncate(message))
                .setParameter(4, now)
                .setParameter(5, operationId)
                .executeUpdate();
        if (moved == 0) {
            throw new Conflict("operation " + operationId + " has ended already");
        }
        em.createNativeQuery("INSERT INTO sync_progress (operation_id, at, stage, percent, message) VALUES (?1, ?2, ?3, NULLIF(?4, -1), ?5)")
                .setParameter(1, operationId)
                .setParameter(2, now)
                .setParameter(3, status.name())
                .setParameter(4, percent == null ? -1 : percent)
                .setParameter(5, truncate(message))
                .executeUpdate();
        em.refresh(op);
        events.fire(SyncEvent.of(status, operationId, nodeId, percent, message));
        return op;
    }

    /**
     * Operations that made no progress within the timeout end TIMED_OUT (never "in progress" forever). One may still
     * succeed late, when its node reports the target after all (HeartbeatBatcher, docs/protocol.md). Open: the
     * timer ({@link SyncTimeouts}) has no caller, and it ends only what has stopped anyway.
     */
    @PermitAll
    public int timeOutStale(Instant before) {
        String message = "no progress reported before the sync timeout";
        @SuppressWarnings("unchecked")
        List<Object[]> ended = em.createNativeQuery("UPDATE sync_operation SET status = 'TIMED_OUT', finished_at = ?1,"
                        + " timed_out_at = ?1, may_succeed_late = true, updated_at = ?1, message = ?2 WHERE status IN " + SyncStatus.ACTIVE_SQL + " AND updated_at < ?3"
                        + " RETURNING id, node_id")
                .setParameter(1, Timestamp.from(clock.instant()))
                .setParameter(2, message)
                .setParameter(3, Timestamp.from(before))
                .getResultList();
        for (Object[] row : ended) {
            events.fire(SyncEvent.of(SyncStatus.TIMED_OUT, ((Number) row[0]).longValue(), (String) row[1], null, message));
        }
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
        StringBuilder q = new StringBuilder("SELECT o FROM SyncOperation o WHERE 1 = 1");
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
