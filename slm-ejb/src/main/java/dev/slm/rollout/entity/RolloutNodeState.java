package dev.slm.rollout.entity;

import java.util.EnumSet;
import java.util.Set;

/**
 * A node's place in a rollout. WAITING for its batch; SYNCING (its operation runs); CHECKING (on the target, staying
 * there through the health check delay: still the rollout's, nothing else may sync it); SUCCEEDED (on the target, and
 * stayed there through the delay) or FAILED (its operation failed, rolled back or timed out, or it left
 * the target during the delay); DEFERRED (offline or busy at its turn: tried again at the end); SKIPPED (still
 * offline or busy at the end, or on the target already: not a failure); NOT_REACHED (the rollout ended first).
 */
public enum RolloutNodeState {
    WAITING, SYNCING, CHECKING, SUCCEEDED, FAILED, DEFERRED, SKIPPED, NOT_REACHED;

    /** The node belongs to the rollout (db/V13's one-rollout-per-node index lists the same states). */
    public static final Set<RolloutNodeState> HELD = EnumSet.of(WAITING, SYNCING, CHECKING, DEFERRED);
}
