package dev.slm.web.api;

import dev.slm.fleet.entity.DesiredCommits;
import dev.slm.fleet.entity.Node;
import dev.slm.source.entity.CommitInfo;
import java.time.Instant;
import java.util.List;

/**
 * A node as operators see it. {@code behind} lists the missing commits (newest first, at most 20); {@code releases}
 * the releases its agent keeps, most recently activated first; {@code desired_commit} the commit it is measured
 * against and {@code pin} the node's or role's pin that sets it (null: the fleet's desired commit).
 */
public record NodeView(String nodeId, String hostname, List<String> roles, String agentVersion,
                       String codeVersion, String codeStatus, Integer commitsBehind, List<CommitView> behind,
                       String agentState, Long operationId, Instant lastSeen, boolean online,
                       Instant registeredAt, String registeredBy, List<String> releases, String desiredCommit,
                       PinView pin) {

    /** A role's or a node's pin: {@code scope} "role" or "node", {@code subject} the role or the node id. */
    public record PinView(String scope, String subject, String commit, String pinnedBy, Instant pinnedAt, String reason) {
        static PinView of(DesiredCommits.Pin p) {
            return p == null ? null : new PinView(p.scope().name().toLowerCase(java.util.Locale.ROOT), p.subject(),
                    p.commit(), p.by(), p.at(), p.reason());
        }
    }

    public record CommitView(String commit, String shortCommit, String subject, String author, Instant committedAt) {
        static CommitView of(CommitInfo c) {
            return new CommitView(c.id(), c.shortId(), c.subject(), c.author(), c.committedAt());
        }
    }

    static NodeView of(Node n, boolean online, List<CommitInfo> behind, DesiredCommits desired) {
        return new NodeView(n.id(), n.hostname(), n.roles(), n.agentVersion(), n.codeVersion(),
                n.codeStatus().name(), n.commitsBehind(), behind.stream().map(CommitView::of).toList(),
                n.agentState() == null ? null : n.agentState().name(), n.operationId(), n.lastSeen(), online,
                n.registeredAt(), n.registeredBy(), n.releases(), desired.forNode(n.id(), n.roles()),
                PinView.of(desired.pinOf(n.id(), n.roles()).orElse(null)));
    }
}
