package dev.slm.rollout.boundary;

import dev.slm.platform.Conflict;
import jakarta.ejb.ApplicationException;

/** The node has an operation in flight already; the API answers 409 with its id. */
@ApplicationException(rollback = true)
public class NodeBusy extends Conflict {

    private final long operationId;

    public NodeBusy(String nodeId, long operationId) {
        super("node '" + nodeId + "' has operation " + operationId + " in flight");
        this.operationId = operationId;
    }

    public long operationId() {
        return operationId;
    }
}
