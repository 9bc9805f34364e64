package dev.slm.fleet.boundary;

import dev.slm.access.entity.Role;
import dev.slm.fleet.entity.Setting;
import dev.slm.platform.InvalidInput;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Operator-changeable settings stored in the database: admins change them; everyone reads them, the heartbeat and
 * the timers too (which run without a caller).
 */
@Stateless
@RolesAllowed(Role.Names.ADMIN)
public class Settings {

    /** The defaults, when a setting is missing (db/V1 and V2 store the same values at the first start). */
    public static final int DEFAULT_HEARTBEAT_INTERVAL_S = 30;
    public static final int DEFAULT_OFFLINE_AFTER_MISSED = 3;
    public static final int DEFAULT_SYNC_TIMEOUT_S = 900;
    public static final int DEFAULT_SCHEDULE_MISSED_GRACE_S = 900;

    /** A setting an operator may change: a whole number from {@code min} to {@code max} of {@code unit}. */
    public record Definition(String name, String unit, int min, int max, String help) {

        /** Why the value cannot be this setting's, if it cannot (what the API answers and the form shows). */
        public Optional<String> problem(String value) {
            String v = value == null ? "" : value.trim();
            if (!v.matches("-?\\d{1,10}")) {
                return Optional.of(name + " must be a whole number of " + unit + ", from " + min + " to " + max);
            }
            long parsed = Long.parseLong(v);
            return parsed < min || parsed > max
                    ? Optional.of(name + " must be between " + min + " and " + max + " " + unit)
                    : Optional.empty();
        }
    }

    /** Every setting an operator may change, in the order the admin page shows them. */
    public static final List<Definition> DEFINITIONS = List.of(
            new Definition(Setting.HEARTBEAT_INTERVAL_S, "seconds", 1, 3600,
                    "How often each agent reports; agents take a new value with their next heartbeat."),
            new Definition(Setting.OFFLINE_AFTER_MISSED, "heartbeats", 1, 100,
                    "A node is offline once this many heartbeat intervals have passed without a heartbeat."),
            new Definition(Setting.SYNC_TIMEOUT_S, "seconds", 30, 86_400,
                    "A sync without progress from its agent for this long ends timed out."),
            new Definition(Setting.SCHEDULE_MISSED_GRACE_S, "seconds", 0, 86_400,
                    "A schedule's firing the server was not running for is still made this long after its time;"
                            + " later, it is recorded as missed."));

    private static final Map<String, Definition> BY_NAME = DEFINITIONS.stream()
            .collect(Collectors.toUnmodifiableMap(Definition::name, d -> d));

    /** The definition of a setting an operator may change. */
    public static Optional<Definition> definition(String name) {
        return Optional.ofNullable(name == null ? null : BY_NAME.get(name));
    }

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @PermitAll
    public List<Setting> all() {
        return em.createQuery("SELECT s FROM Setting s ORDER BY s.name", Setting.class).getResultList();
    }

    /** @throws InvalidInput for an unknown setting or a value out of its range */
    public Setting change(String name, String value) {
        Definition definition = definition(name).orElseThrow(() -> new InvalidInput("unknown setting '" + name
                + "'; known: " + DEFINITIONS.stream().map(Definition::name).toList()));
        definition.problem(value).ifPresent(p -> {
            throw new InvalidInput(p);
        });
        int parsed = Integer.parseInt(value.trim());
        Setting s = em.find(Setting.class, name);
        if (s == null) {
            s = new Setting(name, Integer.toString(parsed), clock.instant());
            em.persist(s);
        } else {
            s.change(Integer.toString(parsed), clock.instant());
        }
        return s;
    }

    @PermitAll
    public Duration heartbeatInterval() {
        return Duration.ofSeconds(intValue(Setting.HEARTBEAT_INTERVAL_S, DEFAULT_HEARTBEAT_INTERVAL_S));
    }

    /** An operation without progress for this long ends TIMED_OUT. */
    @PermitAll
    public Duration syncTimeout() {
        return Duration.ofSeconds(intValue(Setting.SYNC_TIMEOUT_S, DEFAULT_SYNC_TIMEOUT_S));
    }

    /** How late a schedule's firing is still made (after a restart); later it is recorded as missed. */
    @PermitAll
    public Duration scheduleMissedGrace() {
        return Duration.ofSeconds(intValue(Setting.SCHEDULE_MISSED_GRACE_S, DEFAULT_SCHEDULE_MISSED_GRACE_S));
    }

    @PermitAll
    public int offlineAfterMissed() {
        return intValue(Setting.OFFLINE_AFTER_MISSED, DEFAULT_OFFLINE_AFTER_MISSED);
    }

    private int intValue(String name, int fallback) {
        Setting s = em.find(Setting.class, name);
        if (s == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(s.value().trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
