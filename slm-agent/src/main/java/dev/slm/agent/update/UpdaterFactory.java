package dev.slm.agent.update;

import dev.slm.agent.AgentConfig;
import dev.slm.agent.VersionFile;
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

    private static Optional<String> confirmed(AgentConfig c) {
        try {
            return VersionFile.read(c.versionFile());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public static Optional<Updater> create(AgentConfig c, Updater.Server server) throws IOException {
        Path install = c.path("install.dir");
        Optional<String> key = c.get("signing.key");
        if (install == null || key.isEmpty()) {
            return Optional.empty();
        }
        Files.createDirectories(c.stateDir());
        Releases releases = new Releases(install);
        boolean self = Boolean.parseBoolean(c.get("self.managed").orElse("false"));
        Optional<String> running = SelfServiceController.releaseOf(UpdaterFactory.class, install);
        if (self && running.isEmpty()) {
            throw new IllegalArgumentException("self.managed=true, but the agent does not run from " + install
                    + "/releases: start it with slm-agent-launcher in " + install);
        }
        ServiceController service = self ? new SelfServiceController(releases, install, running, () -> confirmed(c),
                () -> System.exit(SelfServiceController.RESTART_EXIT_STATUS))
                : switch (c.get("service.controller").orElse("systemd")) {
            case "process" -> new ProcessServiceController(
                    c.get("service.start").orElseThrow(() -> new IllegalArgumentException("service.start is required")),
                    install.resolve("current"), c.stateDir().resolve("service.pid"), c.stateDir().resolve("service.log"));
            case "systemd" -> new SystemdServiceController(c.get("systemctl").orElse("systemctl"),
                    c.get("service.unit").orElseThrow(() -> new IllegalArgumentException("service.unit is required")));
            default -> throw new IllegalArgumentException("service.controller must be systemd or process");
        };
        // the agent's own health, unless configured: it runs (it got here) and the server answers it
        URI defaultUrl = self && c.get("health.command").isEmpty() ? c.serverUrl().resolve("api/health") : null;
        HealthCheck health = new HealthCheck(c.get("health.url").map(URI::create).orElse(defaultUrl),
                c.get("health.command").orElse(null), Duration.ofMillis(500),
                Duration.ofSeconds(c.seconds("health.deadline.s", 30)));
        return Optional.of(new Updater(new Updater.Settings(c.serverUrl(), c.nodeId(), c.stateDir(), releases, new PackageVerifier(key.get()),
                service, health, Duration.ofSeconds(c.seconds("drain.timeout.s", 30)), c.get("drain.command").orElse(null),
                Duration.ofSeconds(c.seconds("hook.timeout.s", 60)), (int) c.seconds("keep.releases", 3)), server));
    }
}
