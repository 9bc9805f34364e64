package dev.slm.web.ui;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import dev.slm.access.entity.Role;
import dev.slm.packages.boundary.NotDeployable;
import com.vaadin.flow.component.UI;
import dev.slm.rollout.boundary.BulkSync;
import dev.slm.rollout.boundary.Rollouts;
import dev.slm.rollout.boundary.SyncPlans;
import dev.slm.rollout.entity.RestartType;
import dev.slm.rollout.entity.TriggerType;
import dev.slm.source.boundary.SourceTracker;
import jakarta.ejb.EJBAccessException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.List;

/** What operators do from the web app; the boundary EJBs check the operator's role, this says what they answered. */
@ApplicationScoped
public class Actions {

    @Inject
    BulkSync bulk;

    @Inject
    SourceTracker tracker;

    @Inject
    SyncPlans plans;

    @Inject
    Rollouts rollouts;

    @Inject
    dev.slm.fleet.boundary.Pins pins;

    /** The fleet's desired commit and the role and node pins, for a page to show. */
    public dev.slm.fleet.entity.DesiredCommits desired() {
        return pins.current();
    }

    /** Pins a role's nodes (a node's when {@code role} is false) to a commit, null: unpins; says what happened. */
    public boolean pin(boolean role, String subject, String commit, String reason) {
        String what = (role ? "Role " : "Node ") + subject;
        return ConfigForms.act(() -> {
            if (commit == null && role) {
                pins.unpinRole(subject, who());
            } else if (commit == null) {
                pins.unpinNode(subject, who());
            } else if (role) {
                pins.pinRole(subject, commit, who(), reason);
            } else {
                pins.pinNode(subject, commit, who(), reason);
            }
        }, commit == null ? what + " unpinned: it follows the " + (role ? "fleet's" : "role's or the fleet's")
                + " desired commit again" : what + " pinned at " + CodeBadge.shortId(commit)
                + ": measured against it, a sync sends it");
    }

    /** What a sync of these nodes would do: the dialog's preview. */
    public SyncPlans.Plan plan(Collection<String> nodeIds) {
        return plans.plan(nodeIds);
    }

    /**
     * Syncs the nodes; one notice follows the operations it started (Notices), and one more lists the nodes it could
     * not start, at most {@value #PROBLEMS_SHOWN} lines of them.
     */
    public void sync(Collection<String> nodeIds, boolean restart, RestartType type) {
        sync(nodeIds, restart, type, false);
    }

    /** As above; {@code overrideWindow}: also nodes outside their maintenance windows (recorded on each operation). */
    public void sync(Collection<String> nodeIds, boolean restart, RestartType type, boolean overrideWindow) {
        String who = Operator.current().map(Operator::name).orElse("");
        List<BulkSync.Outcome> outcomes;
        try {
            outcomes = bulk.request(nodeIds, restart, type, who, nodeIds.size() == 1 ? TriggerType.NODE : TriggerType.FLEET,
                    false, null, overrideWindow);
        } catch (NotDeployable e) {
            error(e.getMessage());
            return;
        } catch (EJBAccessException e) {
            refused(Role.OPERATOR);
            return;
        }
        List<BulkSync.Outcome> created = outcomes.stream().filter(o -> o.result() == BulkSync.Result.CREATED).toList();
        if (!created.isEmpty()) {
            Notices.of(UI.getCurrent()).bulkStarted(created.size() == 1 ? "Sync of " + created.get(0).nodeId()
                    : "Sync of " + created.size() + " nodes", created.stream().map(BulkSync.Outcome::operationId).toList());
        }
        // one line per reason: a commit refused midway refuses every node left for the same reason
        List<String> problems = outcomes.stream().filter(o -> o.result() != BulkSync.Result.CREATED)
                .map(o -> o.result() == BulkSync.Result.BUSY
                        ? o.nodeId() + ": a sync is already running (operation " + o.operationId() + ")"
                        : o.detail().contains(o.nodeId()) ? o.detail() : o.nodeId() + ": " + o.detail())
                .distinct().toList();
        if (!problems.isEmpty()) {
            error(String.join("\n", problems.subList(0, Math.min(PROBLEMS_SHOWN, problems.size())))
                    + (problems.size() > PROBLEMS_SHOWN ? "\n… and " + (problems.size() - PROBLEMS_SHOWN) + " more" : ""));
        }
    }

