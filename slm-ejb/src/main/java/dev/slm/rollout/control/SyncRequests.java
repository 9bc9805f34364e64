package dev.slm.rollout.control;

import dev.slm.fleet.entity.Node;
import dev.slm.packages.boundary.Deployability;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import dev.slm.rollout.boundary.AlreadyOnTarget;
import dev.slm.rollout.boundary.NodeBusy;
import dev.slm.rollout.entity.RestartType;
import dev.slm.rollout.entity.SyncEvent;
import dev.slm.rollout.entity.SyncOperation;
import dev.slm.rollout.entity.SyncRequested;
import dev.slm.rollout.entity.SyncStatus;
import dev.slm.rollout.entity.TriggerType;
import dev.slm.source.boundary.Mirror;
import dev.slm.source.entity.CodeStatus;
import dev.slm.source.entity.CommitInfo;
import dev.slm.source.entity.TrackedSource;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Creates sync operations, in the caller's transaction: the one place that decides whether a node may be sent a
 * commit. The boundaries call it after their own role check — {@code SyncOperations.request} for an operator, the
 * rollout driver for the rollout an operator started — so the web layer cannot reach it (ArchitectureTest).
 */
@Dependent
public class SyncRequests {

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

    @Inject
    Mirror mirror;

    /** What a new operation is: its options and what it belongs to. */
    public record Ask(boolean restart, RestartType type, String by, TriggerType trigger, boolean reinstall,
                      String target, Long bulkId, Long rolloutId, boolean overrideWindow) {

        public Ask(boolean restart, RestartType type, String by, TriggerType trigger, boolean reinstall, String target,
                   Long bulkId, Long rolloutId) {
            this(restart, type, by, trigger, reinstall, target, bulkId, rolloutId, false);
        }
    }

    @Inject
    WindowRules windows;

    /**
     * @param fleetCommit what {@link #deployableTarget} answered; when the ask names no target and the operation is
     *        not a rollout's, the node's own pin or its role's (db/V17) replaces it
     * @throws NotFound for an unknown node; {@link InRollout} when the node belongs to a running rollout other than
     *         {@code ask.rolloutId()}; {@link NodeBusy} when one is in flight; {@link AlreadyOnTarget} when the node
     *         runs the target already and reinstall is not set; {@link OutsideWindow} when the node's maintenance
     *         windows do not allow a sync now and the operator did not override them (a rollout's own operations are
     *         not checked here: it waits for the windows at its batch boundaries)
     */
    public SyncOperation create(String nodeId, String fleetCommit, Ask ask) {
        String commit = fleetCommit;
        // the row lock serialises requests for one node across server instances
        Node node = em.find(Node.class, nodeId, LockModeType.PESSIMISTIC_WRITE);
        if (node == null) {
            throw new NotFound("no node '" + nodeId + "' is registered");
        }
        Optional<Holder> rollout = rolloutOf(nodeId);
        if (rollout.isPresent() && rollout.get().rolloutId() != (ask.rolloutId() == null ? -1 : ask.rolloutId())) {
            throw new InRollout(nodeId, rollout.get().rolloutId(), rollout.get().status());
        }
        Optional<SyncOperation> active = active(nodeId);
        if (active.isPresent()) {
            throw new NodeBusy(nodeId, active.get().id());
        }
        if (ask.target() == null && ask.rolloutId() == null) {
            // no target named: the node's own desired commit — its pin or its role's when it has one (db/V17)
            var pin = dev.slm.fleet.boundary.PinReader.read(em).pinOf(nodeId, node.roles())
                    .filter(p -> !p.commit().equals(fleetCommit));
            if (pin.isPresent()) {
                TrackedSource source = em.find(TrackedSource.class, TrackedSource.SINGLETON_ID);
                commit = stillOnBranch(pin.get().commit(), source, "node " + nodeId + " is "
                        + RolloutStarts.pinned(pin.get()));
                deployability.require(commit, source);
            }
        }
        // the latest: what the node gets is what counts (a commit that changes nothing under SLM_GIT_PATH is no update)
        boolean already = ask.target() == null ? node.codeStatus() == CodeStatus.UP_TO_DATE : commit.equals(node.codeVersion());
        if (!ask.reinstall() && already) {
            throw new AlreadyOnTarget(nodeId, node.codeVersion(), commit);
        }
        String override = null;
        if (ask.trigger() != TriggerType.ROLLOUT) { // a rollout keeps to the windows at its batch boundaries
            Windows.Verdict verdict = windows.now().check(nodeId, node.roles());
            if (!verdict.allowed() && !ask.overrideWindow()) {
                throw new OutsideWindow(verdict);
            }
            override = verdict.allowed() ? null : "window '" + verdict.window().name() + "' overridden by " + ask.by();
        }
        SyncOperation op = new SyncOperation(nodeId, node.codeVersion(), commit, ask.restart(),
                ask.type() == null ? RestartType.GRACEFUL : ask.type(), ask.by(), ask.trigger(), clock.instant())
                .partOf(ask.bulkId()).sentBy(ask.rolloutId()).overriding(override);
        em.persist(op);
        em.flush();
        requested.fire(new SyncRequested(nodeId, op.id()));
        events.fire(SyncEvent.of(SyncStatus.PENDING, op.id(), nodeId, 0, "requested by " + ask.by()));
        return op;
    }

