package dev.slm.web.api;

import java.util.Locale;
import dev.slm.fleet.boundary.NodeQueries;
import dev.slm.platform.InvalidInput;
import dev.slm.rollout.boundary.BulkSync;
import dev.slm.rollout.boundary.Rollouts;
import dev.slm.rollout.boundary.SyncPlans;
import java.util.ArrayList;
import dev.slm.rollout.entity.TriggerType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code POST /api/fleet/sync}: {@code {"node_ids": [...]}} or {@code {"all_outdated": true}}, with the options of a
 * single sync. One operation per node through the same path; each node's outcome is reported on its own.
 */
@ApplicationScoped
@Path("fleet/sync")
public class FleetResource {

    @Inject
    BulkSync bulk;

    @Inject
    NodeQueries queries;

    @Inject
    SyncPlans plans;

    @Inject
    Rollouts rollouts;

    @Inject
    dev.slm.source.boundary.SourceTracker tracker;

    public record Outcome(String nodeId, String result, Long operationId, String detail) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response sync(@Valid @NotNull(message = "is required") Requests.FleetSync body,
                         @Context SecurityContext security) {
        Requests.Sync options = body.options();
        if (Boolean.TRUE.equals(body.pin()) && options.targetCommit() == null) {
            throw new InvalidInput("pin holds the fleet at target_commit: name the commit in target_commit");
        }
        if (body.rolling()) {
            return rollout(body, options, security.getUserPrincipal().getName());
        }
        if (!body.rolloutOptions().isEmpty()) {
            throw new InvalidInput(String.join(", ", body.rolloutOptions()) + (body.rolloutOptions().size() == 1 ? " applies"
                    : " apply") + " to a rolling sync only: add"
                    + " \"strategy\": \"rolling\", or leave them out");
        }
        LinkedHashSet<String> nodes = new LinkedHashSet<>(body.named());
        for (String role : body.namedRoles()) {
            nodes.addAll(Rollouts.nodesOfRole(queries, role)); // a blank role would be the whole fleet: refused there
        }
        List<Outcome> outcomes = new ArrayList<>();
        if (Boolean.TRUE.equals(body.allOutdated())) {
            // named nodes are sent as named; of "all outdated", the offline ones wait unless asked for (SyncPlans)
            List<String> all = queries.needingUpdateIds();
            SyncPlans.Plan plan = plans.plan(all);
            all.stream().filter(id -> !nodes.contains(id)).forEach(id -> {
                if (plan.of(SyncPlans.Part.OFFLINE).contains(id) && !body.includesOffline()) {
                    outcomes.add(new Outcome(id, "skipped", null, "offline or never seen: not sent (include_offline: true sends it)"));
                } else {
                    nodes.add(id);
                }
            });
        } else if (nodes.isEmpty()) {
            throw new InvalidInput(body.namedRoles().isEmpty() ? "name the nodes in node_ids or roles, or set all_outdated to true"
                    : "no node has the roles " + body.namedRoles());
        }
        bulk.request(nodes, options.restarts(), options.type(), security.getUserPrincipal().getName(), TriggerType.FLEET,
                        options.reinstalls(), options.targetCommit(), options.overridesWindow()).stream()
                .map(o -> new Outcome(o.nodeId(), o.result().name().toLowerCase(Locale.ROOT), o.operationId(), o.detail()))
                .forEach(outcomes::add);
        if (Boolean.TRUE.equals(body.pin())) {
            tracker.pin(options.targetCommit(), security.getUserPrincipal().getName(), "fleet sync to " + options.targetCommit());
        }
        return Response.accepted(outcomes).build();
    }

    /** A rolling rollout: 201 with the rollout and its planned batches, and the nodes left out (on the target). */
    private Response rollout(Requests.FleetSync body, Requests.Sync options, String by) {
        if (body.includeOffline() != null) {
            throw new InvalidInput("include_offline applies to a parallel sync: a rollout takes offline nodes and defers"
                    + " them to its end (skipped if still offline then)");
        }
        Rollouts.Started started = rollouts.start(new Rollouts.Request(body.nodeIds(), body.roles(),
                Boolean.TRUE.equals(body.allOutdated()), options.targetCommit(),
                body.batchSize() == null ? null : body.batchSize().text(), body.healthCheckDelay(), body.abortOnFailure(),
                body.maxFailures() == null ? null : body.maxFailures().text(), body.canary(), body.autoPromote(),
                options.restarts(), options.type(), options.reinstalls(), body.timeout(), options.overridesWindow()), by);
        long id = started.rollout().id();
        if (Boolean.TRUE.equals(body.pin())) {
            // a rollout back that stays back: the fleet is held at its target until someone unpins
            tracker.pin(started.rollout().targetCommit(), by, "rollout " + id + " to " + started.rollout().targetCommit());
        }
        RolloutView view = RolloutView.of(rollouts.view(id).orElseThrow(), started.left());
        return Response.created(java.net.URI.create("rollouts/" + id)).entity(view).build();
    }
}
