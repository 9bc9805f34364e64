package dev.slm.web.api;

import dev.slm.packages.boundary.CodePackages;
import dev.slm.rollout.boundary.SyncOperations;
import dev.slm.rollout.entity.SyncCommand;
import dev.slm.rollout.entity.SyncRequested;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Agents' long-polls for commands, held without a thread each. A sync created on this instance wakes its node's
 * poll at once; one query a second finds commands created on other instances of a cluster.
 */
@ApplicationScoped
public class CommandWaiters {

    private static final Logger LOG = Logger.getLogger(CommandWaiters.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    SyncOperations operations;

    @Inject
    CodePackages packages;

    private final Map<String, Set<AsyncResponse>> waiting = new ConcurrentHashMap<>();
    private ScheduledFuture<?> poller;

    public record Answer(CommandView command) {
    }

    @PostConstruct
    void start() {
        poller = scheduler.scheduleWithFixedDelay(this::deliverPending, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        poller.cancel(false);
        waiting.values().forEach(set -> set.forEach(r -> r.resume(Response.noContent().build())));
    }

    /** Answers now if a command waits, else holds the response for up to {@code waitSeconds}. */
    public void await(String nodeId, int waitSeconds, AsyncResponse response) {
        Optional<SyncCommand> now = operations.claimCommand(nodeId);
        if (now.isPresent() || waitSeconds == 0) {
            resume(response, now);
            return;
        }
        response.setTimeout(waitSeconds, TimeUnit.SECONDS);
        response.setTimeoutHandler(r -> {
            Set<AsyncResponse> set = waiting.get(nodeId);
            if (set != null) {
                set.remove(r);
            }
            r.resume(Response.noContent().build());
        });
        waiting.computeIfAbsent(nodeId, k -> ConcurrentHashMap.newKeySet()).add(response);
        // a sync created between the claim above and the registration must not wait for the poller
        deliver(nodeId);
    }

    void onSyncRequested(@Observes(during = TransactionPhase.AFTER_SUCCESS) SyncRequested event) {
        deliver(event.nodeId());
    }

    private void deliverPending() {
        if (waiting.isEmpty()) {
            return;
        }
        try {
            operations.nodesWithPendingCommands().stream().filter(waiting::containsKey).forEach(this::deliver);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "checking for commands failed", e);
        }
    }

    private void deliver(String nodeId) {
        Set<AsyncResponse> set = waiting.remove(nodeId);
        if (set == null || set.isEmpty()) {
            return;
        }
        Optional<SyncCommand> command = operations.claimCommand(nodeId);
        if (command.isEmpty()) {
            waiting.merge(nodeId, set, (a, b) -> {
                a.addAll(b);
                return a;
            });
            return;
        }
        set.forEach(r -> resume(r, command));
    }

    private void resume(AsyncResponse r, Optional<SyncCommand> command) {
        if (command.isEmpty()) {
            r.resume(Response.noContent().build());
            return;
        }
        try {
            r.resume(Response.ok(new Answer(CommandView.of(command.get(), packages))).build());
        } catch (java.io.IOException e) {
            r.resume(e);
        }
    }
}
