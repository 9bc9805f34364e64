package dev.slm.rollout.control;

import java.util.ArrayList;
import java.util.List;

/** How a rollout's nodes are cut into batches: in the order given, the canary first when there is one. */
public final class RolloutPlan {

    private RolloutPlan() {
    }

    /**
     * @param batchSize nodes per batch (at least 1)
     * @param canary nodes of a first batch of their own, or null
     */
    public static List<List<String>> batches(List<String> nodes, int batchSize, Integer canary) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize);
        }
        List<List<String>> batches = new ArrayList<>();
        int from = 0;
        if (canary != null && canary > 0) {
            from = Math.min(canary, nodes.size());
            batches.add(List.copyOf(nodes.subList(0, from)));
        }
        for (int i = from; i < nodes.size(); i += batchSize) {
            batches.add(List.copyOf(nodes.subList(i, Math.min(nodes.size(), i + batchSize))));
        }
        return batches;
    }
}
