package dev.slm.web.api;

import dev.slm.rollout.boundary.Rollouts;
import dev.slm.rollout.entity.Rollout;
import dev.slm.rollout.entity.RolloutBatch;
import dev.slm.rollout.entity.RolloutNode;
import dev.slm.rollout.entity.RolloutNodeState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A rolling rollout as the API shows it: its options (resolved to counts), where it is ({@code batch} of
 * {@code batches}; {@code batches + 1} is the deferred nodes' turn), the count of nodes per state, and each batch with
 * its nodes and timestamps ({@code started_at}; {@code settled_at}: every node ended its sync, the health check delay
 * runs from there; {@code ended_at}). Batches not started yet list their planned nodes with no timestamps.
 * {@code left_out}: only in the answer that started it. The list ({@code GET /api/rollouts}) leaves {@code batch_list}
 * out (null).
 */
public record RolloutView(long rolloutId, String status, String targetCommit, String requestedBy, Instant createdAt,
                          Instant updatedAt, Instant deadline, Instant pausedAt, Instant endedAt, String reason,
                          Options options, int batch, int batches, Map<String, Long> counts, List<Batch> batchList,
                          List<Rollouts.Left> leftOut) {

    /** {@code override_window}: started with it, its batches do not wait for the nodes' maintenance windows. */
    public record Options(int batchSize, int healthCheckDelay, boolean abortOnFailure, Integer maxFailures,
                          Integer canary, boolean autoPromote, boolean restart, String restartType, boolean reinstall,
                          boolean overrideWindow) {
    }

    public record Batch(int number, Instant startedAt, Instant settledAt, Instant endedAt, List<NodeView> nodes) {
    }

    public record NodeView(String nodeId, String state, Long operationId, String detail, Instant startedAt,
                           Instant finishedAt) {
    }

    /** Without the batches' nodes ({@code batch_list} null): the list of rollouts, from their counts alone. */
    static RolloutView summary(Rollouts.Summary s) {
        return of(s.rollout(), s.counts(), null, null);
    }

    static RolloutView of(Rollouts.View v, List<Rollouts.Left> leftOut) {
        List<Batch> batches = new java.util.ArrayList<>();
        for (int i = 1; i <= v.lastBatch(); i++) {
            RolloutBatch b = v.batch(i).orElse(null);
            List<NodeView> nodes = v.inBatch(i).stream().map(RolloutView::node).toList();
            if (b == null && nodes.isEmpty()) {
                continue;
            }
            batches.add(new Batch(i, b == null ? null : b.startedAt(), b == null ? null : b.settledAt(),
                    b == null ? null : b.endedAt(), nodes));
        }
        return of(v.rollout(), v.counts(), batches, leftOut);
    }

    private static RolloutView of(Rollout r, Map<RolloutNodeState, Long> nodeCounts, List<Batch> batches,
                                  List<Rollouts.Left> leftOut) {
        Rollout.Options o = r.options();
        Map<String, Long> counts = new TreeMap<>();
        nodeCounts.forEach((state, n) -> counts.put(state.name(), n));
        return new RolloutView(r.id(), r.status().name(), r.targetCommit(), r.requestedBy(), r.createdAt(), r.updatedAt(),
                r.deadline(), r.pausedAt(), r.endedAt(), r.reason(),
                new Options(o.batchSize(), o.healthCheckDelayS(), o.abortOnFailure(), o.maxFailures(), o.canary(),
                        o.autoPromote(), o.restart(), o.restartType().name(), o.reinstall(), r.overridesWindows()),
                r.currentBatch(), r.batchCount(), counts, batches, leftOut);
    }

    private static NodeView node(RolloutNode n) {
        return new NodeView(n.nodeId(), n.state().name(), n.operationId(), n.detail(), n.startedAt(), n.finishedAt());
    }
}
