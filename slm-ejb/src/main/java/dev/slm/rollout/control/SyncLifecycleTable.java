package dev.slm.rollout.control;

import dev.slm.rollout.entity.SyncStatus;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Writes {@link SyncStatus#NEXT} to the database at every start, before anything can write an operation; the trigger
 * of db/V7 checks every change of status against it. So the table has one definition (Java) and one enforcer (the
 * database), and a state added to the enum is known to both by the next start.
 */
@Singleton
@Startup
@DependsOn("DatabaseMigrator")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SyncLifecycleTable {

    private static final Logger LOG = Logger.getLogger(SyncLifecycleTable.class.getName());
    /** Serialises the rewrite when several server instances start at once. */
    private static final long LOCK = 0x534c4d5f53594e43L;

    @Resource(lookup = "java:app/jdbc/slm")
    DataSource dataSource;

    @PostConstruct
    void write() {
        try (Connection c = dataSource.getConnection()) {
            write(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the sync lifecycle to the database", e);
        }
        LOG.info(() -> "Sync lifecycle: " + SyncStatus.NEXT.values().stream().mapToInt(Set::size).sum() + " moves between "
                + SyncStatus.values().length + " states");
    }

    /** Replaces the database's copy of the table in one transaction. */
    public static void write(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                s.execute("DELETE FROM sync_transition");
            }
            try (PreparedStatement status = c.prepareStatement("INSERT INTO sync_status (name, final) VALUES (?, ?)"
                    + " ON CONFLICT (name) DO UPDATE SET final = EXCLUDED.final")) {
                for (SyncStatus s : SyncStatus.values()) {
                    status.setString(1, s.name());
                    status.setBoolean(2, s.isFinal());
                    status.addBatch();
                }
                status.executeBatch();
            }
            try (PreparedStatement move = c.prepareStatement("INSERT INTO sync_transition (from_status, to_status) VALUES (?, ?)")) {
                // '' is "no operation yet": the states an operation may start in
                for (SyncStatus start : SyncStatus.STARTS) {
                    move.setString(1, "");
                    move.setString(2, start.name());
                    move.addBatch();
                }
                for (Map.Entry<SyncStatus, Set<SyncStatus>> e : SyncStatus.NEXT.entrySet()) {
                    for (SyncStatus to : e.getValue()) {
                        move.setString(1, e.getKey().name());
                        move.setString(2, to.name());
                        move.addBatch();
                    }
                }
                move.executeBatch();
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
