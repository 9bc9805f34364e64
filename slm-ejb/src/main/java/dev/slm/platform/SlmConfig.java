package dev.slm.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The server's configuration, read through MicroProfile Config (environment variables {@code SLM_*}). */
@ApplicationScoped
public class SlmConfig {

    @Inject
    @ConfigProperty(name = "SLM_DATA_DIR")
    Optional<String> dataDir;

    @Inject
    @ConfigProperty(name = "SLM_GIT_URL")
    Optional<String> gitUrl;

    @Inject
    @ConfigProperty(name = "SLM_GIT_BRANCH", defaultValue = "main")
    String gitBranch;

    @Inject
    @ConfigProperty(name = "SLM_GIT_PATH")
    Optional<String> gitPath;

    @Inject
    @ConfigProperty(name = "SLM_GIT_USERNAME", defaultValue = "x-access-token")
    String gitUsername;

    @Inject
    @ConfigProperty(name = "SLM_GIT_TOKEN")
    Optional<String> gitToken;

    @Inject
    @ConfigProperty(name = "SLM_FETCH_INTERVAL", defaultValue = "5m")
    String fetchInterval;

    @Inject
    @ConfigProperty(name = "SLM_PACKAGE_CACHE_MB", defaultValue = "2048")
    long packageCacheMb;

    @Inject
    @ConfigProperty(name = "SLM_ADMIN_PASSWORD")
    Optional<String> adminPassword;

    /** {@code SLM_DATA_DIR}, or {@code $HOME/.slm} as the README says (Java's user.home comes from passwd, not $HOME). */
    public Path dataDir() {
        String home = System.getenv("HOME");
        return dataDir.filter(s -> !s.isBlank())
                .map(Path::of)
                .orElse(Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home, ".slm"))
                .toAbsolutePath();
    }

    public Optional<String> gitUrl() {
        return gitUrl.filter(s -> !s.isBlank());
    }

    public String gitBranch() {
        return gitBranch;
    }

    /** The subdirectory of the repository that is distributed; empty for the whole tree. */
    public String gitPath() {
        return gitPath.map(String::trim).orElse("");
    }

    public String gitUsername() {
        return gitUsername;
    }

    public Optional<String> gitToken() {
        return gitToken.filter(s -> !s.isBlank());
    }

    public Duration fetchInterval() {
        return Durations.parse(fetchInterval);
    }

    /** The most the package cache may hold on disk. */
    public long packageCacheBytes() {
        return packageCacheMb * 1024 * 1024;
    }

    public Optional<String> adminPassword() {
        return adminPassword.filter(s -> !s.isBlank());
    }
}
