package dev.slm.agent.update;

import java.io.IOException;
import java.time.Duration;

/** Starts and stops the service the agent deploys. Real nodes use systemd; machines without it, a plain process. */
public interface ServiceController {

    /** Stops the service; {@code drain} is how long it may take to finish its current work first. */
    void stop(Duration drain) throws IOException, InterruptedException;

    void start() throws IOException, InterruptedException;

    /** The new release passed its health check (the agent's own launcher stops counting its starts). */
    default void confirm() throws IOException {
    }

    /** Why {@code current} is not where the updater left it, when the service's own machinery moved it back. */
    default java.util.Optional<String> takeRevertNote() throws IOException {
        return java.util.Optional.empty();
    }
}
