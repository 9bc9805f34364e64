package dev.slm.fleet.boundary;

import dev.slm.fleet.entity.DesiredCommits;
import dev.slm.fleet.entity.DesiredCommits.Pin;
import dev.slm.fleet.entity.DesiredCommits.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the desired commits (the fleet's and db/V17's pins) on a connection of the caller's: the heartbeat writer's
 * own, the code status recalculation's, a JPA transaction's. Two small statements; the heartbeat writer reads them
 * only when the pins or the fleet's commit changed since its last batch.
 */
public final class PinReader {

    private static final String FLEET = "SELECT COALESCE(pinned_commit, latest_commit), pins_version FROM tracked_source"
            + " WHERE id = 1";
    private static final String PINS = "SELECT node_id, role, commit_id, pinned_by, pinned_at, reason FROM commit_pin";

    private PinReader() {
    }

    public static DesiredCommits read(Connection c) throws SQLException {
        String fleet = null;
        long version = 0;
        try (PreparedStatement s = c.prepareStatement(FLEET); ResultSet rs = s.executeQuery()) {
            if (rs.next()) {
                fleet = rs.getString(1);
                version = rs.getLong(2);
            }
        }
        List<Pin> pins = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(PINS); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                pins.add(pin(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5),
                        rs.getString(6)));
            }
        }
        return DesiredCommits.of(fleet, version, pins);
    }

    /** As {@link #read(Connection)}, in the entity manager's transaction. */
    public static DesiredCommits read(jakarta.persistence.EntityManager em) {
        List<?> fleet = em.createNativeQuery(FLEET).getResultList();
        String commit = fleet.isEmpty() ? null : (String) ((Object[]) fleet.get(0))[0];
        long version = fleet.isEmpty() ? 0 : ((Number) ((Object[]) fleet.get(0))[1]).longValue();
        List<Pin> pins = new ArrayList<>();
        for (Object row : em.createNativeQuery(PINS).getResultList()) {
            Object[] r = (Object[]) row;
            pins.add(pin((String) r[0], (String) r[1], (String) r[2], (String) r[3], timestamp(r[4]), (String) r[5]));
        }
        return DesiredCommits.of(commit, version, pins);
    }

    private static Timestamp timestamp(Object value) {
        if (value instanceof Timestamp t) {
            return t;
        }
        if (value instanceof java.time.OffsetDateTime t) {
            return Timestamp.from(t.toInstant());
        }
        return Timestamp.from((java.time.Instant) value);
    }

    /** One row of commit_pin: a node's pin when {@code nodeId} is set, else a role's. */
    static Pin pin(String nodeId, String role, String commit, String by, Timestamp at, String reason) {
        return nodeId != null ? new Pin(Scope.NODE, nodeId, commit, by, at.toInstant(), reason)
                : new Pin(Scope.ROLE, role, commit, by, at.toInstant(), reason);
    }
}
