package dev.slm.web.api;

import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.rollout.entity.SyncOperation;
import java.time.Instant;
import java.util.List;

/**
 * A sync operation as the API shows it; {@code stages} only in the single view. {@code late}: it SUCCEEDED after it
 * had timed out; {@code timed_out_at} is when it timed out (kept then), {@code finished_at} when it ended;
 * {@code cancelled_by} who cancelled it (CANCELLED only).
 */
public record OperationView(long operationId, String nodeId, String fromCommit, String targetCommit, boolean restart,
                            String restartType, String requestedBy, String trigger, String status, boolean late,
                            Integer percent, String message, Instant createdAt, Instant updatedAt, Instant finishedAt,
                            Instant timedOutAt, String cancelledBy, String windowOverride,
                            List<SyncOperations.Stage> stages) {

    static OperationView of(SyncOperation o, List<SyncOperations.Stage> stages) {
        return new OperationView(o.id(), o.nodeId(), o.fromCommit(), o.targetCommit(), o.restart(),
                o.restartType().name(), o.requestedBy(), o.trigger().name(), o.status().name(), o.late(), o.percent(),
                o.message(), o.createdAt(), o.updatedAt(), o.finishedAt(), o.timedOutAt(), o.cancelledBy(),
                o.windowOverride(), stages);
    }
}
