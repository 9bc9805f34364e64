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

    /** Every setting an operator may change, with its allowed range. */
    private static final Map<String, int[]> RANGES = Map.of(
            Setting.HEARTBEAT_INTERVAL_S, new int[] {1, 3600},
            Setting.OFFLINE_AFTER_MISSED, new int[] {1, 100},
            Setting.SYNC_TIMEOUT_S, new int[] {30, 86_400});

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
        int[] range = RANGES.get(name);
        if (range == null) {
            throw new InvalidInput("unknown setting '" + name + "'; known: " + RANGES.keySet());
        }
        int parsed;
        try {
            parsed = Integer.parseInt(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInput(name + " must be a whole number");
        }
        if (parsed < range[0] || parsed > range[1]) {
            throw new InvalidInput(name + " must be between " + range[0] + " and " + range[1]);
        }
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
