package dev.slm.rollout.control;

import dev.slm.platform.InvalidInput;
import dev.slm.rollout.boundary.Rollouts;
import jakarta.persistence.EntityManager;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The nodes a schedule or a maintenance window names: ids that exist, roles as agents report them, within limits. */
public final class Targets {

    public static final int MAX_ROLES = 100;

    private Targets() {
    }

    /** @throws InvalidInput naming node_ids or roles */
    public static void check(EntityManager em, List<String> ids, List<String> roles) {
        if (ids.size() > Rollouts.MAX_NODES) {
            throw new InvalidInput("node_ids may name at most " + Rollouts.MAX_NODES + " nodes");
        }
        if (roles.size() > MAX_ROLES) {
            throw new InvalidInput("roles may name at most " + MAX_ROLES + " roles");
        }
        roles.forEach(dev.slm.fleet.entity.Node::checkRole);
        if (ids.isEmpty()) {
            return;
        }
        Set<String> known = new HashSet<>(em.createQuery("SELECT n.id FROM Node n WHERE n.id IN :ids", String.class)
                .setParameter("ids", ids).getResultList());
        List<String> unknown = ids.stream().filter(id -> !known.contains(id)).distinct().toList();
        if (!unknown.isEmpty()) {
            throw new InvalidInput("node_ids: no such node" + (unknown.size() > 1 ? "s" : "") + ": "
                    + String.join(", ", unknown.subList(0, Math.min(10, unknown.size())).stream().map(ConfigNames::shown).toList())
                    + (unknown.size() > 10 ? " and " + (unknown.size() - 10) + " more" : ""));
        }
    }
}
