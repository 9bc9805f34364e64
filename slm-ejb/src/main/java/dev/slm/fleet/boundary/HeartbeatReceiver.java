package dev.slm.fleet.boundary;

import dev.slm.fleet.control.HeartbeatBatcher;
import dev.slm.fleet.control.NodeTokens;
import dev.slm.fleet.entity.AgentState;
import dev.slm.rollout.entity.SyncCommand;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
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

    /** @throws AgentRefused when the token is not this node's */
    public Reply receive(String nodeId, String token, Report r) {
        if (nodeId == null || token == null || token.isBlank()) {
            throw new AgentRefused(registry.check(nodeId, token), nodeId);
        }
        HeartbeatBatcher.Stored stored;
        try {
            stored = batcher.submit(new HeartbeatBatcher.Pending(nodeId, NodeTokens.hash(token), r.agentVersion(),
                    r.codeVersion(), r.hostname(), r.roles(), r.state(), r.operationId(), r.releases())).get(WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing the heartbeat of " + nodeId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("storing the heartbeat of " + nodeId + " failed", e);
        }
        if (!stored.authenticated()) {
            throw new AgentRefused(registry.check(nodeId, token), nodeId);
        }
        boolean updateAvailable = stored.latestCommit() != null && !stored.latestCommit().equals(r.codeVersion());
        return new Reply(updateAvailable, stored.latestCommit(), stored.interval(), stored.command());
    }
}
