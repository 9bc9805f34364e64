package dev.slm.agent;

import dev.slm.agent.update.Command;
import dev.slm.agent.update.ReportedStage;
import dev.slm.agent.update.Updater;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs updates one at a time off the heartbeat thread. A command is taken once (the heartbeat reply and the
 * long-poll may both bring it); a node without update settings answers FAILED so the operation does not hang.
 */
public final class UpdateWorker {

    private static final Logger LOG = Logger.getLogger(UpdateWorker.class.getName());

    private final Optional<Updater> updater;
    private final ServerClient server;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "updater");
        t.setDaemon(false);
        return t;
    });
    /**
     * The operations taken lately: a command arrives by the heartbeat reply and by the long-poll alike, and is taken
     * once. Not "the highest id so far": operation_id is not signed, and one command with a huge id (a hostile or
     * broken server, a database restored from a backup) made every later command be ignored in silence.
     */
    private final Set<Long> taken = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<Long, Boolean>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                    return size() > 256;
                }
            }));
    private final AtomicReference<Long> running = new AtomicReference<>();
    private final Runnable afterUpdate;

    public UpdateWorker(Optional<Updater> updater, ServerClient server, Runnable afterUpdate) {
        this.updater = updater;
        this.server = server;
        this.afterUpdate = afterUpdate;
    }

    /** Finishes or rolls back an update a killed agent left behind. */
    public void resumeLeftovers() {
        updater.ifPresent(u -> thread.submit(() -> guarded(-1, () -> u.resume())));
    }

    public void offer(Command command) {
        if (!taken.add(command.operationId())) {
            return;
        }
        if (updater.isEmpty()) {
            server.report(command.operationId(), ReportedStage.FAILED, null,
                    "updates are not configured on this node (install.dir and signing.key)");
            return;
        }
        thread.submit(() -> guarded(command.operationId(), () -> updater.get().start(command)));
    }

    /** The releases on the node, for the heartbeat; empty without updates or when the directory cannot be read. */
    public java.util.List<String> releases() {
        try {
            return updater.isPresent() ? updater.get().releases() : java.util.List.of();
        } catch (java.io.IOException e) {
            return java.util.List.of();
        }
    }

    /** The operation being worked on, for the heartbeat. */
    public Long runningOperation() {
        return running.get();
    }

    private interface Step {
        void run() throws Exception;
    }

    private void guarded(long operationId, Step step) {
        running.set(operationId < 0 ? null : operationId);
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            LOG.log(Level.SEVERE, "update " + operationId + " stopped; it resumes on the next start", e);
        } finally {
            running.set(null);
            afterUpdate.run();
        }
    }

    public void shutdown() {
        thread.shutdownNow();
    }
}
