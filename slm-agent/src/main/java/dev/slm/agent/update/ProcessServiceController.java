package dev.slm.agent.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The service as a plain process started from {@code current}: {@code sh -c <start command>}, its pid in a file so
 * a restarted agent still finds it. Stopping sends SIGTERM (the service finishes its work and exits) and waits up to
 * the drain time, then SIGKILL. Used by the tests and on machines without systemd.
 */
public final class ProcessServiceController implements ServiceController {

    private final String startCommand;
    private final Path workingDir;
    private final Path pidFile;
    private final Path logFile;

    public ProcessServiceController(String startCommand, Path workingDir, Path pidFile, Path logFile) {
        this.startCommand = startCommand;
        this.workingDir = workingDir;
        this.pidFile = pidFile;
        this.logFile = logFile;
    }

    @Override
    public void start() throws IOException {
        if (handle().isPresent()) {
            return;
        }
        Process p = new ProcessBuilder("sh", "-c", "exec " + startCommand)
                .directory(workingDir.toRealPath().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        Files.writeString(pidFile, Long.toString(p.pid()));
    }

    @Override
    public void stop(Duration drain) throws InterruptedException, IOException {
        Optional<ProcessHandle> h = handle();
        if (h.isPresent()) {
            h.get().destroy();
            try {
                h.get().onExit().get(Math.max(1, drain.toMillis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException stillRunning) {
                h.get().destroyForcibly();
                h.get().onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
            }
        }
        Files.deleteIfExists(pidFile);
    }

    private Optional<ProcessHandle> handle() {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
