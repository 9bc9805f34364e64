package dev.slm.rollout.control;

import dev.slm.fleet.boundary.NodeQueries;
import dev.slm.fleet.boundary.Settings;
import dev.slm.fleet.boundary.PinReader;
import dev.slm.fleet.entity.DesiredCommits;
import dev.slm.fleet.entity.Node;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import dev.slm.rollout.boundary.Rollouts.Left;
import dev.slm.rollout.boundary.Rollouts.Request;
import dev.slm.rollout.boundary.Rollouts.Started;
import dev.slm.rollout.entity.RestartType;
import dev.slm.rollout.entity.Rollout;
import dev.slm.rollout.entity.RolloutNode;
import dev.slm.rollout.entity.Share;
import dev.slm.rollout.entity.TriggerType;
import dev.slm.source.entity.CodeStatus;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.slm.rollout.boundary.Rollouts.MAX_HEALTH_CHECK_DELAY_S;
import static dev.slm.rollout.boundary.Rollouts.MAX_NODES;
import static dev.slm.rollout.boundary.Rollouts.MAX_TIMEOUT_S;
import static dev.slm.rollout.boundary.Rollouts.MIN_TIMEOUT_S;

/**
 * How a rollout is created, whoever asks: an operator ({@code Rollouts.start}, which checks the role) or a schedule
 * that fires ({@code Scheduler}, acting on what an operator set up). In the caller's transaction.
 */
@Dependent
public class RolloutStarts {

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    SyncRequests requests;

    @Inject
    NodeQueries queries;

    @Inject
    Settings settings;

    /**
     * Starts a rollout; its first batch goes out at the driver's next tick (within a second). An operator's rollout
     * is refused when a node is missing or held by another rollout; a schedule's ({@code leaveOutHeld}) leaves such
     * nodes out and says why, as it leaves out the nodes on the target already.
     *
     * @throws InvalidInput naming the option out of range, or no target given; NotFound for unknown node ids;
     *         Conflict when a node belongs to another running rollout (naming it) or no node needs the target;
     *         NotDeployable
     */
    public Started start(Request r, String by, TriggerType trigger, boolean leaveOutHeld) {
        String commit = requests.deployableTarget(r.targetCommit());
        List<String> targets = targets(r);
        lockNodes(targets);
        Map<String, Node> nodes = em.createQuery("SELECT n FROM Node n WHERE n.id IN :ids", Node.class)
                .setParameter("ids", targets).getResultStream().collect(Collectors.toMap(Node::id, Function.identity()));
        List<Left> left = new ArrayList<>();
        List<String> unknown = targets.stream().filter(id -> !nodes.containsKey(id)).toList();
        if (!unknown.isEmpty() && !leaveOutHeld) {
            throw new NotFound("no such node" + (unknown.size() > 1 ? "s" : "") + ": " + summary(unknown));
        }
        unknown.forEach(id -> left.add(new Left(id, "no such node (removed since)")));
        List<String> free = new ArrayList<>();
        for (String id : nodes.keySet().stream().filter(targets::contains).sorted(java.util.Comparator.comparing(targets::indexOf)).toList()) {
            Optional<SyncRequests.Holder> other = requests.rolloutOf(id);
            if (other.isEmpty()) {
                free.add(id);
            } else if (leaveOutHeld) {
                left.add(new Left(id, "busy: " + InRollout.message(id, other.get().rolloutId(), other.get().status())));
            } else {
                throw new Conflict(InRollout.message(id, other.get().rolloutId(), other.get().status())
                        + "; a node belongs to one rollout at a time (leave it out)");
            }
        }
        List<String> sent = new ArrayList<>();
        // no target named: the rollout goes to the fleet's desired commit, and a node pinned elsewhere (its own pin or
        // its role's, db/V17) stays where its pin holds it; naming target_commit moves it all the same
        DesiredCommits desired = r.targetCommit() == null ? PinReader.read(em) : null;
        for (String id : free) {
            Node n = nodes.get(id);
            Optional<DesiredCommits.Pin> pin = desired == null ? Optional.empty() : desired.pinOf(id, n.roles())
                    .filter(p -> !p.commit().equals(commit));
            if (pin.isPresent()) {
                left.add(new Left(id, pinned(pin.get()) + ": the rollout goes to " + commit
                        + " (name target_commit to move it all the same)"));
                continue;
            }
            boolean already = r.targetCommit() == null ? n.codeStatus() == CodeStatus.UP_TO_DATE : commit.equals(n.codeVersion());
            if (already && !r.reinstall()) {
                left.add(new Left(id, "runs the target already"));
            } else {
                sent.add(id);
            }
        }
        if (sent.isEmpty()) {
            Optional<String> pinnedElsewhere = left.stream().map(Left::reason).filter(x -> x.startsWith("pinned")).findFirst();
            throw new Conflict(pinnedElsewhere.map(why -> "nothing to roll out: every named node runs the target"
                            + " already or is pinned elsewhere (" + why + ")")
                    .orElse("nothing to roll out: every named node runs the target already (ask for a reinstall to"
                            + " install it again)"));
        }
        Rollout.Options options = options(r, sent.size());
        List<List<String>> batches = RolloutPlan.batches(sent, options.batchSize(), options.canary());
        Instant now = clock.instant();
        Duration timeout = r.timeoutS() != null ? Duration.ofSeconds(r.timeoutS())
                // each batch may take a whole sync timeout and its delay, and the deferred nodes one more; at most
                // the longest timeout one may give (10,000 batches of one node made 35 days)
                : min(settings.syncTimeout().plus(Duration.ofSeconds(options.healthCheckDelayS()))
                        .multipliedBy(batches.size() + 1), Duration.ofSeconds(MAX_TIMEOUT_S));
        Rollout rollout = new Rollout(commit, by, trigger, options, batches.size(), now, now.plus(timeout))
                .overridingWindows(r.overrideWindow());
        em.persist(rollout);
        em.flush();
        int position = 0;
        for (int b = 0; b < batches.size(); b++) {
            for (String id : batches.get(b)) {
                em.persist(new RolloutNode(rollout.id(), id, position++, b + 1));
            }
        }
        em.flush();
        return new Started(rollout, left);
    }

