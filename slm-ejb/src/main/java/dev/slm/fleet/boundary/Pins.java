package dev.slm.fleet.boundary;

import dev.slm.platform.Shown;
import dev.slm.access.entity.Role;
import dev.slm.fleet.entity.DesiredCommits;
import dev.slm.fleet.entity.DesiredCommits.Pin;
import dev.slm.fleet.entity.DesiredCommits.Scope;
import dev.slm.fleet.entity.Node;
import dev.slm.fleet.entity.PinsChanged;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import dev.slm.source.boundary.Mirror;
import dev.slm.source.boundary.SourceStore;
import dev.slm.source.entity.TrackedSource;
import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Pins a role or a single node to a commit of the tracked branch, and lifts such pins (issue 13; the fleet's own pin
 * is {@code SourceTracker.pin}). A pinned node is measured against its pin — its code status, commits behind, the
 * heartbeat's "update available", "sync all outdated" and a sync's default target follow it — until the pin is lifted:
 * a rolled-back role stays rolled back while the rest of the fleet follows the tip. {@link DesiredCommits} says which
 * pin holds a node.
 *
 * A change is stored under the exclusive status lock, as a new tip is (heartbeat batches classified against the pins
 * before classify again: db/V17's {@code pins_version}); the nodes' stored statuses follow at once, outside the pin's
 * transaction ({@link CodeStatusRecalculation#recalculate}), and the nodes whose status was stored are announced.
 */
@Stateless
@RolesAllowed(Role.Names.OPERATOR)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Pins {

    private static final Logger LOG = Logger.getLogger(Pins.class.getName());

    /** Role pins a fleet may hold: each is read by every heartbeat batch after a change, and shown on one page. */
    public static final int MAX_ROLE_PINS = 500;
    /** A reason is a sentence for the operators who come after, not a document. */
    public static final int MAX_REASON = 1_024;

    /**
     * A pin again at the same commit (a better reason) keeps its time: the time decides which of a node's role pins
     * holds it, and a new reason is no new decision about the commit.
     */
    private static final String REPIN = " SET pinned_at = CASE WHEN commit_pin.commit_id = EXCLUDED.commit_id"
            + " THEN commit_pin.pinned_at ELSE EXCLUDED.pinned_at END,"
            + " commit_id = EXCLUDED.commit_id, pinned_by = EXCLUDED.pinned_by, reason = EXCLUDED.reason"
            + " RETURNING pinned_at";
    private static final String UPSERT_ROLE = "INSERT INTO commit_pin (role, commit_id, pinned_by, pinned_at, reason)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (role) WHERE role IS NOT NULL DO UPDATE"
            + REPIN;
    private static final String UPSERT_NODE = "INSERT INTO commit_pin (node_id, commit_id, pinned_by, pinned_at, reason)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (node_id) WHERE node_id IS NOT NULL DO UPDATE"
            + REPIN;

    @Resource(lookup = "java:app/jdbc/slm")
    DataSource dataSource;

    @Inject
    SourceStore sources;

    @Inject
    Mirror mirror;

    @Inject
    Clock clock;

    @Inject
    CodeStatusRecalculation recalculation;

    @Inject
    Event<PinsChanged> changed;

    /** The fleet's desired commit and every role and node pin. */
    @PermitAll
    public DesiredCommits current() {
        try (Connection c = dataSource.getConnection()) {
            return PinReader.read(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the pins", e);
        }
    }

    /** The commit this node should run and the pin that holds it, if any. */
    @PermitAll
    public Optional<Pin> pinOf(Node node) {
        return current().pinOf(node.id(), node.roles());
    }

    /**
     * Pins every node of {@code role} (as agents report it) to {@code commit}; a pin the role had is replaced.
     *
     * @throws InvalidInput for a malformed role, commit or reason, or a commit off the tracked branch; Conflict before
     *         the first fetch, or when {@link #MAX_ROLE_PINS} roles are pinned already
     */
    public Pin pinRole(String role, String commit, String by, String reason) {
        requireRole(role);
        return pin(Scope.ROLE, role, commit, by, reason);
    }

    /**
     * Pins one node to {@code commit}, over its roles' pins and the fleet's.
     *
     * @throws NotFound for an unknown node; otherwise as {@link #pinRole}
     */
    public Pin pinNode(String nodeId, String commit, String by, String reason) {
        return pin(Scope.NODE, nodeId, commit, by, reason);
    }

    /** @throws NotFound when the role is not pinned */
    public void unpinRole(String role, String by) {
        requireRole(role);
        unpin(Scope.ROLE, role, by);
    }

    /** @throws NotFound when the node is unknown or not pinned by a pin of its own */
    public void unpinNode(String nodeId, String by) {
        unpin(Scope.NODE, nodeId, by);
    }

    private Pin pin(Scope scope, String subject, String commit, String by, String reason) {
        TrackedSource source = sources.current().filter(s -> s.latestCommit() != null)
                .orElseThrow(() -> new Conflict("the server has not fetched the repository yet: nothing to pin to"));
        mirror.onBranch(commit, "commit", source);
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        if (why != null && (why.length() > MAX_REASON || why.codePoints().anyMatch(
                cp -> Character.isISOControl(cp) && cp != '\n' && cp != '\t'))) {
            throw new InvalidInput("reason must be at most " + MAX_REASON + " characters, without control characters");
        }
        Instant[] at = {clock.instant()};
        Set<String> affected = change(c -> {
            if (scope == Scope.NODE) {
                requireNode(c, subject);
            } else if (!isPinned(c, scope, subject) && rolePins(c) >= MAX_ROLE_PINS) {
                throw new Conflict("at most " + MAX_ROLE_PINS + " roles can be pinned; lift a pin first");
            }
            try (PreparedStatement s = c.prepareStatement(scope == Scope.NODE ? UPSERT_NODE : UPSERT_ROLE)) {
                s.setString(1, subject);
                s.setString(2, commit);
                s.setString(3, by);
                s.setTimestamp(4, Timestamp.from(at[0]));
                s.setString(5, why);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    at[0] = rs.getTimestamp(1).toInstant();
                }
            }
        });
        LOG.info(() -> describe(scope, subject) + " was pinned at " + commit + " by " + by
                + (why == null ? "" : " (" + why + ")") + "; " + affected.size() + " node status(es) stored again");
        changed.fire(new PinsChanged(scope, subject, commit, by, affected));
        return new Pin(scope, subject, commit, by, at[0], why);
    }

    private void unpin(Scope scope, String subject, String by) {
        Set<String> affected = change(c -> {
            if (scope == Scope.NODE) {
                requireNode(c, subject);
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM commit_pin WHERE "
                    + (scope == Scope.NODE ? "node_id" : "role") + " = ?")) {
                s.setString(1, subject);
                if (s.executeUpdate() == 0) {
                    throw new NotFound(describe(scope, subject) + " is not pinned");
                }
            }
        });
        LOG.info(() -> describe(scope, subject) + " was unpinned by " + by + "; " + affected.size()
                + " node status(es) stored again");
        changed.fire(new PinsChanged(scope, subject, null, by, affected));
    }

    private static void requireRole(String role) {
        if (role == null || role.isEmpty()) {
            throw new InvalidInput("role is required");
        }
        Node.checkRole(role);
    }

    private static String describe(Scope scope, String subject) {
        return (scope == Scope.ROLE ? "role '" : "node '") + subject + "'";
    }

    private interface Change {
        void apply(Connection c) throws SQLException;
    }

    /** Applies a change of the pins in a transaction holding the exclusive status lock, then stores the statuses. */
    private Set<String> change(Change change) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, SourceStore.STATUS_LOCK);
                    lock.executeQuery().close();
                }
                change.apply(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            return recalculation.recalculate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the pin", e);
        }
    }

    private static void requireNode(Connection c, String nodeId) throws SQLException {
        if (nodeId == null || !NodeRegistry.NODE_ID.matcher(nodeId).matches()) {
            throw new NotFound("no node '" + Shown.printable(nodeId, 64) + "' is registered");
        }
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM node WHERE id = ? FOR SHARE")) {
            s.setString(1, nodeId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFound("no node '" + nodeId + "' is registered");
                }
            }
        }
    }

    private static boolean isPinned(Connection c, Scope scope, String subject) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM commit_pin WHERE "
                + (scope == Scope.NODE ? "node_id" : "role") + " = ?")) {
            s.setString(1, subject);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static int rolePins(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM commit_pin WHERE role IS NOT NULL");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
