package dev.slm.agents.boundary;

import dev.slm.agents.control.HeartbeatBatcher;
import dev.slm.fleet.boundary.AgentRefused;
import dev.slm.fleet.boundary.NodeRegistry;
import dev.slm.fleet.entity.AgentState;
import dev.slm.platform.InvalidInput;
import dev.slm.rollout.entity.SyncCommand;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Takes an agent's heartbeat: authenticates it, stores what it reports and its code status against the latest
 * commit. The work is done by {@link HeartbeatBatcher}, which stores concurrent heartbeats in one transaction.
 */
@ApplicationScoped
public class HeartbeatReceiver {

    private static final long WAIT_S = 30;

    @Inject
    HeartbeatBatcher batcher;

    @Inject
    NodeRegistry registry;

    public record Report(String agentVersion, String codeVersion, String hostname, List<String> roles,
                         AgentState state, Long operationId, List<String> releases) {
    }

    public record Reply(boolean updateAvailable, String latestVersion, Duration heartbeatInterval, SyncCommand command) {
    }

    /**
     * The token hash each node last authenticated with. A heartbeat's token is checked against it before its body
     * is read, without a database round trip; a node or token the map does not know costs one query
     * ({@link NodeRegistry#check}), as every refused call did before. The map is a shortcut, not the authority: the
     * batch's UPDATE still matches node id and token hash, so a token rotated meanwhile (here or on another instance)
     * is refused there and its entry dropped. At most one entry per registered node.
     */
    private final ConcurrentHashMap<String, String> knownTokens = new ConcurrentHashMap<>();

    /**
     * Checks the node's token before anything of its request is read.
     *
     * @throws AgentRefused when the token is not this node's
     */
    public void authenticate(String nodeId, String token) {
        if (nodeId == null || !NodeRegistry.NODE_ID.matcher(nodeId).matches()) {
            // no registered node has such an id (a NUL, a slash, 64 characters…): never near the database
            throw new AgentRefused(NodeRegistry.TokenCheck.UNKNOWN_NODE, nodeId);
        }
        if (token == null || token.isBlank()) {
            throw new AgentRefused(registry.check(nodeId, token), nodeId);
        }
        String hash = NodeRegistry.tokenHash(token);
        if (hash.equals(knownTokens.get(nodeId))) {
            return;
        }
        NodeRegistry.TokenCheck check = registry.check(nodeId, token);
        if (check != NodeRegistry.TokenCheck.VALID) {
            throw new AgentRefused(check, nodeId);
        }
        knownTokens.put(nodeId, hash);
    }

    /**
     * Stores a report whose sender {@link #authenticate}d.
     *
     * @throws AgentRefused when the token is not this node's (any more)
     * @throws InvalidInput when the report names an operation that is not this node's
     */
    public Reply receive(String nodeId, String token, Report r) {
        if (nodeId == null || token == null || token.isBlank()) {
            throw new AgentRefused(registry.check(nodeId, token), nodeId);
        }
        HeartbeatBatcher.Stored stored;
        try {
            stored = batcher.submit(new HeartbeatBatcher.Pending(nodeId, NodeRegistry.tokenHash(token), r.agentVersion(),
                    r.codeVersion(), r.hostname(), r.roles(), r.state(), r.operationId(), r.releases())).get(WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing the heartbeat of " + nodeId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("storing the heartbeat of " + nodeId + " failed", e);
        }
        if (stored.unknownOperation()) {
            throw new InvalidInput("operation_id " + r.operationId() + " is not an operation of node " + nodeId);
        }
        if (!stored.authenticated()) {
            knownTokens.remove(nodeId);
            throw new AgentRefused(registry.check(nodeId, token), nodeId);
        }
        boolean updateAvailable = stored.latestCommit() != null && !stored.latestCommit().equals(r.codeVersion());
        return new Reply(updateAvailable, stored.latestCommit(), stored.interval(), stored.command());
    }
}