    /** How a node's pin is said: "pinned to abc1234 (role web)" or "(node)". */
    public static String pinned(DesiredCommits.Pin p) {
        return "pinned to " + p.commit().substring(0, 7) + " (" + (p.scope() == DesiredCommits.Scope.ROLE
                ? "role " + p.subject() : "its own pin") + ")";
    }

    private List<String> targets(Request r) {
        LinkedHashSet<String> ids = new LinkedHashSet<>(r.nodeIds() == null ? List.of() : r.nodeIds());
        for (String role : r.roles() == null ? List.<String>of() : r.roles()) {
            ids.addAll(nodesOfRole(queries, role));
        }
        if (r.allOutdated()) {
            ids.addAll(queries.needingUpdateIds());
        }
        if (ids.isEmpty()) {
            boolean named = (r.nodeIds() != null && !r.nodeIds().isEmpty()) || (r.roles() != null && !r.roles().isEmpty());
            throw new InvalidInput(!named && !r.allOutdated()
                    ? "name the nodes in node_ids or roles, or set all_outdated to true"
                    : "no node matches: the roles have no nodes, or no node needs an update");
        }
        if (ids.size() > MAX_NODES) {
            throw new InvalidInput("a rollout takes at most " + MAX_NODES + " nodes; " + ids.size() + " match");
        }
        return new ArrayList<>(ids);
    }

    /**
     * The nodes of one role, as a role is reported (no comma, no control character, at most 64 characters). A blank
     * one is refused: to the node query it would mean "no filter", the whole fleet.
     *
     * @throws InvalidInput naming roles
     */
    public static List<String> nodesOfRole(NodeQueries queries, String role) {
        Node.checkRole(role);
        return queries.ids(new NodeQueries.Filter(null, role.strip(), java.util.Set.of(), null, null), MAX_NODES);
    }

    /** Locks the nodes' rows in id order: a second rollout or a single sync naming one of them waits, then sees this one. */
    private void lockNodes(List<String> ids) {
        em.createNativeQuery("SELECT id FROM node WHERE id = ANY(CAST(?1 AS text[])) ORDER BY id FOR UPDATE")
                .setParameter(1, "{" + ids.stream().map(id -> "\"" + id.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                        .collect(Collectors.joining(",")) + "}")
                .getResultList();
    }

    private static Rollout.Options options(Request r, int total) {
        Share batch = share("batch_size", r.batchSize() == null ? "1" : r.batchSize());
        Integer maxFailures = r.maxFailures() == null ? null : share("max_failures", r.maxFailures()).of(total);
        int delay = r.healthCheckDelayS() == null ? 0 : r.healthCheckDelayS();
        if (delay < 0 || delay > MAX_HEALTH_CHECK_DELAY_S) {
            throw new InvalidInput("health_check_delay must be between 0 and " + MAX_HEALTH_CHECK_DELAY_S + " seconds");
        }
        if (r.canary() != null && (r.canary() < 1 || r.canary() >= total)) {
            throw new InvalidInput(total < 2 ? "canary needs at least two nodes in the rollout (it sends " + total + ")"
                    : "canary must be between 1 and " + (total - 1) + " (fewer nodes than the " + total + " the rollout sends)");
        }
        if (Boolean.TRUE.equals(r.autoPromote()) && r.canary() == null) {
            throw new InvalidInput("auto_promote applies to a canary: set canary too, or leave auto_promote out");
        }
        if (r.timeoutS() != null && (r.timeoutS() < MIN_TIMEOUT_S || r.timeoutS() > MAX_TIMEOUT_S)) {
            throw new InvalidInput("timeout must be between " + MIN_TIMEOUT_S + " and " + MAX_TIMEOUT_S + " seconds");
        }
        if (r.timeoutS() != null && r.timeoutS() <= delay) {
            throw new InvalidInput("timeout must be longer than health_check_delay: the rollout could only time out");
        }
        return new Rollout.Options(Math.min(batch.of(total), total), delay,
                r.abortOnFailure() == null || r.abortOnFailure(), maxFailures, r.canary(),
                Boolean.TRUE.equals(r.autoPromote()), r.restart(),
                r.restartType() == null ? RestartType.GRACEFUL : r.restartType(), r.reinstall());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Share share(String field, String value) {
        try {
            return Share.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(field + " " + e.getMessage());
        }
    }


    /**
     * Checks a rollout's options without creating anything (a schedule is checked when it is saved): the ranges that
     * do not depend on how many nodes it will send.
     *
     * @throws InvalidInput naming the option
     */
    public static void check(Request r) {
        options(r, MAX_NODES);
    }

    private static String summary(Collection<String> ids) {
        return ids.size() <= 10 ? String.join(", ", ids)
                : ids.stream().limit(10).collect(Collectors.joining(", ")) + " and " + (ids.size() - 10) + " more";
    }
}
