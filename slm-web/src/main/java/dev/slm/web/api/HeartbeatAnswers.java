package dev.slm.web.api;

import jakarta.enterprise.context.ApplicationScoped;
import dev.slm.agents.boundary.HeartbeatReceiver;
import dev.slm.fleet.entity.AgentState;
import dev.slm.source.entity.CommitInfo;
import dev.slm.packages.boundary.CodePackages;
import dev.slm.platform.InvalidInput;
import dev.slm.web.api.security.AgentAuthenticated;
import dev.slm.web.api.security.AgentTokenFilter;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.List;

/**
 * The answer to an agent's heartbeat (docs/protocol.md). Only {@link HeartbeatFilter} calls it: it takes every
 * {@code POST /api/nodes/<id>/heartbeat}, reads the body and writes the answer itself (the hot path skips JAX-RS,
 * so there is no JAX-RS route for it).
 */
@ApplicationScoped
public class HeartbeatAnswers {

    @Inject
    HeartbeatReceiver receiver;

    public record Answer(String status, boolean updateAvailable, String latestVersion, String updateUrl,
                         long heartbeatIntervalS, CommandView command) {
    }

    @Inject
    CodePackages packages;

    /** Before the body is read. @throws AgentRefused when the token is not this node's */
    void authenticate(String nodeId, String authorization) {
        receiver.authenticate(nodeId, AgentTokenFilter.bearerToken(authorization));
    }

    /** After {@link #authenticate}; the store still matches the token (it may have been rotated meanwhile). */
    Answer answer(String nodeId, String authorization, JsonValue body) throws IOException {
        HeartbeatReceiver.Reply reply = receiver.receive(nodeId, AgentTokenFilter.bearerToken(authorization), read(body));
        return new Answer("ok", reply.updateAvailable(), reply.latestVersion(),
                "/api/nodes/" + nodeId + "/code-package", reply.heartbeatInterval().toSeconds(),
                reply.command() == null ? null : CommandView.of(reply.command(), packages));
    }

    static HeartbeatReceiver.Report read(JsonValue body) {
        JsonInput in = JsonInput.of(body);
        String codeVersion = in.string("code_version").orElse(null);
        if (codeVersion != null && !CommitInfo.ID.matcher(codeVersion).matches()) {
            throw new InvalidInput("code_version must be a full commit id: 40 lower-case hex digits");
        }
        String agentVersion = in.string("agent_version").orElse(null);
        String hostname = in.string("hostname").orElse(null);
        List<String> roles = in.strings("roles");
        if (agentVersion != null && agentVersion.length() > 64 || hostname != null && hostname.length() > 255
                || String.join(",", roles).length() > 1024 || roles.stream().anyMatch(r -> r.contains(","))) {
            throw new InvalidInput("agent_version (64), hostname (255) or roles (1024, no commas) too long or malformed");
        }
        AgentState state = in.enumValue("state", AgentState.class).orElse(AgentState.IDLE);
        List<String> releases = in.strings("releases");
        if (releases.size() > 50 || releases.stream().anyMatch(r -> !CommitInfo.ID.matcher(r).matches())) {
            throw new InvalidInput("releases must list full commit ids (at most 50)");
        }
        Long operationId = in.longValue("operation_id").orElse(null);
        if (operationId != null && operationId < 1) {
            throw new InvalidInput("operation_id must be the id of one of this node's operations");
        }
        return new HeartbeatReceiver.Report(agentVersion, codeVersion, hostname, roles, state, operationId, releases);
    }
}
