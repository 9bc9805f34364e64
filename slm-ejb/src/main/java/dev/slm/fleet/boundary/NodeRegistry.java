package dev.slm.fleet.boundary;

import dev.slm.access.entity.Role;
import dev.slm.fleet.control.NodeTokens;
import dev.slm.fleet.entity.Node;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Registers nodes and authenticates their agents. A node's token is shown once; only its hash is stored.
 * Changing the fleet is for admins (a method without its own annotation too); reading it and checking an agent's
 * token are open: the web layer lets only logged-in operators read, and an agent has no login, only its token.
 */
@Stateless
@RolesAllowed(Role.Names.ADMIN)
public class NodeRegistry {

    /** The stored form of a node's token (what a heartbeat's token is compared with). */
    public static String tokenHash(String token) {
        return NodeTokens.hash(token);
    }

    public static final Pattern NODE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    /** A node and its token, in clear, for the one answer that shows it. */
    public record Registration(Node node, String token) {
    }

    /** What an agent's bearer token proves about the node named in the request's path. */
    public enum TokenCheck { VALID, UNKNOWN_TOKEN, OTHER_NODES_TOKEN, UNKNOWN_NODE }

    public Registration register(String nodeId, String registeredBy) {
        if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
            throw new InvalidInput("node_id must match " + NODE_ID.pattern());
        }
        if (em.find(Node.class, nodeId) != null) {
            throw new Conflict("a node named '" + nodeId + "' is registered already");
        }
        String token = NodeTokens.newToken();
        Node node = new Node(nodeId, NodeTokens.hash(token), clock.instant(), registeredBy);
        em.persist(node);
        return new Registration(node, token);
    }

    /** A new token for the node; the old one stops working at once. */
    public Optional<Registration> rotateToken(String nodeId) {
        return find(nodeId).map(node -> {
            String token = NodeTokens.newToken();
            node.replaceToken(NodeTokens.hash(token));
            return new Registration(node, token);
        });
    }

    public boolean remove(String nodeId) {
        Node node = em.find(Node.class, nodeId);
        if (node == null) {
            return false;
        }
        em.remove(node);
        return true;
    }

    @PermitAll
    public Optional<Node> find(String nodeId) {
        return Optional.ofNullable(em.find(Node.class, nodeId));
    }

    @PermitAll
    public List<Node> all() {
        return em.createNamedQuery(Node.ALL, Node.class).getResultList();
    }

    /** Unknown node first (an agent with a wrong node id learns it clearly), then the token. */
    @PermitAll
    public TokenCheck check(String nodeId, String token) {
        if (nodeId == null || em.find(Node.class, nodeId) == null) {
            return TokenCheck.UNKNOWN_NODE;
        }
        if (token == null || token.isBlank()) {
            return TokenCheck.UNKNOWN_TOKEN;
        }
        List<String> owners = em.createQuery("SELECT n.id FROM Node n WHERE n.tokenHash = :hash", String.class)
                .setParameter("hash", NodeTokens.hash(token))
                .getResultList();
        if (owners.isEmpty()) {
            return TokenCheck.UNKNOWN_TOKEN;
        }
        return owners.get(0).equals(nodeId) ? TokenCheck.VALID : TokenCheck.OTHER_NODES_TOKEN;
    }
}
