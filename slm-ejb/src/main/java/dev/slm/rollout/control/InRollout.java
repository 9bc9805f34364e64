package dev.slm.rollout.control;

import dev.slm.platform.Conflict;
import jakarta.ejb.ApplicationException;

/** The node belongs to a running rollout: only that rollout syncs it until it ends (409 naming it). */
@ApplicationException(rollback = true)
public class InRollout extends Conflict {

    private final long rolloutId;

    public InRollout(String nodeId, long rolloutId, String status) {
        super(message(nodeId, rolloutId, status));
        this.rolloutId = rolloutId;
    }

    /** What holds the node, said for the rollout's state: running, paused, or ended with the node still syncing. */
    public static String message(String nodeId, long rolloutId, String status) {
        return switch (status) {
            case "RUNNING" -> "node '" + nodeId + "' is part of rollout " + rolloutId + ", which is running: it syncs"
                    + " the node in its turn (abort the rollout to sync the node on its own)";
            case "PAUSED" -> "node '" + nodeId + "' is part of rollout " + rolloutId + ", which is paused: resume it,"
                    + " or abort it to sync the node on its own";
            default -> "node '" + nodeId + "' is still being synced by rollout " + rolloutId + " (" + status
                    + "): its operation ends first";
        };
    }

    public long rolloutId() {
        return rolloutId;
    }
}
