package dev.slm.rollout.boundary;

import dev.slm.access.entity.Role;
import dev.slm.fleet.boundary.FleetStatus;
import dev.slm.fleet.boundary.NodeQueries;
import dev.slm.fleet.boundary.Settings;
import dev.slm.fleet.entity.Node;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import dev.slm.rollout.control.RolloutStarts;
import dev.slm.rollout.control.WindowRules;
import dev.slm.rollout.control.Windows;
import java.util.HashSet;
import java.util.Set;
import dev.slm.rollout.control.SyncRequests;
import dev.slm.rollout.entity.RestartType;
import dev.slm.rollout.entity.Rollout;
import dev.slm.rollout.entity.RolloutBatch;
import dev.slm.rollout.entity.RolloutNode;
import dev.slm.rollout.entity.RolloutNodeState;
import dev.slm.rollout.entity.RolloutProgress;
import dev.slm.rollout.entity.RolloutStatus;
import dev.slm.rollout.entity.SyncOperation;
import dev.slm.rollout.entity.SyncStatus;
import dev.slm.rollout.entity.TriggerType;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Stateless;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Rolling rollouts: started, paused, resumed and aborted by operators, advanced by {@link RolloutDriver} from what is
 * stored (so a server killed mid-rollout carries on where the rows say). Every node it sends goes through the one sync
 * path ({@link SyncRequests}) with the rollout's id, and the rollout holds its nodes (db/V13): nothing else syncs them
 * until it ends.
 */
@Stateless
@RolesAllowed(Role.Names.OPERATOR)
public class Rollouts {

    /** The most nodes one rollout takes, as a bulk sync (FleetSync's limit). */
    public static final int MAX_NODES = 10_000;
    public static final int MAX_HEALTH_CHECK_DELAY_S = 86_400;
    public static final int MIN_TIMEOUT_S = 60;
    public static final int MAX_TIMEOUT_S = 7 * 86_400;

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    SyncRequests requests;

    @Inject
    RolloutStarts starts;

    @Inject
    WindowRules windowRules;

    @Inject
    NodeQueries queries;

    @Inject
    FleetStatus fleet;

    @Inject
    Settings settings;

    @Inject
    Event<RolloutProgress> progress;

    /**
     * What an operator asks for: the targets (ids, roles, every node that needs an update; together, their union) and
     * the options as given ({@code batchSize}, {@code maxFailures}: a count or a percentage; null: the default).
     */
    public record Request(List<String> nodeIds, List<String> roles, boolean allOutdated, String targetCommit,
                          String batchSize, Integer healthCheckDelayS, Boolean abortOnFailure, String maxFailures,
                          Integer canary, Boolean autoPromote, boolean restart, RestartType restartType,
                          boolean reinstall, Integer timeoutS, boolean overrideWindow) {
    }

    /** A node the rollout leaves out, and why (it runs the target already). */
    public record Left(String nodeId, String reason) {
    }

    public record Started(Rollout rollout, List<Left> left) {
    }

    /**
     * Starts a rollout; its first batch goes out at the driver's next tick (within a second).
     *
     * @throws InvalidInput naming the option out of range, or no target given; NotFound for unknown node ids;
     *         Conflict when a node belongs to another running rollout (naming it) or no node needs the target;
     *         NotDeployable
     */
    public Started start(Request r, String by) {
        Started started = starts.start(r, by, TriggerType.ROLLOUT, false);
        fire(started.rollout());
        return started;
    }

    /**
     * The nodes of one role, as a role is reported (no comma, no control character, at most 64 characters). A blank
     * one is refused: to the node query it would mean "no filter", the whole fleet.
     *
     * @throws InvalidInput naming roles
     */
    public static List<String> nodesOfRole(NodeQueries queries, String role) {
        return RolloutStarts.nodesOfRole(queries, role);
    }

    /** @throws Conflict unless it is running */
    public Rollout pause(long id, String by) {
        Rollout r = locked(id);
        if (r.status() != RolloutStatus.RUNNING) {
            throw new Conflict("rollout " + id + " is " + r.status() + ": only a running rollout can be paused");
        }
        r.pause("paused by " + by + ": no new batch starts; nodes already syncing finish", clock.instant());
        fire(r);
        return r;
    }

