package dev.slm.source.entity;

/** Where a node's reported commit stands against the latest commit of the tracked branch. */
public enum CodeStatus {
    /** reported commit = latest commit */
    UP_TO_DATE,
    /** reported commit is an ancestor of the latest */
    OUTDATED,
    /** reported commit is known but not an ancestor (force-push, another branch) */
    DIVERGED,
    /** no report yet, or a commit the server's mirror does not have */
    UNKNOWN
}
