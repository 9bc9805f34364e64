package dev.slm.platform;

import java.util.Locale;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The form of every {@code SLM_*} setting the server reads, checked in one place: by the run command before it
 * starts anything, and by the server as it starts (deployed without the run command). A bad value is one line that
 * names the setting and says what it takes — before, a non-duration SLM_FETCH_INTERVAL ended the run command with
 * whatever "Caused by" line Payara logged last.
 */
public final class ServerSettings {

    /**
     * The range of the web app's durations (SLM_UI_GONE_AFTER, SLM_ANONYMOUS_SESSION_TIMEOUT): under a second is no
     * time to answer a heartbeat (and the container takes 0 s, as 500ms would give, for "never"); a day is far beyond
     * any sensible value and far below where the session's int seconds or the sweep's nanoseconds overflow.
     */
    public static final Duration WEB_DURATION_MIN = Duration.ofSeconds(1);
    public static final Duration WEB_DURATION_MAX = Duration.ofHours(24);

    private ServerSettings() {
    }

    /** @return one line per setting whose value cannot be used; empty when all can */
    public static List<String> problems(Function<String, String> settings) {
        List<String> problems = new ArrayList<>();
        for (String name : List.of("SLM_FETCH_INTERVAL", "SLM_LOGIN_LOCKOUT", "SLM_LOGIN_LOCKOUT_MAX")) {
            String value = settings.apply(name);
            if (present(value)) {
                try {
                    Durations.parse(value);
                } catch (RuntimeException e) {
                    problems.add(name + " must be a positive duration such as 30s, 5m, 1h or PT5M, not '" + value + "'");
                }
            }
        }
        // their range too: a value in form but out of range (100000h) failed the server's start a minute later
        for (String name : List.of("SLM_UI_GONE_AFTER", "SLM_ANONYMOUS_SESSION_TIMEOUT")) {
            String value = settings.apply(name);
            if (present(value)) {
                try {
                    Durations.setting(name, value, WEB_DURATION_MIN, WEB_DURATION_MAX);
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        for (String name : List.of("SLM_PACKAGE_CACHE_MB", "SLM_LOGIN_MAX_FAILURES", "SLM_LOGIN_MAX_FAILURES_PER_ADDRESS",
                "SLM_LOGIN_MAX_FAILURES_PER_ACCOUNT", "SLM_ANONYMOUS_SESSIONS_MAX")) {
            String value = settings.apply(name);
            if (value != null && !value.trim().matches("[1-9][0-9]{0,8}")) {
                problems.add(name + " must be a whole number from 1 to 999999999, not '" + value + "'");
            }
        }
        String git = settings.apply("SLM_GIT_URL");
        if (present(git) && !gitUrl(git.trim())) {
            problems.add("SLM_GIT_URL must be an https://, ssh://, git:// or file:// URL or a local path, not '"
                    + RedactedUrl.of(git) + "'");
        }
        String branch = settings.apply("SLM_GIT_BRANCH");
        if (branch != null && (branch.isBlank() || branch.contains("..") || !branch.trim().matches("[A-Za-z0-9._/-]+"))) {
            problems.add("SLM_GIT_BRANCH must be a branch name such as main, not '" + branch + "'");
        }
        // "." or "./app" named no directory git has (PackageTree and TrackedContent match names as they are): nothing
        // was deployable and every node was OUTDATED by 0 commits, with nothing saying why at start
        String path = settings.apply("SLM_GIT_PATH");
        if (present(path) && !gitPath(path.trim())) {
            problems.add("SLM_GIT_PATH must be a directory of the repository such as app or deploy/web (no '.' or '..'"
                    + " part, no empty part, no control character), not '" + path + "'");
        }
        String publicUrl = settings.apply("SLM_PUBLIC_URL");
        if (present(publicUrl) && !httpUrl(publicUrl.trim())) {
            problems.add("SLM_PUBLIC_URL must be the http:// or https:// URL browsers use, e.g. https://slm.example.com,"
                    + " not '" + publicUrl + "'");
        }
        String proxies = settings.apply("SLM_TRUSTED_PROXIES");
        if (present(proxies)) {
            for (String proxy : proxies.split(",")) {
                if (!proxy.isBlank() && !proxy.trim().matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
                    problems.add("SLM_TRUSTED_PROXIES must be IP addresses separated by commas, not '" + proxy.trim() + "'");
                }
            }
        }
        String db = settings.apply("SLM_DB_URL");
        if (present(db) && !db.trim().startsWith("jdbc:postgresql:")) {
            problems.add("SLM_DB_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/database), not '"
                    + RedactedUrl.of(db) + "'");
        }
        String hook = settings.apply("SLM_WEBHOOK_SECRET");
        if (present(hook) && hook.strip().length() < 16) {
            // the key of an HMAC that anyone can try offline against a captured delivery: a short one is guessed
            problems.add("SLM_WEBHOOK_SECRET must have at least 16 characters (a random string: openssl rand -hex 32)");
        }
        return problems;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /**
     * A URL of a transport JGit has; anything without {@code ://} is a local path (or git's {@code user@host:path}),
     * which the first fetch checks and reports as the fetch error.
     */
    private static boolean gitUrl(String value) {
        if (!value.contains("://")) {
            return true;
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return switch (scheme) {
                case "https", "http", "ssh", "git" -> uri.getHost() != null;
                case "file" -> uri.getPath() != null && !uri.getPath().isEmpty();
                default -> false;
            };
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * SLM_GIT_PATH as packages, manifests and the classification name it: no leading or trailing slashes, "" for the
     * whole tree.
     */
    public static String normaliseGitPath(String path) {
        String p = path == null ? "" : path.trim();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** A path in the repository: its parts between slashes (leading and trailing ones are dropped) are names. */
    private static boolean gitPath(String value) {
        String p = normaliseGitPath(value);
        if (p.isEmpty()) {
            return true; // the whole tree
        }
        for (String part : p.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.codePoints().anyMatch(Character::isISOControl)) {
                return false;
            }
        }
        return true;
    }

    private static boolean httpUrl(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
