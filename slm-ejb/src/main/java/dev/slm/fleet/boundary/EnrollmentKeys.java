package dev.slm.fleet.boundary;

import dev.slm.platform.Shown;
import dev.slm.access.entity.Role;
import dev.slm.fleet.control.NodeTokens;
import dev.slm.fleet.entity.EnrollmentKey;
import dev.slm.fleet.entity.EnrollmentUse;
import dev.slm.fleet.entity.Node;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.logging.Logger;

/**
 * Enrollment keys (issue 15): what an admin hands to a provisioning tool instead of a password. A key can only
 * register nodes — each use gives one node its own token, once — and expires; it may have a use limit, a list of the
 * roles a node may enrol with, and allow a node id that is enrolled already to be enrolled again (the node's old token
 * then stops working: a reinstalled machine). Stored as its hash; revoked keys and every use are kept for the record.
 */
@Stateless
@RolesAllowed(Role.Names.ADMIN)
public class EnrollmentKeys {

    private static final Logger LOG = Logger.getLogger(EnrollmentKeys.class.getName());

    /** A key lives at most a year: a provisioning key that never expires is a password nobody rotates. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(366);
    /** Keys an admin may hold at once (revoked and expired ones do not count): the list stays one page. */
    public static final int MAX_ACTIVE = 100;
    private static final String PREFIX = "slmk_";

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    /** A new key, in clear, for the one answer that shows it. */
    public record Created(EnrollmentKey key, String secret) {
    }

    /** A node enrolled with a key: its token, in clear, once; {@code reenrolled} when it replaced an earlier one. */
    public record Enrolled(Node node, String token, boolean reenrolled) {
    }

    /**
     * @param expiresAt null: a day from now
     * @param maxUses null: no limit
     * @param roles null: any role
     * @throws InvalidInput naming the field
     */
    public Created create(String name, Instant expiresAt, Integer maxUses, List<String> roles, boolean allowReenroll,
                          String by) {
        Instant now = clock.instant();
        if (name == null || name.isBlank() || name.strip().length() > 100
                || name.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidInput("name must be 1 to 100 characters, without control characters");
        }
        Instant expires = expiresAt == null ? now.plus(Duration.ofDays(1)) : expiresAt;
        if (!expires.isAfter(now)) {
            throw new InvalidInput("expires_at must be in the future");
        }
        if (expires.isAfter(now.plus(MAX_LIFETIME))) {
            throw new InvalidInput("expires_at must be within " + MAX_LIFETIME.toDays() + " days");
        }
        if (maxUses != null && (maxUses < 1 || maxUses > 100_000)) {
            throw new InvalidInput("max_uses must be between 1 and 100000 (or left out: no limit)");
        }
        List<String> allowed = null;
        if (roles != null) {
            roles.forEach(Node::checkRole);
            allowed = List.copyOf(new LinkedHashSet<>(roles.stream().map(String::strip).toList()));
            if (String.join(",", allowed).length() > 4096) {
                throw new InvalidInput("roles may have at most 4096 characters together");
            }
        }
        long active = em.createQuery("SELECT COUNT(k) FROM EnrollmentKey k WHERE k.revokedAt IS NULL"
                + " AND k.expiresAt > :now AND (k.maxUses IS NULL OR k.uses < k.maxUses)", Long.class)
                .setParameter("now", now).getSingleResult();
        if (active >= MAX_ACTIVE) {
            throw new Conflict("at most " + MAX_ACTIVE + " enrollment keys can be valid at once; revoke one first");
        }
        String secret = PREFIX + NodeTokens.newToken().substring("slmn_".length());
        EnrollmentKey key = new EnrollmentKey(name.strip(), NodeTokens.hash(secret), by, now, expires, maxUses, allowed,
                allowReenroll);
        em.persist(key);
        em.flush();
        LOG.info(() -> "enrollment key " + key.id() + " '" + key.name() + "' created by " + by + ", valid until " + expires);
        return new Created(key, secret);
    }

    public List<EnrollmentKey> all() {
        return em.createQuery("SELECT k FROM EnrollmentKey k ORDER BY k.createdAt DESC, k.id DESC", EnrollmentKey.class)
                .setMaxResults(500).getResultList();
    }

    /** @throws NotFound for an unknown key */
    public List<EnrollmentUse> uses(long keyId) {
        find(keyId);
        return em.createQuery("SELECT u FROM EnrollmentUse u WHERE u.keyId = :key ORDER BY u.usedAt DESC, u.id DESC",
                EnrollmentUse.class).setParameter("key", keyId).setMaxResults(1_000).getResultList();
    }

