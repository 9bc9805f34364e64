package dev.slm.rollout.entity;

import java.util.Locale;

/**
 * A sync operation changed: {@code sync.started} when created, {@code sync.progress} for each stage the agent reports,
 * {@code sync.completed} when the node reports the target commit, {@code sync.failed} when it ends otherwise (FAILED,
 * ROLLED_BACK, TIMED_OUT), {@code sync.cancelled} when an operator withdrew it before its agent claimed it. Fired inside the transaction that stores the change; observers that read the database
 * observe it {@code AFTER_SUCCESS}.
 */
public record SyncEvent(Kind kind, long operationId, String nodeId, SyncStatus status, Integer percent, String message) {

    public enum Kind { STARTED, PROGRESS, COMPLETED, FAILED, CANCELLED }

    /** The name scripts see on /ws/events. */
    public String type() {
        return "sync." + kind.name().toLowerCase(Locale.ROOT);
    }

    public static SyncEvent of(SyncStatus status, long operationId, String nodeId, Integer percent, String message) {
        Kind kind = switch (status) {
            case PENDING -> Kind.STARTED;
            case SUCCEEDED -> Kind.COMPLETED;
            case FAILED, ROLLED_BACK, TIMED_OUT -> Kind.FAILED;
            case CANCELLED -> Kind.CANCELLED;
            default -> Kind.PROGRESS;
        };
        return new SyncEvent(kind, operationId, nodeId, status, percent, message);
    }
}
