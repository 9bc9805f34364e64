package dev.slm.fleet.entity;

import dev.slm.source.entity.CodeStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

@Entity
@Table(name = "node")
@NamedQuery(name = Node.BY_TOKEN_HASH, query = "SELECT n FROM Node n WHERE n.tokenHash = :hash")
@NamedQuery(name = Node.ALL, query = "SELECT n FROM Node n ORDER BY n.id")
@NamedQuery(name = Node.NEEDING_UPDATE,
        query = "SELECT n FROM Node n WHERE " + Node.NEEDS_UPDATE + " ORDER BY n.id")
@NamedQuery(name = Node.NEEDING_UPDATE_IDS,
        query = "SELECT n.id FROM Node n WHERE " + Node.NEEDS_UPDATE + " ORDER BY n.id")
@NamedQuery(name = Node.NEEDING_UPDATE_COUNT, query = "SELECT COUNT(n) FROM Node n WHERE " + Node.NEEDS_UPDATE)
@NamedQuery(name = Node.COUNT_BY_STATUS, query = "SELECT n.codeStatus, COUNT(n) FROM Node n GROUP BY n.codeStatus")
public class Node {

    public static final String BY_TOKEN_HASH = "Node.byTokenHash";
    public static final String ALL = "Node.all";
    /**
     * What "needs an update" means, for the bell, /updates, the API and bulk syncs alike: outdated or diverged
     * ({@link CodeStatus#NEEDS_UPDATE}). An unknown node (never reported, or a commit the mirror lacks) needs another
     * kind of attention and is counted apart.
     */
    static final String NEEDS_UPDATE = "n.codeStatus IN (dev.slm.source.entity.CodeStatus.OUTDATED,"
            + " dev.slm.source.entity.CodeStatus.DIVERGED)";
    public static final String NEEDING_UPDATE = "Node.needingUpdate";
    public static final String NEEDING_UPDATE_IDS = "Node.needingUpdateIds";
    public static final String NEEDING_UPDATE_COUNT = "Node.needingUpdateCount";
    public static final String COUNT_BY_STATUS = "Node.countByStatus";

    @Id
    private String id;

    @Column(name = "token_hash", nullable = false)
    private String tokenHash;

    @Column(name = "registered_at", nullable = false)
    private Instant registeredAt;

    @Column(name = "registered_by", nullable = false)
    private String registeredBy;

    @Column(name = "agent_version")
    private String agentVersion;

    @Column(name = "code_version")
    private String codeVersion;

    private String hostname;

    /** comma-separated */
    private String roles = "";

    @Enumerated(EnumType.STRING)
    @Column(name = "agent_state")
    private AgentState agentState;

    @Column(name = "operation_id")
    private Long operationId;

    @Column(name = "last_seen")
    private Instant lastSeen;

    @Enumerated(EnumType.STRING)
    @Column(name = "code_status", nullable = false)
    private CodeStatus codeStatus = CodeStatus.UNKNOWN;

    @Column(name = "commits_behind")
    private Integer commitsBehind;

    @Column(name = "status_basis")
    private String statusBasis;

    /** comma-separated, newest first: the releases the agent keeps on the node */
    private String releases = "";

    protected Node() {
    }

    public Node(String id, String tokenHash, Instant registeredAt, String registeredBy) {
        this.id = id;
        this.tokenHash = tokenHash;
        this.registeredAt = registeredAt;
        this.registeredBy = registeredBy;
    }

    public void replaceToken(String tokenHash) {
        this.tokenHash = tokenHash;
    }

    /** Online when seen at or after {@code onlineSince} (see FleetStatus.onlineSince); never if it never reported. */
    public boolean isOnline(Instant onlineSince) {
        return isOnline(lastSeen, onlineSince);
    }

    /** The rule, for a last-seen time read without its node (a projection). */
    public static boolean isOnline(Instant lastSeen, Instant onlineSince) {
        return lastSeen != null && !lastSeen.isBefore(onlineSince);
    }

    public String id() { return id; }
    public String tokenHash() { return tokenHash; }
    public Instant registeredAt() { return registeredAt; }
    public String registeredBy() { return registeredBy; }
    public String agentVersion() { return agentVersion; }
    public String codeVersion() { return codeVersion; }
    public String hostname() { return hostname; }
    public List<String> roles() {
        return roles(roles);
    }

    /** The roles as the node table stores them: joined with commas (a role has none), "" for none. */
    public static List<String> roles(String stored) {
        return stored == null || stored.isEmpty() ? List.of() : Arrays.asList(stored.split(","));
    }

    /**
     * @throws dev.slm.platform.InvalidInput unless {@code role} is one role as agents report them (no comma, no control
     *         character, at most 64 characters). A blank one is refused: to a node query it would mean "no filter".
     */
    public static void checkRole(String role) {
        if (role == null || role.isBlank() || role.length() > 64 || role.contains(",")
                || role.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)
                || !role.equals(role.strip())) {
            // agents report their roles trimmed (AgentConfig): a role with spaces around it would match no node
            throw new dev.slm.platform.InvalidInput("roles must each be one role: 1 to 64 characters, no comma, no"
                    + " control character, no space at either end");
        }
    }
    public AgentState agentState() { return agentState; }
    public Long operationId() { return operationId; }
    public Instant lastSeen() { return lastSeen; }
    public CodeStatus codeStatus() { return codeStatus; }
    public Integer commitsBehind() { return commitsBehind; }
    public String statusBasis() { return statusBasis; }
    public List<String> releases() {
        return releases == null || releases.isBlank() ? List.of() : List.of(releases.split(","));
    }
}
