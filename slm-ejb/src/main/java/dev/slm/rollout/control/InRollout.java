package dev.slm.rollout.control;

import dev.slm.platform.Conflict;
import jakarta.ejb.ApplicationException;

/** The node belongs to a running rollout: only that rollout syncs it until it ends (409 naming it). */
@ApplicationException(rollback = true)
public class InRollout extends Conflict {

    private final long rolloutId;

    public InRollout(String nodeId, long rolloutId) {
        super("node '" + nodeId + "' is part of rollout " + rolloutId + ", which is running: it syncs the node in its turn"
                + " (abort the rollout to sync the node on its own)");
        this.rolloutId = rolloutId;
    }

    public long rolloutId() {
        return rolloutId;
    }
}
