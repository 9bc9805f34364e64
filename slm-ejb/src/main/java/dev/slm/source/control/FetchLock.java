package dev.slm.source.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The right to fetch, held by one server instance at a time: a PostgreSQL session advisory lock on a connection
 * kept for the fetch. PostgreSQL ends the session of an instance that died (its TCP connection closes), and with it
 * the lock, so another instance — or the same one restarted — fetches at once. The connection's
 * {@code application_name} says who holds it, for {@link #holder}.
 */
public final class FetchLock implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FetchLock.class.getName());
    /** The key of the fetch lock; the status lock is SourceStore.STATUS_LOCK. */
    public static final long KEY = 0x534C4D0002L;

    private final Connection connection;

    private FetchLock(Connection connection) {
        this.connection = connection;
    }

    /** The lock, or null when another instance holds it now. */
    public static FetchLock tryTake(DataSource dataSource, String holderName) throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            boolean taken;
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                lock.setLong(1, KEY);
                try (ResultSet r = lock.executeQuery()) {
                    r.next();
                    taken = r.getBoolean(1);
                }
            }
            if (taken) {
                name(c, holderName);
                return new FetchLock(c);
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        c.close();
        return null;
    }

    private static void name(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT set_config('application_name', ?, false)")) {
            s.setString(1, name);
            s.execute();
        }
    }

    /** Who holds the lock, as the database knows it: "name, since time"; empty when nobody does. */
    public static Optional<String> holder(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("SELECT a.application_name, a.backend_start FROM pg_locks l"
                     + " JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
                     + " AND ((l.classid::bigint << 32) | l.objid::bigint) = ?")) {
            q.setLong(1, KEY);
            try (ResultSet r = q.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1) + ", connected since " + r.getTimestamp(2).toInstant())
                        : Optional.empty();
            }
        }
    }

    @Override
    public void close() {
        try (connection) {
            try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                unlock.setLong(1, KEY);
                unlock.execute();
            }
            name(connection, ""); // back in the pool, the connection no longer claims to fetch
        } catch (SQLException e) {
            // the session is broken: PostgreSQL dropped the lock with it, and the pool drops the connection
            LOG.warning("releasing the fetch lock: " + e.getMessage());
        }
    }
}
