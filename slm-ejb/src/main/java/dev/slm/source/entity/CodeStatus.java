package dev.slm.source.entity;

import java.util.EnumSet;
import java.util.Set;

/** Where a node's reported commit stands against the latest commit of the tracked branch. */
public enum CodeStatus {
    /** reported commit = latest commit */
    UP_TO_DATE,
    /** reported commit is an ancestor of the latest */
    OUTDATED,
    /** reported commit is known but not an ancestor (force-push, another branch) */
    DIVERGED,
    /** no report yet, or a commit the server's mirror does not have */
    UNKNOWN;

    /** The statuses a sync acts on (the bell's count, "Sync all"); UNKNOWN needs another kind of attention. */
    public static final Set<CodeStatus> NEEDS_UPDATE = Set.copyOf(EnumSet.of(OUTDATED, DIVERGED));

    public boolean needsUpdate() {
        return NEEDS_UPDATE.contains(this);
    }
}
