package dev.slm.agent;

import java.util.logging.Logger;

/** Holds a long-poll open so a sync reaches this idle agent at once; backs off while the server is away. */
final class CommandPoller implements Runnable {

    private static final Logger LOG = Logger.getLogger(CommandPoller.class.getName());
    private static final int WAIT_S = 30;

    private final ServerClient server;
    private final UpdateWorker updates;

    CommandPoller(ServerClient server, UpdateWorker updates) {
        this.server = server;
        this.updates = updates;
    }

    @Override
    public void run() {
        Backoff backoff = new Backoff();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                server.pollCommand(WAIT_S).ifPresent(updates::offer);
                backoff.succeeded();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                LOG.fine(() -> "long-poll failed: " + e.getMessage());
                try {
                    Thread.sleep(backoff.failed().toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }
}
