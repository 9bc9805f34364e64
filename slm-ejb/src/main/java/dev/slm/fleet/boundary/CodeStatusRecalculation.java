package dev.slm.fleet.boundary;

import dev.slm.source.boundary.SourceStore;
import dev.slm.source.boundary.Mirror;
import dev.slm.source.entity.Classification;
import dev.slm.source.entity.LatestCommitFetched;
import dev.slm.source.entity.LatestCommitStored;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Brings every node's stored code status to the latest commit when it changes, without holding up heartbeats.
 *
 * Before the new commit is stored, every version nodes run is classified against it in one walk of the history
 * ({@code GitMirror.classifyAll}), with nothing locked; the answers land in the mirror's cache, so heartbeat batches
 * that classify against the new commit once it is stored find them there. After it is stored, the nodes whose status
 * was computed against another commit are updated in chunks of {@link #CHUNK}, each one UPDATE in a transaction of
 * its own under the exclusive status lock — heartbeats wait for one chunk (~10 ms), not for the whole fleet (one UPDATE
 * of 10,000 rows took 70–160 ms here; classifying 1,000 versions one by one, 27 s).
 *
 * Races, each closed under the status lock: a heartbeat stored since the nodes were read has already classified its node
 * against the new commit ({@code status_basis} is it: skipped), or changed its version (skipped: the answer was for
 * the other version); a newer latest commit stored meanwhile stops the remaining chunks (its own recalculation
 * follows), checked under the lock that storing it takes. A node whose version was reported after the versions were
 * classified is classified with the stale rows. Every fetch runs the second step (nothing to do when nothing is
 * stale), so a recalculation a stop interrupted is finished by the next fetch, and a restarted server's empty cache is
 * filled with one walk instead of one per heartbeat batch.
 */
@ApplicationScoped
public class CodeStatusRecalculation {

    private static final Logger LOG = Logger.getLogger(CodeStatusRecalculation.class.getName());
    private static final int CHUNK = 1_000;

    private static final String VERSIONS = "SELECT DISTINCT code_version FROM node WHERE code_version IS NOT NULL";
    private static final String STALE = "SELECT id, code_version FROM node WHERE status_basis IS DISTINCT FROM ?";
    private static final String LOCK = "SELECT pg_advisory_xact_lock(?)";
    /** The desired commit: nodes are measured against the pin when there is one (db/V14), else the tip. */
    private static final String LATEST = "SELECT COALESCE(pinned_commit, latest_commit) FROM tracked_source WHERE id = 1";
    private static final String STORE = "UPDATE node"
            + " SET code_status = v.status, commits_behind = v.behind, status_basis = ?"
            + " FROM unnest(?::text[], ?::text[], ?::text[], ?::int4[]) AS v(id, version, status, behind)"
            + " WHERE node.id = v.id AND node.code_version IS NOT DISTINCT FROM v.version"
            + " AND node.status_basis IS DISTINCT FROM ?";

    @Resource(lookup = "java:app/jdbc/slm")
    DataSource dataSource;

    @Inject
    Mirror mirror;

    private record Stale(String id, String version) {
    }

    void classifyBeforeStored(@Observes LatestCommitFetched fetched) {
        try (Connection c = dataSource.getConnection()) {
            mirror.classifyAll(versions(c), fetched.latest());
        } catch (SQLException e) {
            // only a head start: what is not classified now is classified after the commit is stored
            LOG.log(Level.WARNING, "cannot read the nodes' versions before storing " + fetched.latest(), e);
        }
    }

    void storeAfterStored(@Observes LatestCommitStored stored) {
        try (Connection c = dataSource.getConnection()) {
            // the commit nodes are measured against: the new tip, or the pin that holds them where they are
            recalculate(c, desired(c).orElse(stored.latest()));
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "storing the nodes' code status against " + stored.latest() + " failed; heartbeats"
                    + " and the next fetch store them", e);
        }
    }

    private void recalculate(Connection c, String latest) throws SQLException {
        List<Stale> stale = stale(c, latest);
        // every version, not only the stale nodes': after a restart this fills the cache heartbeats classify from
        Set<String> versions = new HashSet<>(versions(c));
        stale.forEach(n -> versions.add(n.version()));
        Map<String, Classification> answers = mirror.classifyAll(versions, latest);
        for (int from = 0; from < stale.size(); from += CHUNK) {
            if (!store(c, stale.subList(from, Math.min(from + CHUNK, stale.size())), answers, latest)) {
                LOG.fine(() -> "a newer desired commit than " + latest + " was stored: its recalculation follows");
                return;
            }
        }
    }

    private static java.util.Optional<String> desired(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(LATEST); ResultSet rs = s.executeQuery()) {
            return rs.next() ? java.util.Optional.ofNullable(rs.getString(1)) : java.util.Optional.empty();
        }
    }

    private static List<String> versions(Connection c) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(VERSIONS); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                versions.add(rs.getString(1));
            }
        }
        return versions;
    }

    private static List<Stale> stale(Connection c, String latest) throws SQLException {
        List<Stale> stale = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(STALE)) {
            s.setString(1, latest);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    stale.add(new Stale(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return stale;
    }

    /** @return false, storing nothing, when the latest commit is no longer {@code latest} */
    private static boolean store(Connection c, List<Stale> chunk, Map<String, Classification> answers, String latest)
            throws SQLException {
        int n = chunk.size();
        String[] ids = new String[n], versions = new String[n], statuses = new String[n];
        Integer[] behind = new Integer[n];
        for (int i = 0; i < n; i++) {
            Classification answer = answers.get(chunk.get(i).version());
            ids[i] = chunk.get(i).id();
            versions[i] = chunk.get(i).version();
            statuses[i] = answer.status().name();
            behind[i] = answer.commitsBehind();
        }
        c.setAutoCommit(false);
        try {
            try (PreparedStatement lock = c.prepareStatement(LOCK)) {
                lock.setLong(1, SourceStore.STATUS_LOCK);
                lock.executeQuery().close();
            }
            // read in a statement of its own, after the lock: storing a newer commit takes the same lock
            try (PreparedStatement s = c.prepareStatement(LATEST); ResultSet rs = s.executeQuery()) {
                if (!rs.next() || !latest.equals(rs.getString(1))) {
                    c.rollback();
                    return false;
                }
            }
            try (PreparedStatement u = c.prepareStatement(STORE)) {
                u.setString(1, latest);
                u.setArray(2, c.createArrayOf("text", ids));
                u.setArray(3, c.createArrayOf("text", versions));
                u.setArray(4, c.createArrayOf("text", statuses));
                u.setArray(5, c.createArrayOf("int4", behind));
                u.setString(6, latest);
                u.executeUpdate();
            }
            c.commit();
            return true;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
