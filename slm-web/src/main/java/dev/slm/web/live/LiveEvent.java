package dev.slm.web.live;

import dev.slm.fleet.entity.DesiredCommits;
import dev.slm.fleet.entity.PinsChanged;
import dev.slm.rollout.entity.RolloutProgress;
import dev.slm.rollout.entity.SyncEvent;
import java.time.Instant;
import java.util.Set;

/**
 * What changed, as the web app and the scripts on {@code /ws/events} see it. {@code type} is one of
 * {@code sync.started|progress|completed|failed|cancelled}, {@code node.code_status_changed}, {@code source.latest_changed},
 * {@code fleet.sync.progress} (a rolling rollout moved: {@code rollout}), {@code fleet.pins_changed} (a role or a node was
 * pinned to {@code commit}, or unpinned: null; {@code message} says which and by whom, {@code node_ids} the nodes whose
 * status was stored again);
 * fields that do not apply are null (and left out of the JSON).
 */
public record LiveEvent(String type, Instant at, Long operationId, String nodeId, String status, Integer percent,
                        String message, Set<String> nodeIds, String commit, RolloutMove rollout) {

    /** {@code fleet.sync.progress}: where a rolling rollout is, batch {@code batch} of {@code batches}, nodes per state. */
    public record RolloutMove(long rolloutId, String status, int batch, int batches, java.util.Map<String, Long> counts) {
    }

    public static LiveEvent of(RolloutProgress p) {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        p.counts().forEach((state, n) -> counts.put(state.name(), n));
        return new LiveEvent("fleet.sync.progress", Instant.now(), null, null, p.status().name(), null, null, null, null,
                new RolloutMove(p.rolloutId(), p.status().name(), p.batch(), p.batches(), counts));
    }

    public static LiveEvent of(SyncEvent e) {
        return new LiveEvent(e.type(), Instant.now(), e.operationId(), e.nodeId(), e.status().name(), e.percent(),
                e.message(), null, null, null);
    }

    public static LiveEvent of(PinsChanged p) {
        String what = (p.scope() == DesiredCommits.Scope.ROLE ? "role " : "node ") + p.subject();
        return new LiveEvent("fleet.pins_changed", Instant.now(), null, null, null, null,
                what + (p.commit() == null ? " unpinned" : " pinned at " + p.commit().substring(0, 7)) + " by " + p.by(),
                p.nodeIds(), p.commit(), null);
    }

    public static LiveEvent nodesChanged(Set<String> nodeIds) {
        return new LiveEvent("node.code_status_changed", Instant.now(), null, null, null, null, null, Set.copyOf(nodeIds), null, null);
    }

    /** @param pin "pinned" or "unpinned" when an operator moved the desired commit; null for a new tip */
    public static LiveEvent latestChanged(String commit, String pin) {
        return new LiveEvent("source.latest_changed", Instant.now(), null, null, null, null, pin, null, commit, null);
    }

    /**
     * Not an event of the fleet: a page that missed events (its browser was away, or it fell too far behind) gets
     * this one instead of them, and shows everything afresh. Never sent on {@code /ws/events}.
     */
    public static LiveEvent resync() {
        return new LiveEvent("resync", Instant.now(), null, null, null, null, null, null, null, null);
    }

    public boolean isResync() {
        return type.equals("resync");
    }

    public boolean isSync() {
        return type.startsWith("sync.");
    }
}
