package dev.slm.platform;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
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

    /** A private key file for fetching over SSH (a deploy key); its passphrase; the host keys to trust (issue 16). */
    @Inject
    @ConfigProperty(name = "SLM_GIT_SSH_KEY")
    Optional<String> gitSshKey;

    @Inject
    @ConfigProperty(name = "SLM_GIT_SSH_KEY_PASSPHRASE")
    Optional<String> gitSshKeyPassphrase;

    @Inject
    @ConfigProperty(name = "SLM_GIT_KNOWN_HOSTS")
    Optional<String> gitKnownHosts;

    /** The shared secret of push webhooks (HMAC key, or GitLab's token); none: POST /api/hooks/git is refused. */
    @Inject
    @ConfigProperty(name = "SLM_WEBHOOK_SECRET")
    Optional<String> webhookSecret;

    @Inject
    @ConfigProperty(name = "SLM_PACKAGE_CACHE_MB", defaultValue = "2048")
    long packageCacheMb;

    @Inject
    @ConfigProperty(name = "SLM_ADMIN_PASSWORD")
    Optional<String> adminPassword;

    // failed logins (see LoginThrottle) and where browsers come from (see the web module's RequestOrigin)
    @Inject
    @ConfigProperty(name = "SLM_LOGIN_MAX_FAILURES", defaultValue = "5")
    int loginMaxFailures;

    @Inject
    @ConfigProperty(name = "SLM_LOGIN_MAX_FAILURES_PER_ADDRESS", defaultValue = "20")
    int loginMaxFailuresPerAddress;

    @Inject
    @ConfigProperty(name = "SLM_LOGIN_MAX_FAILURES_PER_ACCOUNT", defaultValue = "50")
    int loginMaxFailuresPerAccount;

    @Inject
    @ConfigProperty(name = "SLM_LOGIN_LOCKOUT", defaultValue = "1m")
    String loginLockout;

    @Inject
    @ConfigProperty(name = "SLM_LOGIN_LOCKOUT_MAX", defaultValue = "1h")
    String loginLockoutMax;

    // the web app's pages and sessions (see the web module's UiReaper and AnonymousSessions)
    @Inject
    @ConfigProperty(name = "SLM_UI_GONE_AFTER", defaultValue = "60s")
    String uiGoneAfter;

    @Inject
    @ConfigProperty(name = "SLM_ANONYMOUS_SESSION_TIMEOUT", defaultValue = "2m")
    String anonymousSessionTimeout;

    @Inject
    @ConfigProperty(name = "SLM_ANONYMOUS_SESSIONS_MAX", defaultValue = "5000")
    int anonymousSessionsMax;

    @Inject
    @ConfigProperty(name = "SLM_TRUSTED_PROXIES")
    Optional<String> trustedProxies;

    @Inject
    @ConfigProperty(name = "SLM_PUBLIC_URL")
    Optional<String> publicUrl;

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

    public Optional<java.nio.file.Path> gitSshKey() {
        return gitSshKey.filter(s -> !s.isBlank()).map(s -> java.nio.file.Path.of(s.strip()));
    }

    public Optional<String> gitSshKeyPassphrase() {
        return gitSshKeyPassphrase.filter(s -> !s.isEmpty());
    }

    public Optional<java.nio.file.Path> gitKnownHosts() {
        return gitKnownHosts.filter(s -> !s.isBlank()).map(s -> java.nio.file.Path.of(s.strip()));
    }

    public Optional<String> webhookSecret() {
        return webhookSecret.filter(s -> !s.isBlank());
    }

    public Duration fetchInterval() {
        return Durations.setting("SLM_FETCH_INTERVAL", fetchInterval);
    }

    /** The most the package cache may hold on disk. */
    public long packageCacheBytes() {
        return packageCacheMb * 1024 * 1024;
    }

    public Optional<String> adminPassword() {
        return adminPassword.filter(s -> !s.isBlank());
    }

    /** Failures of one account from one address before that pair is locked out. */
    public int loginMaxFailures() {
        return loginMaxFailures;
    }

    /** Failures from one address, whatever the accounts, before the address is locked out. */
    public int loginMaxFailuresPerAddress() {
        return loginMaxFailuresPerAddress;
    }

    /** Failures of one account, whatever the addresses, before only addresses without failures may still try it. */
    public int loginMaxFailuresPerAccount() {
        return loginMaxFailuresPerAccount;
    }

    /** The first lockout; each further one of the same key doubles, up to {@link #loginLockoutMax()}. */
    public Duration loginLockout() {
        return Durations.setting("SLM_LOGIN_LOCKOUT", loginLockout);
    }

    /** How long a page whose browser has gone (its push connection broken) is kept before it is closed. */
    public Duration uiGoneAfter() {
        return Durations.setting("SLM_UI_GONE_AFTER", uiGoneAfter, ServerSettings.WEB_DURATION_MIN,
                ServerSettings.WEB_DURATION_MAX);
    }

    /**
     * How long a web session nobody has logged in with lives without a request: whole seconds, at least one (the
     * container takes 0 s, as 500ms would give, for "never"), and a day at most.
     */
    public Duration anonymousSessionTimeout() {
        return Durations.setting("SLM_ANONYMOUS_SESSION_TIMEOUT", anonymousSessionTimeout, ServerSettings.WEB_DURATION_MIN,
                ServerSettings.WEB_DURATION_MAX);
    }

    /** How many web sessions nobody has logged in with are kept at most; the oldest ends for a new one. */
    public int anonymousSessionsMax() {
        return anonymousSessionsMax;
    }

    /**
     * Reads every duration setting as the server starts, so that a bad one stops it with its name. The web module's
     * two were read only by the first page (a Vaadin servlet that never started: every page an error) and by each new
     * session (its timeout left at the container's), while the server answered its health check.
     */
    void checkAtStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        fetchInterval();
        loginLockout();
        loginLockoutMax();
        uiGoneAfter();
        anonymousSessionTimeout();
    }

    public Duration loginLockoutMax() {
        return Durations.setting("SLM_LOGIN_LOCKOUT_MAX", loginLockoutMax);
    }

    /** The addresses of reverse proxies whose {@code X-Forwarded-For} is believed (comma-separated IP addresses). */
    public List<String> trustedProxies() {
        return trustedProxies.stream().flatMap(s -> Arrays.stream(s.split(",")))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The URL browsers use to reach the server (scheme, host, port), when it is not what the server itself sees. */
    public Optional<String> publicUrl() {
        return publicUrl.map(String::trim).filter(s -> !s.isEmpty());
    }
}
