package dev.slm.fleet.boundary;

import jakarta.ejb.ApplicationException;

/** An agent call whose token does not prove it comes from the node in its path. */
@ApplicationException(rollback = true)
public class AgentRefused extends RuntimeException {

    private final NodeRegistry.TokenCheck reason;
    private final String nodeId;

    public AgentRefused(NodeRegistry.TokenCheck reason, String nodeId) {
        super(reason + " for node " + nodeId);
        this.reason = reason;
        this.nodeId = nodeId;
    }

    public NodeRegistry.TokenCheck reason() {
        return reason;
    }

    public String nodeId() {
        return nodeId;
    }
}