    public Optional<SyncOperation> active(String nodeId) {
        return em.createQuery("SELECT o FROM SyncOperation o WHERE o.nodeId = :node AND o.status NOT IN :finals",
                        SyncOperation.class)
                .setParameter("node", nodeId)
                .setParameter("finals", SyncStatus.FINAL)
                .getResultStream().findFirst();
    }

    /** The rollout that holds a node, and its status (an ended one may still be syncing it). */
    public record Holder(long rolloutId, String status) {
    }

    /** The rollout the node waits in, is synced or checked by (RolloutNodeState.HELD, db/V13's one-rollout index). */
    public Optional<Holder> rolloutOf(String nodeId) {
        List<?> rows = em.createNativeQuery("SELECT n.rollout_id, r.status FROM rollout_node n JOIN rollout r"
                        + " ON r.id = n.rollout_id WHERE n.node_id = ?1 AND n.state IN " + HELD_SQL)
                .setParameter(1, nodeId).getResultList();
        return rows.stream().findFirst().map(row -> new Holder(((Number) ((Object[]) row)[0]).longValue(),
                (String) ((Object[]) row)[1]));
    }

    private static final String HELD_SQL = dev.slm.rollout.entity.RolloutNodeState.HELD.stream()
            .map(s -> "'" + s.name() + "'").collect(java.util.stream.Collectors.joining(", ", "(", ")"));

    /**
     * A pinned commit a sync is to send by default, when it is still a commit of the tracked branch: after the branch
     * was rewritten (a force-push) a pin may hold a commit the branch no longer has, which no request naming it could
     * send.
     *
     * @throws Conflict saying whose pin it is and what to do
     */
    private String stillOnBranch(String commit, TrackedSource source, String whose) {
        try {
            return mirror.onBranch(commit, "commit", source);
        } catch (InvalidInput e) {
            throw new Conflict(whose + ", which is no longer a commit of the tracked branch " + source.branch()
                    + " (rewritten?): pin it again at a commit of the branch, or unpin it");
        }
    }

    /**
     * The commit a sync sends: {@code target}, or the fleet's desired commit when null (a node or role pin then
     * replaces it in {@link #create}); checked before anything is created.
     *
     * @throws Conflict before the first fetch; InvalidInput for a target off the branch; NotDeployable
     */
    public String deployableTarget(String target) {
        TrackedSource source = em.find(TrackedSource.class, TrackedSource.SINGLETON_ID);
        if (source == null || source.latestCommit() == null) {
            throw new Conflict("the server has not fetched the repository yet: nothing to sync to");
        }
        // by default the desired commit: the tip, or the commit the fleet is pinned to (a rollback that stays)
        String commit = target == null ? source.desiredCommit() : mirror.onBranch(target, "target_commit", source);
        if (target == null && source.pinnedCommit() != null) {
            stillOnBranch(commit, source, "the fleet is pinned to " + commit.substring(0, 7));
        }
        deployability.require(commit, source);
        return commit;
    }
}