    /**
     * Starts a rolling rollout of the nodes; the Rollouts section on /updates follows it.
     *
     * @return the rollout's id, or null when it was refused (said in a notice)
     */
    public Long startRollout(Rollouts.Request request) {
        try {
            Rollouts.Started started = rollouts.start(request, who());
            ok("Rollout #" + started.rollout().id() + " started: " + started.rollout().batchCount() + " batch"
                    + (started.rollout().batchCount() == 1 ? "" : "es") + " to " + CodeBadge.shortId(started.rollout().targetCommit())
                    + (started.left().isEmpty() ? "" : "; " + started.left().size() + " node(s) left out (on the target already)"));
            return started.rollout().id();
        } catch (EJBAccessException e) {
            refused(Role.OPERATOR);
        } catch (RuntimeException e) {
            error("Rollout refused: " + e.getMessage());
        }
        return null;
    }

    /** Pause, resume or abort: {@code done} said when it worked, the server's reason when not. */
    public void rollout(Runnable action, String done) {
        try {
            action.run();
            ok(done);
        } catch (EJBAccessException e) {
            refused(Role.OPERATOR);
        } catch (RuntimeException e) {
            error(e.getMessage());
        }
    }

    /** Pins the fleet to a commit (null: unpins); says what happened. */
    public void pin(String commit, String reason) {
        try {
            if (commit == null) {
                tracker.unpin(who());
                ok("Unpinned: nodes follow the branch tip again");
            } else {
                tracker.pin(commit, who(), reason);
                ok("Pinned at " + CodeBadge.shortId(commit) + ": nodes are measured against it, a sync sends it");
            }
        } catch (EJBAccessException e) {
            refused(Role.OPERATOR);
        } catch (RuntimeException e) {
            error(e.getMessage());
        }
    }

    /** The operator signed in to this UI. */
    public String who() {
        return Operator.current().map(Operator::name).orElse("");
    }

    /** Syncs one node to {@code commit} (a commit of the tracked branch): deploy a chosen commit, roll back. */
    public void syncTo(String nodeId, String commit, String what) {
        List<BulkSync.Outcome> outcomes;
        try {
            outcomes = bulk.request(List.of(nodeId), true, RestartType.GRACEFUL, who(), TriggerType.NODE, false, commit);
        } catch (EJBAccessException e) {
            refused(Role.OPERATOR);
            return;
        } catch (RuntimeException e) {
            error(e.getMessage());
            return;
        }
        BulkSync.Outcome o = outcomes.get(0);
        if (o.result() == BulkSync.Result.CREATED) {
            Notices.of(UI.getCurrent()).bulkStarted(what + " of " + nodeId, List.of(o.operationId()));
        } else {
            error(o.result() == BulkSync.Result.BUSY ? nodeId + ": a sync is already running (operation "
                    + o.operationId() + ")" : o.detail());
        }
    }

    /** A notice is read, not scrolled: past this many nodes it says how many more. */
    private static final int PROBLEMS_SHOWN = 5;

    public void refresh() {
        try {
            var source = tracker.refresh();
            if (source.lastError() != null) {
                error("Fetch failed: " + source.lastError());
            } else {
                Notices.of(UI.getCurrent()).fetched(source.latestCommit());
                ok("Fetched: the latest commit is " + CodeBadge.shortId(source.latestCommit()));
            }
        } catch (EJBAccessException e) {
            refused(Role.OPERATOR);
        } catch (RuntimeException e) {
            error("Fetch failed: " + e.getMessage());
        }
    }

    /** What the page says when a boundary EJB refused the operator ({@code @RolesAllowed}). */
    public static void refused(Role needed) {
        error("refused: this needs the " + needed.roleName() + " role");
    }

    public static void ok(String text) {
        Notification n = Notification.show(text, 5000, Notification.Position.BOTTOM_END);
        n.addThemeVariants(NotificationVariant.LUMO_SUCCESS);
    }

    public static void error(String text) {
        Notification n = Notification.show(text, 8000, Notification.Position.BOTTOM_END);
        n.addThemeVariants(NotificationVariant.LUMO_ERROR);
    }
}
