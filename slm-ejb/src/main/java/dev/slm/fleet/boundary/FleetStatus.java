package dev.slm.fleet.boundary;

import dev.slm.source.entity.CodeStatus;
import dev.slm.fleet.entity.Node;
import jakarta.annotation.security.PermitAll;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Counts and lists for the status endpoints; counts come from queries, never from loading every node.
 * Reads only, open to every caller: the web layer lets only logged-in operators read, and the web app's live
 * updates call it from threads that carry no caller.
 */
@Stateless
@PermitAll
public class FleetStatus {

    @PersistenceContext
    EntityManager em;

    @Inject
    Settings settings;

    @Inject
    Clock clock;

    public Map<CodeStatus, Long> countsByStatus() {
        Map<CodeStatus, Long> counts = new EnumMap<>(CodeStatus.class);
        for (CodeStatus s : CodeStatus.values()) {
            counts.put(s, 0L);
        }
        for (Object[] row : em.createNamedQuery(Node.COUNT_BY_STATUS, Object[].class).getResultList()) {
            counts.put((CodeStatus) row[0], (Long) row[1]);
        }
        return counts;
    }

    public long onlineCount() {
        // native: EclipseLink cannot bind an Instant parameter for PostgreSQL
        return ((Number) em.createNativeQuery("SELECT COUNT(*) FROM node WHERE last_seen >= ?1")
                .setParameter(1, Timestamp.from(onlineSince()))
                .getSingleResult()).longValue();
    }

    /** Nodes seen at or after this instant are online. */
    public Instant onlineSince() {
        return clock.instant().minus(settings.heartbeatInterval().multipliedBy(settings.offlineAfterMissed()));
    }
}
