package dev.slm.rollout.entity;

/** The sync command as an agent receives it (with the package's manifest and the signatures added by the API). */
public record SyncCommand(long operationId, String nodeId, String targetCommit, boolean restart, RestartType restartType,
                          java.time.Instant createdAt) {

    /** The strategy the agent applies: a sync without restart only swaps (like MANUAL). */
    public RestartType effectiveRestart() {
        return restart ? restartType : RestartType.MANUAL;
    }
}
