package dev.slm.agent.update;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The service as a systemd unit: {@code systemctl stop|start|is-active <unit>}. Draining is the unit's business
 * ({@code KillSignal=}, {@code TimeoutStopSec=}); the agent waits as long as systemctl does, at most the drain time
 * plus a margin.
 */
public final class SystemdServiceController implements ServiceController {

    private final String systemctl;
    private final String unit;

    public SystemdServiceController(String systemctl, String unit) {
        this.systemctl = systemctl;
        this.unit = unit;
    }

    @Override
    public void stop(Duration drain) throws IOException, InterruptedException {
        run(List.of(systemctl, "stop", unit), drain.plusSeconds(30));
    }

    @Override
    public void start() throws IOException, InterruptedException {
        run(List.of(systemctl, "start", unit), Duration.ofSeconds(120));
    }

    private static void run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out);
        }
    }
}
