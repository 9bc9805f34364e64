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
                       String targetCommit,
                       Boolean overrideWindow) {
        static final Sync DEFAULTS = new Sync(null, null, null, null, null);

        /** Synced even outside the node's maintenance windows: the operator asked, and it is recorded. */
        boolean overridesWindow() {
            return Boolean.TRUE.equals(overrideWindow);
        }

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

    /** A number of nodes as given: a count or a percentage of the targets ({@code "10%"}); Share.parse rules on it. */
    public record Share(String text) {
    }

    /**
     * {@code POST /api/fleet/sync}: the nodes by id, by role, or every node not up to date (their union), with a single
     * sync's options; {@code "strategy": "rolling"} makes it a rollout with the rollout options, which the parallel
     * strategy refuses (a batch size that would be ignored is a mistake the operator should hear of).
     */
    public record FleetSync(@Size(max = 10_000, message = "may name at most 10000 nodes") List<@NotNull String> nodeIds,
                            @Size(max = 100, message = "may name at most 100 roles") List<@NotNull String> roles,
                            Boolean allOutdated,
                            @Pattern(regexp = "parallel|rolling", message = "must be parallel or rolling")
                            String strategy,
                            Boolean restart,
                            @Pattern(regexp = RESTART_TYPES, message = "must be one of immediate, graceful, manual")
                            String restartType,
                            Boolean reinstall,
                            Boolean includeOffline,
                            @Pattern(regexp = COMMIT, message = "must be a full commit id (40 lower-case hex digits)")
                            String targetCommit,
                            Share batchSize,
                            Integer healthCheckDelay,
                            Boolean abortOnFailure,
                            Share maxFailures,
                            Integer canary,
                            Boolean autoPromote,
                            Integer timeout,
                            Boolean pin,
                            Boolean overrideWindow) {

        Sync options() {
            return new Sync(restart, restartType, reinstall, targetCommit, overrideWindow);
        }

        boolean rolling() {
            return "rolling".equals(strategy);
        }

        /** The rollout options given, by their names on the wire: a parallel sync takes none of them. */
        List<String> rolloutOptions() {
            List<String> given = new java.util.ArrayList<>();
            if (batchSize != null) given.add("batch_size");
            if (healthCheckDelay != null) given.add("health_check_delay");
            if (abortOnFailure != null) given.add("abort_on_failure");
            if (maxFailures != null) given.add("max_failures");
            if (canary != null) given.add("canary");
            if (autoPromote != null) given.add("auto_promote");
            if (timeout != null) given.add("timeout");
            return given;
        }

        /** all_outdated leaves offline and never-seen nodes out unless asked (their operations would only wait). */
        boolean includesOffline() {
            return Boolean.TRUE.equals(includeOffline);
        }

        List<String> named() {
            return nodeIds == null ? List.of() : nodeIds;
        }

        List<String> namedRoles() {
            return roles == null ? List.of() : roles;
        }
    }

    /** {@code PUT /api/updates/pin}: a commit of the tracked branch, and why (shown to every operator). */
    public record Pin(@NotNull(message = "is required")
                      @Pattern(regexp = COMMIT, message = "must be a full commit id (40 lower-case hex digits)") String commit,
                      @Size(max = 1024, message = "may have at most 1024 characters") String reason) {
    }

    /** {@code PUT /api/updates/pins/roles}: the role's nodes are measured against {@code commit} until unpinned. */
    public record RolePin(@NotNull(message = "is required") String role,
                          @NotNull(message = "is required")
                          @Pattern(regexp = COMMIT, message = "must be a full commit id (40 lower-case hex digits)") String commit,
                          @Size(max = 1024, message = "may have at most 1024 characters") String reason) {
    }

    /**
     * {@code POST /api/enrollment-keys} (admin): {@code expires_at} an instant with its offset (default: a day from
     * now), {@code max_uses} (default: no limit), {@code roles} the node may enrol with (default: any),
     * {@code allow_reenroll} (default false).
     */
    public record NewEnrollmentKey(@NotNull(message = "is required") String name, String expiresAt, Integer maxUses,
                                   List<String> roles, Boolean allowReenroll) {
    }

    /** {@code POST /api/nodes/enroll} (a key instead of a login). */
    public record Enroll(@NotNull(message = "is required") String enrollmentKey,
                         @NotNull(message = "is required") String nodeId, List<String> roles) {
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

    /**
     * {@code POST /api/updates/schedules} and {@code PUT /api/updates/schedules/{id}}: a whole schedule (a PUT replaces
     * it). The targets and options are those of {@code POST /api/fleet/sync} without {@code target_commit} (a schedule
     * syncs to the desired commit of its firing time) and {@code include_offline} (a firing leaves offline nodes out;
     * a rolling one defers them). The domain's rules (cron, zone, ranges) are the Schedules EJB's.
     */
    public record Schedule(String name,
                           String cron,
                           String zone,
                           Boolean enabled,
                           @Pattern(regexp = "parallel|rolling", message = "must be parallel or rolling") String strategy,
                           @Size(max = 10_000, message = "may name at most 10000 nodes") List<@NotNull String> nodeIds,
                           @Size(max = 100, message = "may name at most 100 roles") List<@NotNull String> roles,
                           Boolean allOutdated,
                           Boolean restart,
                           @Pattern(regexp = RESTART_TYPES, message = "must be one of immediate, graceful, manual")
                           String restartType,
                           Boolean reinstall,
                           Share batchSize,
                           Integer healthCheckDelay,
                           Boolean abortOnFailure,
                           Share maxFailures,
                           Integer canary,
                           Boolean autoPromote,
                           Integer timeout) {

        dev.slm.rollout.boundary.Schedules.Definition definition() {
            return new dev.slm.rollout.boundary.Schedules.Definition(name, cron, zone, enabled, strategy,
                    new dev.slm.rollout.entity.ScheduleSpec(nodeIds, roles, Boolean.TRUE.equals(allOutdated),
                            restart == null || restart,
                            restartType == null ? RestartType.GRACEFUL : RestartType.fromWire(restartType),
                            Boolean.TRUE.equals(reinstall), batchSize == null ? null : batchSize.text(), healthCheckDelay,
                            abortOnFailure, maxFailures == null ? null : maxFailures.text(), canary, autoPromote, timeout));
        }
    }

    /**
     * {@code POST /api/updates/windows} and {@code PUT /api/updates/windows/{id}}: a whole maintenance window. It opens
     * at each time of {@code cron} (in {@code zone}) for {@code duration} seconds and covers {@code all_nodes}, or the
     * nodes named and those of the roles named. The rules are the MaintenanceWindows EJB's.
     */
    public record Window(String name,
                         String kind,
                         String cron,
                         Integer duration,
                         String zone,
                         Boolean allNodes,
                         @Size(max = 10_000, message = "may name at most 10000 nodes") List<@NotNull String> nodeIds,
                         @Size(max = 100, message = "may name at most 100 roles") List<@NotNull String> roles,
                         Boolean enabled) {

        dev.slm.rollout.boundary.MaintenanceWindows.Definition definition() {
            return new dev.slm.rollout.boundary.MaintenanceWindows.Definition(name, kind, cron, duration, zone,
                    Boolean.TRUE.equals(allNodes), nodeIds, roles, enabled);
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
