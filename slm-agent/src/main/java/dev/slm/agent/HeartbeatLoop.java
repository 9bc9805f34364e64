package dev.slm.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Heartbeats at the interval the server gives, with ±10 % jitter so a fleet restarted together spreads out.
 * When the server cannot be reached it retries after a {@link Backoff}.
 * Nothing the server or the disk says ends the loop; only {@link #stop()} does.
 */
public class HeartbeatLoop implements Runnable {

    private static final Logger LOG = Logger.getLogger(HeartbeatLoop.class.getName());

    private final AgentConfig config;
    private final ServerClient server;
    private final java.util.concurrent.BlockingQueue<Boolean> wake = new java.util.concurrent.LinkedBlockingQueue<>();
    private UpdateWorker updates;
    private final String agentVersion = AgentConfig.agentVersion();
    private volatile boolean running = true;
    private final Backoff backoff = new Backoff();

    public HeartbeatLoop(AgentConfig config, ServerClient server) {
        this.config = config;
        this.server = server;
    }

    /** Commands in heartbeat replies go to the updater; without one they are ignored (tests of the loop alone). */
    public HeartbeatLoop withUpdates(UpdateWorker worker) {
        this.updates = worker;
        return this;
    }

    /** Sends the next heartbeat now (after an update, so the server learns the new commit at once). */
    public void wakeUp() {
        wake.offer(Boolean.TRUE);
    }

    @Override
    public void run() {
        LOG.info(() -> "agent " + agentVersion + " for node " + config.nodeId() + " reporting to " + config.serverUrl());
        while (running) {
            Duration wait = beatOnce();
            try {
                wake.poll(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                wake.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One heartbeat; returns how long to wait before the next. */
    Duration beatOnce() {
        try {
            Optional<String> commit = readCommit();
            Long operation = updates == null ? null : updates.runningOperation();
            ServerClient.Reply reply = server.heartbeat(new ServerClient.Heartbeat(
                    agentVersion, commit, config.hostname(), config.roles(), operation == null ? AgentState.IDLE : AgentState.APPLYING,
                    operation, updates == null ? java.util.List.of() : updates.releases()));
            if (updates != null) {
                reply.command().ifPresent(updates::offer);
            }
            if (backoff.failures() > 0) {
                LOG.info("server reachable again after " + backoff.failures() + " failed heartbeat(s)");
            }
            backoff.succeeded();
            LOG.fine(() -> "heartbeat ok; update available: " + reply.updateAvailable());
            return jittered(reply.heartbeatInterval());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return Duration.ZERO;
        } catch (ServerClient.Refused e) {
            Duration next = backoff.failed();
            LOG.warning("heartbeat refused: " + e.getMessage() + "; retrying in " + next.toSeconds() + " s");
            return next;
        } catch (IOException | RuntimeException e) {
            Duration next = backoff.failed();
            LOG.log(backoff.failures() == 1 ? Level.WARNING : Level.INFO, "server " + config.serverUrl()
                    + " unreachable (" + describe(e) + "); attempt " + backoff.failures() + ", next in "
                    + next.toSeconds() + " s");
            return next;
        }
    }

    private Optional<String> readCommit() {
        try {
            return VersionFile.read(config.versionFile());
        } catch (IOException e) {
            LOG.warning("cannot read the deployed version: " + e.getMessage() + "; reporting none");
            return Optional.empty();
        }
    }

    static Duration jittered(Duration d) {
        double factor = 0.9 + ThreadLocalRandom.current().nextDouble() * 0.2;
        return Duration.ofMillis(Math.max(100, (long) (d.toMillis() * factor)));
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    public void stop() {
        running = false;
    }
}
