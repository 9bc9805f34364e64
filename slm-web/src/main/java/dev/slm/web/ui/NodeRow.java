package dev.slm.web.ui;

import dev.slm.fleet.entity.AgentState;
import dev.slm.source.entity.CodeStatus;
import dev.slm.fleet.entity.Node;
import java.time.Instant;
import java.util.List;

/**
 * What a page shows of a node: a plain value copied from the entity as the query returns it. Pages keep these, never
 * the entities, which carry their persistence context's bookkeeping and lived as long as the page (see Live).
 */
public record NodeRow(String id, String hostname, List<String> roles, CodeStatus codeStatus, Integer commitsBehind,
                      String codeVersion, Instant lastSeen, String agentVersion, AgentState agentState,
                      List<String> releases, String registeredBy, Instant registeredAt) {

    public static NodeRow of(Node n) {
        return new NodeRow(n.id(), n.hostname(), List.copyOf(n.roles()), n.codeStatus(), n.commitsBehind(),
                n.codeVersion(), n.lastSeen(), n.agentVersion(), n.agentState(), List.copyOf(n.releases()),
                n.registeredBy(), n.registeredAt());
    }

    public static List<NodeRow> of(List<Node> nodes) {
        return nodes.stream().map(NodeRow::of).toList();
    }

    /** Online when seen at or after {@code onlineSince}, as {@link Node#isOnline}. */
    public boolean isOnline(Instant onlineSince) {
        return lastSeen != null && !lastSeen.isBefore(onlineSince);
    }
}
