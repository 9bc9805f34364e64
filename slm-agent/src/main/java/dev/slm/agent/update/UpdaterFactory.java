package dev.slm.agent.update;

import dev.slm.agent.AgentConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Builds the updater from {@code agent.properties}; empty when updates are not configured on this node. */
public final class UpdaterFactory {

    private UpdaterFactory() {
    }

    public static Optional<Updater> create(AgentConfig c, Updater.Server server) throws IOException {
        Path install = c.path("install.dir");
        Optional<String> key = c.get("signing.key");
        if (install == null || key.isEmpty()) {
            return Optional.empty();
        }
        Files.createDirectories(c.stateDir());
        Releases releases = new Releases(install);
        ServiceController service = switch (c.get("service.controller").orElse("systemd")) {
            case "process" -> new ProcessServiceController(
                    c.get("service.start").orElseThrow(() -> new IllegalArgumentException("service.start is required")),
                    install.resolve("current"), c.stateDir().resolve("service.pid"), c.stateDir().resolve("service.log"));
            case "systemd" -> new SystemdServiceController(c.get("systemctl").orElse("systemctl"),
                    c.get("service.unit").orElseThrow(() -> new IllegalArgumentException("service.unit is required")));
            default -> throw new IllegalArgumentException("service.controller must be systemd or process");
        };
        HealthCheck health = new HealthCheck(c.get("health.url").map(URI::create).orElse(null),
                c.get("health.command").orElse(null), Duration.ofMillis(500),
                Duration.ofSeconds(c.seconds("health.deadline.s", 30)));
        return Optional.of(new Updater(new Updater.Settings(c.stateDir(), releases, new PackageVerifier(key.get()),
                service, health, Duration.ofSeconds(c.seconds("drain.timeout.s", 30)),
                Duration.ofSeconds(c.seconds("hook.timeout.s", 60)), (int) c.seconds("keep.releases", 3)), server));
    }
}
