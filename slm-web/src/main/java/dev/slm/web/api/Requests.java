package dev.slm.web.api;

import dev.slm.access.boundary.OperatorAccounts;
import dev.slm.access.entity.Role;
import dev.slm.rollout.entity.RestartType;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * The bodies of the operator API, bound by JSON-B (snake_case names) after {@link JsonBodyReader} has checked the
 * bytes, and validated by Bean Validation ({@code @Valid} on the resource's parameter; a violation is a 400 naming the
 * field, ProblemMappers). The rules of the domain — what a node id or a password may be, which commit is deployable —
 * stay with the EJBs that own them; these records say only what the request must carry.
 */
public final class Requests {

    private Requests() {
    }

    static final String ROLES = "(?i)\\s*(viewer|operator|admin)\\s*";

    static final String RESTART_TYPES = "(?i)immediate|graceful|manual";

    /** A full commit id, as the server's mirror names them (CommitInfo.ID). */
    static final String COMMIT = "[0-9a-f]{40}";

    /** {@code POST /api/nodes/{id}/sync}; {@code {}} (or JSON {@code null}) takes the defaults: restart, gracefully. */
    public record Sync(Boolean restart,
                       @Pattern(regexp = RESTART_TYPES, message = "must be one of immediate, graceful, manual")
                       String restartType,
                       Boolean reinstall,
                       @Pattern(regexp = COMMIT, message = "must be a full commit id (40 lower-case hex digits)")
                       String targetCommit) {
        static final Sync DEFAULTS = new Sync(null, null, null, null);

        /** A node already on the latest commit is synced (installed again) only when asked. */
        boolean reinstalls() {
            return Boolean.TRUE.equals(reinstall);
        }

        boolean restarts() {
            return restart == null || restart;
        }

        RestartType type() {
            return restartType == null ? RestartType.GRACEFUL : RestartType.fromWire(restartType);
        }
    }

    /** {@code POST /api/fleet/sync}: the nodes by id, or every node not up to date, with a single sync's options. */
    public record FleetSync(@Size(max = 10_000, message = "may name at most 10000 nodes") List<@NotNull String> nodeIds,
                            Boolean allOutdated,
                            @Pattern(regexp = "parallel|rolling", message = "must be parallel (or rolling, not yet available)")
                            String strategy,
                            Boolean restart,
                            @Pattern(regexp = RESTART_TYPES, message = "must be one of immediate, graceful, manual")
                            String restartType,
                            Boolean reinstall,
                            Boolean includeOffline,
                            @Pattern(regexp = COMMIT, message = "must be a full commit id (40 lower-case hex digits)")
                            String targetCommit) {

        Sync options() {
            return new Sync(restart, restartType, reinstall, targetCommit);
        }

        /** all_outdated leaves offline and never-seen nodes out unless asked (their operations would only wait). */
        boolean includesOffline() {
            return Boolean.TRUE.equals(includeOffline);
        }

        List<String> named() {
            return nodeIds == null ? List.of() : nodeIds;
        }
    }

    /** {@code POST /api/nodes} (admin). */
    public record NewNode(@NotNull(message = "is required") String nodeId) {
    }

    /** {@code POST /api/users} (admin). */
    public record NewUser(@NotNull(message = "is required") String username,
                          @NotNull(message = "is required") String password,
                          @Pattern(regexp = ROLES, message = "must be one of viewer, operator, admin")
                          String role) {
        Role roleOrNull() {
            return role == null ? null : Role.valueOf(role.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }

    /**
     * {@code PUT} or {@code PATCH /api/users/{name}} (admin): what changes; a field left out (or null) stays as it is.
     * The password has the rules of a new account's (OperatorAccounts).
     */
    public record UserChange(@Pattern(regexp = ROLES, message = "must be one of viewer, operator, admin") String role,
                             Boolean disabled,
                             String password) {
        OperatorAccounts.Change change() {
            return new OperatorAccounts.Change(role == null ? null : Role.valueOf(role.trim().toUpperCase(java.util.Locale.ROOT)),
                    disabled, password);
        }
    }

    /** {@code PUT /api/settings/{name}} (admin). */
    public record SettingChange(@NotNull(message = "is required") String value) {
    }

    /** The names of a record's components on the wire, for messages. */
    public static String wireName(String component) {
        return component.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }
}