    /** Revokes the key at once (revoking a revoked key changes nothing). @throws NotFound for an unknown key */
    public EnrollmentKey revoke(long keyId, String by) {
        EnrollmentKey key = find(keyId);
        if (key.revokedAt() == null) {
            key.revoke(by, clock.instant());
            LOG.info(() -> "enrollment key " + keyId + " '" + key.name() + "' revoked by " + by);
        }
        return key;
    }

    private EnrollmentKey find(long keyId) {
        EnrollmentKey key = em.find(EnrollmentKey.class, keyId);
        if (key == null) {
            throw new NotFound("no enrollment key " + keyId);
        }
        return key;
    }

    /**
     * Registers {@code nodeId} with a key: the node's own token, once. The key's row is locked for the use, so a use
     * limit holds however many nodes enrol at the same moment.
     *
     * @param from the client's address, recorded with the use
     * @throws EnrollmentRefused (401) for a key that is unknown, expired, revoked or used up — one answer for all, the
     *         reason in the log; InvalidInput for a malformed node id or role; a role the key does not allow (403);
     *         Conflict when the node is enrolled already and the key does not allow enrolling it again
     */
    @PermitAll
    public Enrolled enroll(String secret, String nodeId, List<String> roles, String from) {
        if (secret == null || secret.isBlank() || secret.length() > 200) {
            throw new EnrollmentRefused();
        }
        List<EnrollmentKey> found = em.createQuery("SELECT k FROM EnrollmentKey k WHERE k.keyHash = :hash",
                        EnrollmentKey.class).setParameter("hash", NodeTokens.hash(secret.strip()))
                .setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
        Instant now = clock.instant();
        if (found.isEmpty()) {
            REFUSED.warning(() -> "an enrollment from " + from + " for node '" + Shown.printable(nodeId, 64) + "' with an unknown key was refused");
            throw new EnrollmentRefused();
        }
        EnrollmentKey key = found.get(0);
        String unusable = key.unusable(now);
        if (unusable != null) {
            REFUSED.warning(() -> "an enrollment from " + from + " for node '" + Shown.printable(nodeId, 64) + "' with key " + key.id()
                    + " '" + key.name() + "' was refused: the key is " + unusable);
            throw new EnrollmentRefused();
        }
        if (nodeId == null || !NodeRegistry.NODE_ID.matcher(nodeId).matches()) {
            throw new InvalidInput("node_id must match " + NodeRegistry.NODE_ID.pattern());
        }
        if (roles != null) {
            roles.forEach(Node::checkRole);
            List<String> allowed = key.roles();
            if (allowed != null) {
                List<String> other = roles.stream().map(String::strip).filter(r -> !allowed.contains(r)).toList();
                if (!other.isEmpty()) {
                    throw new EnrollmentRefused.RoleNotAllowed("this enrollment key does not allow the role"
                            + (other.size() > 1 ? "s " : " ") + String.join(", ", other) + "; it allows "
                            + (allowed.isEmpty() ? "none" : String.join(", ", allowed)));
                }
            }
        }
        String token = NodeTokens.newToken();
        Node node = em.find(Node.class, nodeId, LockModeType.PESSIMISTIC_WRITE);
        boolean again = node != null;
        if (again && !key.allowReenroll()) {
            throw new Conflict("node '" + nodeId + "' is enrolled already; this key does not allow enrolling it again"
                    + " (an admin can rotate its token, or create a key that allows it)");
        }
        if (again) {
            node.replaceToken(NodeTokens.hash(token));
        } else {
            node = new Node(nodeId, NodeTokens.hash(token), now, "enrollment key '" + key.name() + "'");
            em.persist(node);
        }
        key.used();
        em.persist(new EnrollmentUse(key.id(), nodeId, now, from, again));
        em.flush();
        LOG.info(() -> "node '" + nodeId + "' " + (again ? "enrolled again (its old token stops working)" : "enrolled")
                + " with key " + key.id() + " '" + key.name() + "' from " + from);
        return new Enrolled(node, token, again);
    }

    /** Refused enrollments need no login: logged at most once per 10 s, with their count. */
    private static final dev.slm.platform.ThrottledLog REFUSED =
            new dev.slm.platform.ThrottledLog(LOG, Duration.ofSeconds(10), "enrollments refused");

}
