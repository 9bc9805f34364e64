package dev.slm.rollout.entity;

/** Fired when an operation is created, after its transaction commits: wakes the node's long-poll. */
public record SyncRequested(String nodeId, long operationId) {
}
