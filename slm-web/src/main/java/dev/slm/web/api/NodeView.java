package dev.slm.web.api;

import dev.slm.fleet.entity.Node;
import dev.slm.source.entity.CommitInfo;
import java.time.Instant;
import java.util.List;

/**
 * A node as operators see it. {@code behind} lists the missing commits (newest first, at most 20); {@code releases}
 * the releases its agent keeps, most recently activated first.
 */
public record NodeView(String nodeId, String hostname, List<String> roles, String agentVersion,
                       String codeVersion, String codeStatus, Integer commitsBehind, List<CommitView> behind,
                       String agentState, Long operationId, Instant lastSeen, boolean online,
                       Instant registeredAt, String registeredBy, List<String> releases) {

    public record CommitView(String commit, String shortCommit, String subject, String author, Instant committedAt) {
        static CommitView of(CommitInfo c) {
            return new CommitView(c.id(), c.shortId(), c.subject(), c.author(), c.committedAt());
        }
    }

    static NodeView of(Node n, boolean online, List<CommitInfo> behind) {
        return new NodeView(n.id(), n.hostname(), n.roles(), n.agentVersion(), n.codeVersion(),
                n.codeStatus().name(), n.commitsBehind(), behind.stream().map(CommitView::of).toList(),
                n.agentState() == null ? null : n.agentState().name(), n.operationId(), n.lastSeen(), online,
                n.registeredAt(), n.registeredBy(), n.releases());
    }
}
