package dev.slm.rollout.boundary;

import dev.slm.access.entity.Role;
import dev.slm.packages.boundary.NotDeployable;
import dev.slm.platform.Conflict;
import dev.slm.platform.NotFound;
import dev.slm.rollout.entity.RestartType;
import dev.slm.rollout.entity.TriggerType;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The one way to sync several nodes, for the API ({@code POST /api/fleet/sync}) and the web app (Sync selected, Sync
 * all) alike: one operation per node, each in its own transaction through {@link SyncOperations#request}, so a busy or
 * vanished node never undoes another's; each node's outcome is told on its own.
 */
@Stateless
@RolesAllowed(Role.Names.OPERATOR)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class BulkSync {

    public enum Result { CREATED, BUSY, SKIPPED, REFUSED }

    public record Outcome(String nodeId, Result result, Long operationId, String detail) {
    }

    @Inject
    SyncOperations operations;

    /**
     * @throws NotDeployable when the latest commit cannot be installed and so nothing was created (checked with the
     *         first node; a commit that became undeployable midway refuses the rest, each told)
     */
    public List<Outcome> request(Collection<String> nodeIds, boolean restart, RestartType type, String by,
                                 TriggerType trigger, boolean reinstall) {
        return request(nodeIds, restart, type, by, trigger, reinstall, null);
    }

    /** As above, to {@code target} (a commit of the tracked branch; null: the latest). */
    public List<Outcome> request(Collection<String> nodeIds, boolean restart, RestartType type, String by,
                                 TriggerType trigger, boolean reinstall, String target) {
        return request(nodeIds, restart, type, by, trigger, reinstall, target, false);
    }

    /** As above; {@code overrideWindow}: also the nodes outside their maintenance windows (each recorded). */
    public List<Outcome> request(Collection<String> nodeIds, boolean restart, RestartType type, String by,
                                 TriggerType trigger, boolean reinstall, String target, boolean overrideWindow) {
        List<Outcome> outcomes = new ArrayList<>();
        LinkedHashSet<String> nodes = new LinkedHashSet<>(nodeIds);
        // several nodes make one bulk action (one object on the Updates page); one node is a sync of its own
        Long bulk = nodes.size() > 1 ? operations.openBulk(by, trigger, nodes.size(), target).id() : null;
        try {
            requestEach(nodes, restart, type, by, trigger, reinstall, target, bulk, overrideWindow, outcomes);
        } finally {
            if (bulk != null && outcomes.stream().noneMatch(o -> o.result() == Result.CREATED)) {
                operations.dropIfEmpty(bulk); // 10,000 unknown ids made an empty "0 of 10000 sent" before
            }
        }
        return outcomes;
    }

    private void requestEach(Collection<String> nodes, boolean restart, RestartType type, String by, TriggerType trigger,
                             boolean reinstall, String target, Long bulk, boolean overrideWindow, List<Outcome> outcomes) {
        for (String node : nodes) {
            try {
                long id = operations.request(node, restart, type, by, trigger, reinstall, target, bulk, overrideWindow).id();
                outcomes.add(new Outcome(node, Result.CREATED, id, null));
            } catch (AlreadyOnTarget e) {
                outcomes.add(new Outcome(node, Result.SKIPPED, null, e.getMessage()));
            } catch (NodeBusy e) {
                outcomes.add(new Outcome(node, Result.BUSY, e.operationId(), e.getMessage()));
            } catch (NotDeployable e) {
                if (outcomes.stream().noneMatch(o -> o.result() == Result.CREATED)) {
                    throw e;
                }
                outcomes.add(new Outcome(node, Result.REFUSED, null, e.getMessage()));
            } catch (NotFound | Conflict e) {
                outcomes.add(new Outcome(node, Result.REFUSED, null, e.getMessage()));
            }
        }
    }
}
