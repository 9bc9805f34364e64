package dev.slm.agent.update;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The agent as its own service ({@code self.managed = true}): the code it deploys is its own distribution
 * ({@code bin/}, {@code lib/}), in the usual {@code releases/} + {@code current} layout, started by
 * {@code slm-agent-launcher} under the service manager (systemd {@code Restart=always}, or the launcher's own
 * supervise loop).
 * <p>
 * "Restarting the service" is the agent leaving: {@link #start()} exits the JVM when {@code current} points at a
 * release other than the one this process runs, and the service manager starts the launcher again, which runs the
 * new release. The new agent resumes the update from {@code state.json} and finds itself already started. When it
 * leaves the confirmed release (the one {@code version.json} names), it first writes {@value #TRIAL}: the launcher
 * counts starts there and, after a bounded number that did not confirm, points {@code current} back and explains why
 * in {@value #REVERTED_NOTE}. The update is confirmed (the trial file deleted) once the new agent is healthy.
 */
public final class SelfServiceController implements ServiceController {

    public static final String TRIAL = "agent-trial";
    public static final String REVERTED_NOTE = "launcher-reverted";
    /** The exit status that means "start me again" (EX_TEMPFAIL); the launcher and systemd restart on any. */
    public static final int RESTART_EXIT_STATUS = 75;

    private static final Logger LOG = Logger.getLogger(SelfServiceController.class.getName());

    private final Releases releases;
    private final Path installDir;
    private final Optional<String> running;
    private final Supplier<Optional<String>> confirmed;
    private final Runnable exit;

    /**
     * @param running   the release this process runs, when it runs from {@code releases/}
     * @param confirmed the commit {@code version.json} names
     * @param exit      leaves the process (System.exit in the agent)
     */
    public SelfServiceController(Releases releases, Path installDir, Optional<String> running,
                                 Supplier<Optional<String>> confirmed, Runnable exit) {
        this.releases = releases;
        this.installDir = installDir;
        this.running = running;
        this.confirmed = confirmed;
        this.exit = exit;
    }

    /** The release a class was loaded from: {@code <install>/releases/<commit>/lib/x.jar}. */
    public static Optional<String> releaseOf(Class<?> type, Path installDir) {
        try {
            Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toRealPath();
            Path release = jar.getParent() == null ? null : jar.getParent().getParent();
            Path root = installDir.resolve("releases").toRealPath();
            return release != null && root.equals(release.getParent())
                    ? Optional.of(release.getFileName().toString()) : Optional.empty();
        } catch (IOException | URISyntaxException | SecurityException | NullPointerException e) {
            return Optional.empty();
        }
    }

    /** The agent stops by leaving, in {@link #start()}: nothing to do before the swap. */
    @Override
    public void stop(Duration drain) {
    }

    @Override
    public void start() throws IOException {
        Optional<String> current = releases.current();
        if (current.isEmpty() || current.equals(running)) {
            return; // this process is the release current points at: it has been started
        }
        Path trial = installDir.resolve(TRIAL);
        if (running.isPresent() && running.equals(confirmed.get())) {
            // durable before the exit: a power cut right after must not start the new release without its trial count
            DurableFiles.write(trial, ("previous=" + running.get() + "\nstarts=0\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else {
            Files.deleteIfExists(trial); // going back to the confirmed release: nothing to try
        }
        LOG.info("leaving for the agent release " + current.get() + "; the service manager starts it");
        exit.run();
    }

    /** The new release is healthy: the launcher stops counting its starts. */
    public void confirm() throws IOException {
        Files.deleteIfExists(installDir.resolve(TRIAL));
    }

    /** Why the launcher moved {@code current} back, once (the note is consumed). */
    public Optional<String> takeRevertNote() throws IOException {
        Path note = installDir.resolve(REVERTED_NOTE);
        if (!Files.exists(note)) {
            return Optional.empty();
        }
        String why = Files.readString(note).trim();
        Files.delete(note);
        return Optional.of(why);
    }
}
