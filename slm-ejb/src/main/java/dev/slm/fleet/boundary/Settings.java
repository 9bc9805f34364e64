package dev.slm.fleet.boundary;

import dev.slm.fleet.entity.Setting;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;

/** Operator-changeable settings stored in the database. */
@Stateless
public class Settings {

    @PersistenceContext
    EntityManager em;

    public Duration heartbeatInterval() {
        return Duration.ofSeconds(intValue(Setting.HEARTBEAT_INTERVAL_S, 30));
    }

    public int offlineAfterMissed() {
        return intValue(Setting.OFFLINE_AFTER_MISSED, 3);
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
