package dev.slm.fleet.entity;

import java.util.Set;

/**
 * A role or a node was pinned to a commit ({@code commit}) or unpinned (null), by {@code by}; {@code nodeIds} are the
 * nodes whose code status was stored again. Fired after the change is committed, outside any transaction.
 */
public record PinsChanged(DesiredCommits.Scope scope, String subject, String commit, String by, Set<String> nodeIds) {

    public PinsChanged {
        nodeIds = Set.copyOf(nodeIds);
    }
}