    /** @throws Conflict unless it is paused */
    public Rollout resume(long id, String by) {
        Rollout r = locked(id);
        if (r.status() != RolloutStatus.PAUSED) {
            throw new Conflict("rollout " + id + " is " + r.status() + ": only a paused rollout can be resumed");
        }
        r.resume("resumed by " + by, clock.instant());
        fire(r);
        return r;
    }

    /** Starts no more nodes; those syncing finish (their outcome is still recorded). @throws Conflict when it has ended */
    public Rollout abort(long id, String by) {
        Rollout r = locked(id);
        if (r.status().ended()) {
            throw new Conflict("rollout " + id + " has ended already (" + r.status() + ")");
        }
        end(r, RolloutStatus.ABORTED, "aborted by " + by, clock.instant());
        fire(r);
        return r;
    }

    private Rollout locked(long id) {
        Rollout r = em.find(Rollout.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (r == null) {
            throw new NotFound("no rollout " + id);
        }
        return r;
    }

    // ---- reading ----

    /** A rollout with its batches and nodes. */
    public record View(Rollout rollout, List<RolloutBatch> batches, List<RolloutNode> nodes) {

        public Map<RolloutNodeState, Long> counts() {
            Map<RolloutNodeState, Long> counts = new EnumMap<>(RolloutNodeState.class);
            nodes.forEach(n -> counts.merge(n.state(), 1L, Long::sum));
            return counts;
        }

        public List<RolloutNode> inBatch(int number) {
            return nodes.stream().filter(n -> n.batch() == number).toList();
        }

        /** The batch as sent, if it has started. */
        public Optional<RolloutBatch> batch(int number) {
            return batches.stream().filter(b -> b.number() == number).findFirst();
        }

        /** The last batch number to show: the planned ones, and the deferred nodes' turn once it has started. */
        public int lastBatch() {
            return Math.max(rollout.batchCount(), batches.stream().mapToInt(RolloutBatch::number).max().orElse(0));
        }
    }

    @PermitAll
    public Optional<View> view(long id) {
        Rollout r = em.find(Rollout.class, id);
        if (r == null) {
            return Optional.empty();
        }
        return Optional.of(new View(r,
                em.createQuery("SELECT b FROM RolloutBatch b WHERE b.rolloutId = :id ORDER BY b.number", RolloutBatch.class)
                        .setParameter("id", id).getResultList(),
                nodes(id)));
    }

    /** The newest rollouts, first the unfinished ones. */
    @PermitAll
    public List<Rollout> recent(int limit) {
        return em.createQuery("SELECT r FROM Rollout r ORDER BY CASE WHEN r.endedAt IS NULL THEN 0 ELSE 1 END, r.id DESC",
                Rollout.class).setMaxResults(Math.max(0, Math.min(limit, 1000))).getResultList();
    }

    /** A rollout and its nodes counted per state. */
    public record Summary(Rollout rollout, Map<RolloutNodeState, Long> counts) {
    }

    /** The newest rollouts, unfinished first, with their counts: two queries, whatever the rollouts' sizes. */
    @PermitAll
    public List<Summary> summaries(int limit) {
        List<Rollout> rollouts = recent(limit);
        Map<Long, Map<RolloutNodeState, Long>> counts = counts(rollouts.stream().map(Rollout::id).toList());
        return rollouts.stream().map(r -> new Summary(r, counts.getOrDefault(r.id(), Map.of()))).toList();
    }

    /** The ids of the rollouts the driver must look at: unfinished, or ended with nodes still syncing. */
    @PermitAll
    public List<Long> toAdvance() {
        List<?> ids = em.createNativeQuery("SELECT id FROM rollout WHERE ended_at IS NULL UNION"
                + " SELECT DISTINCT rollout_id FROM rollout_node WHERE state = 'SYNCING' ORDER BY 1").getResultList();
        return ids.stream().map(id -> ((Number) id).longValue()).toList();
    }

    private List<RolloutNode> nodes(long id) {
        return em.createQuery("SELECT n FROM RolloutNode n WHERE n.rolloutId = :id ORDER BY n.position", RolloutNode.class)
                .setParameter("id", id).getResultList();
    }

    // ---- driving ----

    /**
     * How one advance judges nodes' silence, worked out once per advance: online since when, and — just after a server
     * start — whether a node is silent only because this server was down (last seen before it started).
     */
    private record Liveness(Instant onlineSince, Instant serverStart, boolean inGrace) {

        boolean online(Node node) {
            return node.isOnline(onlineSince);
        }

        boolean silentForOurDowntime(Node node) {
            return inGrace && node != null && !online(node) && node.lastSeen() != null
                    && node.lastSeen().isBefore(serverStart);
        }
    }

    /**
     * One step of the rollout, from the stored rows: records the outcome of its nodes' operations, ends it when its
     * failures reach the limit or its deadline passes, waits for the current batch to settle and stay healthy for the
     * delay, then starts the next batch (deferring nodes offline or busy at their turn) or the deferred nodes' turn,
     * or ends it. Idempotent: two instances or two ticks doing it twice change nothing more (the row is locked).
     * Open to every caller: it does only what the rollout an operator started asks for.
     */
    @PermitAll
    public void advance(long id, Instant serverStart, Instant graceEnd) {
        Rollout r = em.find(Rollout.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (r == null) {
            return;
        }
        Instant now = clock.instant();
        // just after a server start a node's last report is as old as the server's downtime: a node last seen before
        // the start is not taken for offline until its agent had the time to come back (RolloutDriver's grace)
        Liveness liveness = new Liveness(fleet.onlineSince(), serverStart, now.isBefore(graceEnd));
        List<RolloutNode> nodes = nodes(id);
        boolean moved = recordOutcomes(r, nodes, now);
        if (r.status().ended()) {
            if (moved) {
                fire(r);
            }
            return;
        }
        long failed = nodes.stream().filter(n -> n.state() == RolloutNodeState.FAILED).count();
        if (failed >= r.options().failureLimit()) {
            String who = nodes.stream().filter(n -> n.state() == RolloutNodeState.FAILED)
                    .map(n -> n.nodeId() + " (" + n.detail() + ")").limit(5).collect(Collectors.joining("; "));
            end(r, RolloutStatus.FAILED, failed + " node" + (failed > 1 ? "s" : "") + " failed, the limit is "
                    + r.options().failureLimit() + ": stopped, later batches untouched. " + who, now);
            fire(r);
            return;
        }
        // a paused rollout is waiting for an operator, not late: its deadline moves on when it resumes
        if (r.status() == RolloutStatus.RUNNING && now.isAfter(r.deadline())) {
            end(r, RolloutStatus.TIMED_OUT, "its deadline " + r.deadline() + " passed", now);
            fire(r);
            return;
        }
        RolloutBatch current = r.currentBatch() == 0 ? null : em.createQuery(
                        "SELECT b FROM RolloutBatch b WHERE b.rolloutId = :id AND b.number = :n", RolloutBatch.class)
                .setParameter("id", id).setParameter("n", r.currentBatch()).getResultStream().findFirst().orElse(null);
        if (current != null && current.endedAt() == null) {
            // paused too: the batch that is out settles and is checked; only the next one waits for the operator
            moved |= waitForHealth(r, current, nodes, now, liveness);
        }
        if ((current != null && current.endedAt() == null) || r.status() != RolloutStatus.RUNNING) {
            if (moved) {
                fire(r);
            }
            return;
        }
        if (r.currentBatch() <= r.batchCount()) {
            try {
                requests.deployableTarget(r.targetCommit()); // a force-push may have taken it off the branch meanwhile
            } catch (RuntimeException e) {
                end(r, RolloutStatus.FAILED, "its target can no longer be sent: " + e.getMessage(), now);
                fire(r);
                return;
            }
        }
        // batches whose nodes were all deferred end at once: the next one starts in the same step (10,000 offline
        // nodes in batches of one took a second each)
        while (r.currentBatch() < r.batchCount()) {
            int next = r.currentBatch() + 1;
            if (startBatch(r, next, nodes.stream().filter(n -> n.batch() == next && n.state() == RolloutNodeState.WAITING)
                    .toList(), now, false, liveness)) {
                fire(r);
                return;
            }
        }
        if (r.status() != RolloutStatus.RUNNING) {
            fire(r);
            return;
        }
        if (r.currentBatch() == r.batchCount()
                && nodes.stream().anyMatch(n -> n.state() == RolloutNodeState.DEFERRED)) {
            startBatch(r, r.deferredBatch(), nodes.stream().filter(n -> n.state() == RolloutNodeState.DEFERRED).toList(),
                    now, true, liveness);
        } else {
            finish(r, nodes, now);
        }
        fire(r);
    }

    /** Nodes whose operation ended take its outcome. */
    private boolean recordOutcomes(Rollout r, List<RolloutNode> nodes, Instant now) {
        List<RolloutNode> syncing = nodes.stream().filter(n -> n.state() == RolloutNodeState.SYNCING).toList();
        if (syncing.isEmpty()) {
            return false;
        }
        Map<Long, SyncOperation> ops = em.createQuery("SELECT o FROM SyncOperation o WHERE o.id IN :ids", SyncOperation.class)
                .setParameter("ids", syncing.stream().map(RolloutNode::operationId).toList()).getResultStream()
                .collect(Collectors.toMap(SyncOperation::id, Function.identity()));
        boolean moved = false;
        for (RolloutNode n : syncing) {
            SyncOperation op = ops.get(n.operationId());
            if (op == null) {
                n.end(RolloutNodeState.FAILED, "its operation " + n.operationId() + " is gone", now);
                moved = true;
            } else if (op.status() == SyncStatus.SUCCEEDED) {
                n.end(r.status().ended() ? RolloutNodeState.SUCCEEDED : RolloutNodeState.CHECKING,
                        r.status().ended() ? "on the target" : "on the target: staying healthy for the delay",
                        op.finishedAt() == null ? now : op.finishedAt());
                moved = true;
            } else if (op.status().isFinal()) {
                n.end(RolloutNodeState.FAILED, op.status() + ": " + op.message(), op.finishedAt() == null ? now : op.finishedAt());
                moved = true;
            }
        }
        if (moved) {
            r.touch(now);
        }
        return moved;
    }

    /**
     * The batch settles when none of its nodes is syncing any more, and ends once it has stayed healthy for the delay:
     * every node it sent online and on the target throughout (checked at each tick; one that is not fails).
     */
    private boolean waitForHealth(Rollout r, RolloutBatch batch, List<RolloutNode> nodes, Instant now, Liveness liveness) {
        List<RolloutNode> in = nodes.stream().filter(n -> n.batch() == batch.number()).toList();
        if (in.stream().anyMatch(n -> n.state() == RolloutNodeState.SYNCING)) {
            return false;
        }
        boolean moved = false;
        if (batch.settledAt() == null) {
            batch.settle(now);
            moved = true;
        }
        boolean silent = false;
        for (RolloutNode n : in) {
            if (n.state() != RolloutNodeState.CHECKING) {
                continue;
            }
            Node node = em.find(Node.class, n.nodeId());
            if (liveness.silentForOurDowntime(node)) {
                silent = true; // maybe an agent still coming back after the server's restart: wait, judge later
            } else if (node == null || !r.targetCommit().equals(node.codeVersion()) || !liveness.online(node)) {
                n.end(RolloutNodeState.FAILED, node == null ? "removed during the health check delay"
                        : !liveness.online(node) ? "went offline during the health check delay"
                        : "left the target during the health check delay (reports " + node.codeVersion() + ")", now);
                moved = true;
            }
        }
        if (silent) {
            return moved;
        }
        if (moved && in.stream().anyMatch(n -> n.state() == RolloutNodeState.FAILED)
                && nodes.stream().filter(n -> n.state() == RolloutNodeState.FAILED).count() >= r.options().failureLimit()) {
            return true; // the next tick ends the rollout FAILED
        }
        if (!now.isBefore(batch.settledAt().plus(r.healthCheckDelay()))) {
            in.stream().filter(n -> n.state() == RolloutNodeState.CHECKING)
                    .forEach(n -> n.end(RolloutNodeState.SUCCEEDED, "on the target, and stayed there through the delay", now));
            batch.end(now);
            r.touch(now);
            moved = true;
            if (batch.number() == 1 && r.options().canary() != null && !r.options().autoPromote()) {
                r.pause("the canary batch is healthy: waiting for an operator's go (resume)", now);
            }
        }
        return moved;
    }

    /**
     * Sends the nodes of a batch. One offline or busy at its turn is deferred to the end (the deferred turn: then it is
     * skipped, which is no failure); one on the target already (a sync it did not get from us) is skipped; one removed
     * from the fleet is skipped. Just after a server start (no node judged offline yet) a batch with a silent node
     * waits instead.
     *
     * @return whether the batch is out and must be waited for; false when it sent nothing (it ended at once)
     */
    private boolean startBatch(Rollout r, int number, List<RolloutNode> nodes, Instant now, boolean deferredTurn,
                               Liveness liveness) {
        if (nodes.stream().map(n -> em.find(Node.class, n.nodeId())).anyMatch(liveness::silentForOurDowntime)) {
            return true; // wait for the agents of a restarted server to come back before deferring anyone
        }
        Set<String> outside = new HashSet<>();
        if (!r.overridesWindows() && holdForWindows(r, number, nodes, deferredTurn, now, outside)) {
            return true;
        }
        r.startBatch(number, now);
        Rollout.Options o = r.options();
        // read once for the batch (an override is recorded per node sent outside its window)
        Windows overridden = r.overridesWindows() ? windowRules.now() : null;
        SyncRequests.Ask ask = new SyncRequests.Ask(o.restart(), o.restartType(), r.requestedBy(), TriggerType.ROLLOUT,
                o.reinstall(), r.targetCommit(), null, r.id());
        int sent = 0;
        // a role or a node pinned elsewhere after the rollout started: the later decision holds it (the pins read once
        // for the batch; a pin older than the rollout was seen at its start, RolloutStarts)
        dev.slm.fleet.entity.DesiredCommits desired = dev.slm.fleet.boundary.PinReader.read(em);
        for (RolloutNode n : nodes) {
            Node node = em.find(Node.class, n.nodeId());
            if (node == null) {
                n.end(RolloutNodeState.SKIPPED, "skipped: removed from the fleet before its turn", now);
                continue;
            }
            var pinned = desired.pinOf(node.id(), node.roles())
                    .filter(p -> !p.commit().equals(r.targetCommit()) && p.at().isAfter(r.createdAt()));
            if (pinned.isPresent()) {
                n.end(RolloutNodeState.SKIPPED, "skipped: " + RolloutStarts.pinned(pinned.get()) + " by "
                        + pinned.get().by() + " after the rollout started", now);
                continue;
            }
            if (!liveness.online(node)) {
                later(n, deferredTurn, "offline", now);
                continue;
            }
            if (outside.contains(n.nodeId())) {
                later(n, deferredTurn, "outside its maintenance window", now);
                continue;
            }
            try {
                SyncOperation op = requests.create(n.nodeId(), r.targetCommit(), ask);
                Windows.Verdict v = overridden == null ? null : overridden.check(n.nodeId(), node.roles());
                if (v != null && !v.allowed()) { // recorded as an operator's override is
                    op.overriding("window '" + v.window().name() + "' overridden by " + r.requestedBy() + " (rollout "
                            + r.id() + ")");
                }
                n.syncing(number, op.id(), now);
                sent++;
            } catch (AlreadyOnTarget e) {
                n.end(RolloutNodeState.SKIPPED, "runs the target already", now);
            } catch (NodeBusy e) {
                later(n, deferredTurn, "busy with operation " + e.operationId(), now);
            } catch (Conflict | NotFound e) {
                later(n, deferredTurn, e.getMessage(), now);
            }
        }
        // a planned batch is recorded even when every node of it was deferred (its time is part of the story); the
        // deferred nodes' turn only when it sent one
        if (sent > 0 || !deferredTurn) {
            RolloutBatch batch = new RolloutBatch(r.id(), number, now);
            if (sent == 0) {
                batch.end(now); // nothing to wait for
            }
            em.persist(batch);
        }
        return sent > 0;
    }

    /**
     * A batch whose every node is outside its maintenance windows waits (the rollout stays RUNNING, its reason says for
     * which window and until when): the window closed at a batch boundary, and the rollout goes on when it opens. A
     * batch with some nodes inside goes; the others are deferred like offline ones ({@code outside}).
     *
     * @return whether the batch waits
     */
    private boolean holdForWindows(Rollout r, int number, List<RolloutNode> nodes, boolean deferredTurn, Instant now,
                                   Set<String> outside) {
        Windows windows = windowRules.now();
        if (windows.none()) {
            return false;
        }
        List<Windows.Verdict> refused = new ArrayList<>();
        int present = 0;
        for (RolloutNode n : nodes) {
            Node node = em.find(Node.class, n.nodeId());
            if (node == null) {
                continue;
            }
            present++;
            Windows.Verdict v = windows.check(n.nodeId(), node.roles());
            if (!v.allowed()) {
                refused.add(v);
                outside.add(n.nodeId());
            }
        }
        if (refused.isEmpty() || refused.size() < present) {
            return false;
        }
        Windows.Verdict first = refused.stream().filter(v -> v.from() != null)
                .min(java.util.Comparator.comparing(Windows.Verdict::from)).orElse(refused.get(0));
        int left = r.batchCount() - number + 2;
        r.waitForWindow((deferredTurn ? "the deferred nodes' turn" : "batch " + number) + ": " + first.reason(),
                first.from(), settings.syncTimeout().plus(r.healthCheckDelay()).multipliedBy(Math.max(1, left)), now);
        return true;
    }

    private static void later(RolloutNode n, boolean deferredTurn, String why, Instant now) {
        if (deferredTurn) {
            n.end(RolloutNodeState.SKIPPED, "skipped: " + why + " at its turn and at the end", now);
        } else {
            n.defer(why + " at its turn: deferred to the end");
        }
    }

    private void finish(Rollout r, List<RolloutNode> nodes, Instant now) {
        long failed = nodes.stream().filter(n -> n.state() == RolloutNodeState.FAILED).count();
        long skipped = nodes.stream().filter(n -> n.state() == RolloutNodeState.SKIPPED).count();
        long succeeded = nodes.stream().filter(n -> n.state() == RolloutNodeState.SUCCEEDED).count();
        String summary = succeeded + " on the target" + (skipped > 0 ? ", " + skipped + " skipped" : "")
                + (failed > 0 ? ", " + failed + " failed (below the limit of " + r.options().failureLimit() + ")" : "");
        end(r, failed > 0 ? RolloutStatus.COMPLETED_WITH_FAILURES : RolloutStatus.SUCCEEDED, summary, now);
    }

    /** Ends it: nodes it had not reached are listed as such (and freed for other syncs); syncing ones finish. */
    private void end(Rollout r, RolloutStatus end, String why, Instant now) {
        List<RolloutNode> notReached = nodes(r.id()).stream()
                .filter(n -> n.state() == RolloutNodeState.WAITING || n.state() == RolloutNodeState.DEFERRED).toList();
        notReached.forEach(n -> n.end(RolloutNodeState.NOT_REACHED, "the rollout ended (" + end + ") before its turn", now));
        nodes(r.id()).stream().filter(n -> n.state() == RolloutNodeState.CHECKING).forEach(n -> n.end(
                RolloutNodeState.SUCCEEDED, "on the target (the rollout ended during its health check delay)", now));
        String list = notReached.isEmpty() ? "" : "; not reached: " + summary(notReached.stream().map(RolloutNode::nodeId).toList());
        r.end(end, why + list, now);
    }

    private void fire(Rollout r) {
        em.flush();
        progress.fire(new RolloutProgress(r.id(), r.status(), r.currentBatch(), r.batchCount(),
                counts(List.of(r.id())).getOrDefault(r.id(), new EnumMap<>(RolloutNodeState.class))));
    }

    /** The rollouts' nodes counted per state, in one query (no node loaded). */
    private Map<Long, Map<RolloutNodeState, Long>> counts(List<Long> ids) {
        Map<Long, Map<RolloutNodeState, Long>> counts = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return counts;
        }
        em.createQuery("SELECT n.rolloutId, n.state, COUNT(n) FROM RolloutNode n WHERE n.rolloutId IN :ids"
                        + " GROUP BY n.rolloutId, n.state", Object[].class)
                .setParameter("ids", ids).getResultList()
                .forEach(row -> counts.computeIfAbsent((Long) row[0], k -> new EnumMap<>(RolloutNodeState.class))
                        .put((RolloutNodeState) row[1], (Long) row[2]));
        return counts;
    }

    private static String summary(Collection<String> ids) {
        return ids.size() <= 10 ? String.join(", ", ids)
                : ids.stream().limit(10).collect(Collectors.joining(", ")) + " and " + (ids.size() - 10) + " more";
    }
}
