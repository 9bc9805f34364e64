package dev.slm.fleet.boundary;

import dev.slm.fleet.entity.DesiredCommits;
import dev.slm.fleet.entity.Node;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Brings every node's stored code status to its desired commit ({@link DesiredCommits}: its pin, its role's, the
 * fleet's pin or the tip) when that changes, without holding up heartbeats.
 *
 * Before the new commit is stored, every version nodes run is classified against it in one walk of the history
 * ({@code GitMirror.classifyAll}), with nothing locked; the answers land in the mirror's cache, so heartbeat batches
 * that classify against the new commit once it is stored find them there. After it is stored, the nodes whose status
 * was computed against another commit are updated in chunks of {@link #CHUNK}, each one UPDATE in a transaction of
 * its own under the exclusive status lock — heartbeats wait for one chunk (~10 ms), not for the whole fleet (one UPDATE
 * of 10,000 rows took 70–160 ms here; classifying 1,000 versions one by one, 27 s).
 *
 * Races, each closed under the status lock: a heartbeat stored since the nodes were read has already classified its node
 * against the new commit ({@code status_basis} is it: skipped), or changed its version or its roles (skipped: the
 * answer was for the other version or pin); a newer desired commit or another pin stored meanwhile stops the remaining
 * chunks (its own recalculation follows), checked under the lock that storing them takes. A node whose version was reported after the versions were
 * classified is classified with the stale rows. Every fetch runs the second step (nothing to do when nothing is
 * stale), so a recalculation a stop interrupted is finished by the next fetch, and a restarted server's empty cache is
 * filled with one walk instead of one per heartbeat batch.
 */
@ApplicationScoped
public class CodeStatusRecalculation {

    private static final Logger LOG = Logger.getLogger(CodeStatusRecalculation.class.getName());
    private static final int CHUNK = 1_000;

    private static final String VERSIONS = "SELECT DISTINCT code_version FROM node WHERE code_version IS NOT NULL";
    /**
     * A node that has reported no version has no status to compute (UNKNOWN whatever the commit) and is left alone:
     * before, every fetch wrote the tip into a never-reported node's {@code status_basis}, a write racing whatever
     * else read the row (seen as a heartbeat test's "nothing changed" failing, once, after a webhook's late fetch).
     */
    private static final String NODES = "SELECT id, code_version, roles, status_basis FROM node WHERE code_version IS NOT NULL";
    private static final String LOCK = "SELECT pg_advisory_xact_lock(?)";
    private static final String STORE = "UPDATE node"
            + " SET code_status = v.status, commits_behind = v.behind, status_basis = v.basis"
            + " FROM unnest(?::text[], ?::text[], ?::text[], ?::int4[], ?::text[], ?::text[])"
            + " AS v(id, version, status, behind, basis, roles)"
            + " WHERE node.id = v.id AND node.code_version IS NOT DISTINCT FROM v.version AND node.roles = v.roles"
            + " AND node.status_basis IS DISTINCT FROM v.basis";

    @Resource(lookup = "java:app/jdbc/slm")
    DataSource dataSource;

    @Inject
    Mirror mirror;

    private record Stale(String id, String version, String roles, String basis) {
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
        try {
            recalculate();
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "storing the nodes' code status against " + stored.latest() + " failed; heartbeats"
                    + " and the next fetch store them", e);
        }
    }

    /**
     * Stores the status of every node whose status was computed against another commit than its desired one. Call
     * it outside a transaction (each chunk is a transaction of its own).
     *
     * @return the nodes whose status was stored
     */
    public Set<String> recalculate() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            DesiredCommits desired = PinReader.read(c);
            if (desired.fleet() == null) {
                return Set.of(); // not fetched yet: nothing to measure against
            }
            List<Stale> stale = stale(c, desired);
            // every version, not only the stale nodes': after a restart this fills the cache heartbeats classify from
            Set<String> versions = new HashSet<>(versions(c));
            stale.forEach(n -> versions.add(n.version()));
            Map<String, Map<String, Classification>> answers = new HashMap<>();
            answers.put(desired.fleet(), mirror.classifyAll(versions, desired.fleet()));
            for (Stale n : stale) {
                answers.computeIfAbsent(n.basis(), basis -> mirror.classifyAll(
                        stale.stream().filter(s -> s.basis().equals(basis)).map(Stale::version).toList(), basis));
            }
            Set<String> stored = new HashSet<>();
            for (int from = 0; from < stale.size(); from += CHUNK) {
                List<Stale> chunk = stale.subList(from, Math.min(from + CHUNK, stale.size()));
                if (!store(c, chunk, answers, desired)) {
                    LOG.fine(() -> "another desired commit or pin than " + desired.fleet() + "/" + desired.pinsVersion()
                            + " was stored: its recalculation follows");
                    return stored;
                }
                chunk.forEach(n -> stored.add(n.id()));
            }
            return stored;
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

    /** The nodes whose stored status was not computed against their desired commit; {@code basis} is that commit. */
    private static List<Stale> stale(Connection c, DesiredCommits desired) throws SQLException {
        List<Stale> stale = new ArrayList<>();
        // without pins every node's desired commit is the fleet's: the database finds the stale ones (a fetch reads
        // none of 10,000 up-to-date rows); with pins each node's is its own, and every row is read
        try (PreparedStatement s = c.prepareStatement(desired.anyPins() ? NODES : NODES + " AND status_basis IS DISTINCT FROM ?")) {
            if (!desired.anyPins()) {
                s.setString(1, desired.fleet());
            }
            ResultSet rs = s.executeQuery();
            while (rs.next()) {
                String roles = rs.getString(3);
                String basis = desired.forNode(rs.getString(1), Node.roles(roles));
                if (!basis.equals(rs.getString(4))) {
                    stale.add(new Stale(rs.getString(1), rs.getString(2), roles, basis));
                }
            }
        }
        return stale;
    }

    /** @return false, storing nothing, when the desired commit or the pins are no longer those of {@code desired} */
    private static boolean store(Connection c, List<Stale> chunk, Map<String, Map<String, Classification>> answers,
                                 DesiredCommits desired) throws SQLException {
        int n = chunk.size();
        String[] ids = new String[n], versions = new String[n], statuses = new String[n], bases = new String[n],
                roles = new String[n];
        Integer[] behind = new Integer[n];
        for (int i = 0; i < n; i++) {
            Stale node = chunk.get(i);
            Classification answer = answers.get(node.basis()).get(node.version());
            ids[i] = node.id();
            versions[i] = node.version();
            statuses[i] = answer.status().name();
            behind[i] = answer.commitsBehind();
            bases[i] = node.basis();
            roles[i] = node.roles();
        }
        c.setAutoCommit(false);
        try {
            try (PreparedStatement lock = c.prepareStatement(LOCK)) {
                lock.setLong(1, SourceStore.STATUS_LOCK);
                lock.executeQuery().close();
            }
            // read in a statement of its own, after the lock: storing a newer commit or a pin takes the same lock
            DesiredCommits now = PinReader.read(c);
            if (!desired.fleet().equals(now.fleet()) || desired.pinsVersion() != now.pinsVersion()) {
                c.rollback();
                return false;
            }
            try (PreparedStatement u = c.prepareStatement(STORE)) {
                u.setArray(1, c.createArrayOf("text", ids));
                u.setArray(2, c.createArrayOf("text", versions));
                u.setArray(3, c.createArrayOf("text", statuses));
                u.setArray(4, c.createArrayOf("int4", behind));
                u.setArray(5, c.createArrayOf("text", bases));
                u.setArray(6, c.createArrayOf("text", roles));
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
