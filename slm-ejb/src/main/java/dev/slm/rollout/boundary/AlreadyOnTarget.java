package dev.slm.rollout.boundary;

import dev.slm.platform.Conflict;
import jakarta.ejb.ApplicationException;

/**
 * The node already runs the commit a sync would send: nothing would change, so no operation is created unless the
 * operator asks to install it again ({@code reinstall}). Said instead of a "success" that did nothing.
 */
@ApplicationException(rollback = true)
public class AlreadyOnTarget extends Conflict {

    public AlreadyOnTarget(String nodeId, String runs, String target) {
        super("node '" + nodeId + "' already runs " + runs + (runs != null && runs.equals(target) ? ", the target"
                : ", which has the same content as the target " + target) + ": nothing to sync"
                + " (ask for a reinstall to install it again and restart)");
    }
}
