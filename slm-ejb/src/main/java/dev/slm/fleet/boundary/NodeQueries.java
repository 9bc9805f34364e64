package dev.slm.fleet.boundary;

import dev.slm.source.entity.CodeStatus;
import dev.slm.fleet.entity.Node;
import jakarta.annotation.security.PermitAll;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Pages of the fleet for the operators' grid and {@code GET /api/nodes} (the same two methods, {@link #page} and
 * {@link #count}, for both): filtered, sorted and counted in the database, so a fleet of any size costs one small
 * query per page (never a load of every node). Reads only, open to every caller: the web layer lets only logged-in
 * operators read (viewers included), and the web app's live updates call it from threads that carry no caller.
 */
@Stateless
@PermitAll
public class NodeQueries {

    /** The most nodes one query hands out; a longer list is paged. */
    public static final int MAX_PAGE = 1000;

    /**
     * What the Nodes page and {@code GET /api/nodes} filter by; every part is optional (null, blank or empty: no
     * filter), the parts are combined with AND. {@code text} matches node id and host name (case-insensitive, a part
     * of either); {@code role} is one of the node's roles; {@code statuses} any of them; {@code behindMoreThan}:
     * more commits behind than this (only OUTDATED nodes count commits behind).
     */
    public record Filter(String text, String role, Set<CodeStatus> statuses, Boolean online, Integer behindMoreThan,
                         String commit, InWindow window) {
        public static final Filter NONE = new Filter(null, null, Set.of(), null, null);

        public Filter {
            statuses = statuses == null || statuses.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(statuses));
        }

        public Filter(String text, String role, Set<CodeStatus> statuses, Boolean online, Integer behindMoreThan,
                      String commit) {
            this(text, role, statuses, online, behindMoreThan, commit, null);
        }

        /** The same filter, also by maintenance window (null: not). */
        public Filter within(InWindow w) {
            return new Filter(text, role, statuses, online, behindMoreThan, commit, w);
        }

        /** Any deployed commit. */
        public Filter(String text, String role, Set<CodeStatus> statuses, Boolean online, Integer behindMoreThan) {
            this(text, role, statuses, online, behindMoreThan, null);
        }
    }

    /** How many of the filtered nodes run one commit (null: none reported). */
    public record CommitCount(String commit, long nodes) {
    }

    public record Sort(String property, boolean ascending) {
    }

    /** Grid properties and their columns; nothing else reaches the SQL. */
    private static final Map<String, String> COLUMNS = Map.of("id", "id", "hostname", "hostname",
            "codeStatus", "code_status", "lastSeen", "last_seen", "agentVersion", "agent_version",
            "commitsBehind", "commits_behind");

    /** The properties a page may be sorted by (any other is skipped here; the API refuses it). */
    public static final Set<String> SORTABLE = Collections.unmodifiableSet(new TreeSet<>(COLUMNS.keySet()));

    @PersistenceContext
    EntityManager em;

    @Inject
    FleetStatus fleet;

    public List<Node> page(Filter filter, List<Sort> sort, int offset, int limit) {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT * FROM node" + where(filter, fleet::onlineSince, params) + orderAndPage(sort, offset, limit);
        Query q = em.createNativeQuery(sql, Node.class);
        bind(q, params);
        @SuppressWarnings("unchecked")
        List<Node> nodes = q.getResultList();
        return nodes;
    }

    /** ORDER BY the known properties (any other, or none, is skipped), then id; at most 1,000 rows. */
    static String orderAndPage(List<Sort> sort, int offset, int limit) {
        StringBuilder sql = new StringBuilder(" ORDER BY ");
        for (Sort s : sort) {
            String column = s == null || s.property() == null ? null : COLUMNS.get(s.property());
            if (column != null) {
                sql.append(column).append(s.ascending() ? " ASC NULLS FIRST, " : " DESC NULLS LAST, ");
            }
        }
        return sql.append("id LIMIT ").append(Math.max(0, Math.min(limit, MAX_PAGE))).append(" OFFSET ")
                .append(Math.max(0, offset)).toString();
    }

    public int count(Filter filter) {
        List<Object> params = new ArrayList<>();
        Query q = em.createNativeQuery("SELECT COUNT(*) FROM node" + where(filter, fleet::onlineSince, params));
        bind(q, params);
        return ((Number) q.getSingleResult()).intValue();
    }

    /** The first {@code limit} nodes that need an update (the bell's list, /updates, the API's pending list). */
    public List<Node> needingUpdate(int limit) {
        return em.createNamedQuery(Node.NEEDING_UPDATE, Node.class).setMaxResults(Math.max(0, Math.min(limit, MAX_PAGE)))
                .getResultList();
    }

    /** Every node that needs an update, by id only (a bulk sync of 1,000 nodes loads no entity). */
    public List<String> needingUpdateIds() {
        return em.createNamedQuery(Node.NEEDING_UPDATE_IDS, String.class).getResultList();
    }

    public int needingUpdateCount() {
        return em.createNamedQuery(Node.NEEDING_UPDATE_COUNT, Long.class).getSingleResult().intValue();
    }

    /** The ids of the filtered nodes, at most {@code limit} in id order (the Nodes page's "Sync all matching"). */
    public List<String> ids(Filter filter, int limit) {
        List<Object> params = new ArrayList<>();
        Query q = em.createNativeQuery("SELECT id FROM node" + where(filter, fleet::onlineSince, params)
                + " ORDER BY id LIMIT " + Math.max(0, limit));
        bind(q, params);
        @SuppressWarnings("unchecked")
        List<String> ids = q.getResultList();
        return ids;
    }

    /** The commits the filtered nodes run, most nodes first, at most {@code limit} (the Nodes page's grouping). */
    public List<CommitCount> commits(Filter filter, int limit) {
        List<Object> params = new ArrayList<>();
        Query q = em.createNativeQuery("SELECT code_version, COUNT(*) FROM node" + where(filter, fleet::onlineSince, params)
                + " GROUP BY code_version ORDER BY 2 DESC, 1 NULLS LAST LIMIT " + Math.max(0, limit));
        bind(q, params);
        @SuppressWarnings("unchecked")
        List<Object[]> rows = q.getResultList();
        return rows.stream().map(r -> new CommitCount((String) r[0], ((Number) r[1]).longValue())).toList();
    }

    /** Nodes some windows cover together: all of them, or these ids and the nodes with one of these roles. */
    public record Cover(boolean all, Set<String> ids, Set<String> roles) {
        public Cover {
            ids = Set.copyOf(ids);
            roles = Set.copyOf(roles);
        }
    }

    /**
     * Whether a node is inside its maintenance windows now ({@code inside}; false: outside): not covered by an open
     * deny window, and covered by no allow window or by an open one. The windows are the rollout feature's; it hands
     * their coverage over (MaintenanceWindows.inWindowNow).
     */
    public record InWindow(boolean inside, Cover openDeny, Cover allows, Cover openAllows) {
    }

    /** The roles in use, for the filter's choices. */
    public List<String> roles() {
        @SuppressWarnings("unchecked")
        List<String> roles = em.createNativeQuery("SELECT DISTINCT trim(r) FROM node, unnest(string_to_array(roles, ',')) AS r"
                + " WHERE trim(r) <> '' ORDER BY 1").getResultList();
        return roles;
    }

    /**
     * The WHERE clause of a filter, its values appended to {@code params} (bound as ?1, ?2, … in order; no value of
     * the filter is ever part of the SQL text).
     */
    static String where(Filter f, Supplier<Instant> onlineSince, List<Object> params) {
        List<String> clauses = new ArrayList<>();
        if (f.text() != null && !f.text().isBlank()) {
            // lowered by the database, as the columns: Java lowers otherwise (a final 'Σ' to 'ς', 'İ' to two characters)
            String like = "%" + likeEscaped(f.text().trim()) + "%";
            params.add(like);
            params.add(like);
            clauses.add("(lower(id) LIKE lower(?" + (params.size() - 1) + ") OR lower(coalesce(hostname, '')) LIKE lower(?"
                    + params.size() + "))");
        }
        if (f.role() != null && !f.role().isBlank()) {
            params.add("%," + likeEscaped(f.role().trim()) + ",%");
            clauses.add("(',' || roles || ',') LIKE ?" + params.size());
        }
        if (!f.statuses().isEmpty()) {
            List<String> any = new ArrayList<>();
            for (CodeStatus s : f.statuses()) { // an EnumSet: always in the enum's order, so the same SQL text
                params.add(s.name());
                any.add("?" + params.size());
            }
            clauses.add(any.size() == 1 ? "code_status = " + any.get(0) : "code_status IN (" + String.join(", ", any) + ")");
        }
        if (f.online() != null) {
            params.add(Timestamp.from(onlineSince.get()));
            clauses.add(f.online() ? "last_seen >= ?" + params.size() : "(last_seen IS NULL OR last_seen < ?" + params.size() + ")");
        }
        if (f.commit() != null && !f.commit().isBlank()) {
            params.add(f.commit().trim());
            clauses.add("code_version = ?" + params.size());
        }
        if (f.behindMoreThan() != null) {
            params.add(f.behindMoreThan());
            clauses.add("commits_behind > ?" + params.size());
        }
        if (f.window() != null) {
            InWindow w = f.window();
            String in = "(NOT " + covered(w.openDeny(), params) + " AND (NOT " + covered(w.allows(), params) + " OR "
                    + covered(w.openAllows(), params) + "))";
            clauses.add(w.inside() ? in : "NOT " + in);
        }
        return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
    }

    /** Whether a node is covered: by id or by one of its roles (as reported, comma-separated and trimmed). */
    private static String covered(Cover c, List<Object> params) {
        if (c == null) {
            return "FALSE"; // no window of that kind
        }
        if (c.all()) {
            return "TRUE";
        }
        List<String> any = new ArrayList<>();
        if (!c.ids().isEmpty()) {
            params.add(textArray(c.ids()));
            any.add("id = ANY(CAST(?" + params.size() + " AS text[]))");
        }
        if (!c.roles().isEmpty()) {
            params.add(textArray(c.roles()));
            any.add("EXISTS (SELECT 1 FROM unnest(string_to_array(coalesce(roles, ''), ',')) AS r"
                    + " WHERE trim(r) = ANY(CAST(?" + params.size() + " AS text[])))");
        }
        return any.isEmpty() ? "FALSE" : "(" + String.join(" OR ", any) + ")";
    }

    /** A PostgreSQL text[] literal of the values, each quoted (a value is data, never SQL). */
    private static String textArray(Set<String> values) {
        return values.stream().sorted().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(java.util.stream.Collectors.joining(",", "{", "}"));
    }

    /** A LIKE pattern that matches {@code s} literally (PostgreSQL's default escape character is the backslash). */
    private static String likeEscaped(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static void bind(Query q, List<Object> params) {
        for (int i = 0; i < params.size(); i++) {
            q.setParameter(i + 1, params.get(i));
        }
    }
}
