package dev.slm.rollout.entity;

import java.util.Map;

/**
 * A rollout moved: a batch started or ended, a node's state changed, it paused, resumed or ended. Scripts see it as
 * {@code fleet.sync.progress} on /ws/events. Fired inside the transaction that stored the move.
 */
public record RolloutProgress(long rolloutId, RolloutStatus status, int batch, int batches,
                              Map<RolloutNodeState, Long> counts) {
}
