package dev.slm.fleet.boundary;

import java.util.Locale;
import dev.slm.source.entity.CodeStatus;
import dev.slm.fleet.entity.Node;
import jakarta.annotation.security.PermitAll;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pages of the fleet for the operators' grid: filtered, sorted and counted in the database, so a fleet of any size
 * costs one small query per page (never a load of every node). Reads only, open to every caller: the web layer lets
 * only logged-in operators read, and the web app's live updates call it from threads that carry no caller.
 */
@Stateless
@PermitAll
public class NodeQueries {

    /** The most nodes one query hands out; a longer list is paged. */
    public static final int MAX_PAGE = 1000;

    /** Every part is optional (null: no filter). {@code text} matches node id and host name. */
    public record Filter(String text, String role, CodeStatus status, Boolean online) {
        public static final Filter NONE = new Filter(null, null, null, null);
    }

    public record Sort(String property, boolean ascending) {
    }

    /** Grid properties and their columns; nothing else reaches the SQL. */
    private static final Map<String, String> COLUMNS = Map.of("id", "id", "hostname", "hostname",
            "codeStatus", "code_status", "lastSeen", "last_seen", "agentVersion", "agent_version",
            "commitsBehind", "commits_behind");

    @PersistenceContext
    EntityManager em;

    @Inject
    FleetStatus fleet;

    public List<Node> page(Filter filter, List<Sort> sort, int offset, int limit) {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT * FROM node" + where(filter, params) + orderAndPage(sort, offset, limit);
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
        Query q = em.createNativeQuery("SELECT COUNT(*) FROM node" + where(filter, params));
        bind(q, params);
        return ((Number) q.getSingleResult()).intValue();
    }

    /** The first {@code limit} nodes that are not up to date (the bell's list, /updates, the API's pending list). */
    public List<Node> notUpToDate(int limit) {
        return em.createNamedQuery(Node.NOT_UP_TO_DATE, Node.class).setMaxResults(Math.max(0, Math.min(limit, MAX_PAGE)))
                .getResultList();
    }

    /** Every node that is not up to date, by id only (a bulk sync of 1,000 nodes loads no entity). */
    public List<String> notUpToDateIds() {
        return em.createNamedQuery(Node.NOT_UP_TO_DATE_IDS, String.class).getResultList();
    }

    public int notUpToDateCount() {
        return em.createNamedQuery(Node.NOT_UP_TO_DATE_COUNT, Long.class).getSingleResult().intValue();
    }

    /** The roles in use, for the filter's choices. */
    public List<String> roles() {
        @SuppressWarnings("unchecked")
        List<String> roles = em.createNativeQuery("SELECT DISTINCT trim(r) FROM node, unnest(string_to_array(roles, ',')) AS r"
                + " WHERE trim(r) <> '' ORDER BY 1").getResultList();
        return roles;
    }

    private String where(Filter f, List<Object> params) {
        List<String> clauses = new ArrayList<>();
        if (f.text() != null && !f.text().isBlank()) {
            String like = "%" + f.text().trim().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            params.add(like);
            params.add(like);
            clauses.add("(lower(id) LIKE ?" + (params.size() - 1) + " OR lower(coalesce(hostname, '')) LIKE ?" + params.size() + ")");
        }
        if (f.role() != null && !f.role().isBlank()) {
            params.add("%," + f.role().trim() + ",%");
            clauses.add("(',' || roles || ',') LIKE ?" + params.size());
        }
        if (f.status() != null) {
            params.add(f.status().name());
            clauses.add("code_status = ?" + params.size());
        }
        if (f.online() != null) {
            params.add(Timestamp.from(fleet.onlineSince()));
            clauses.add(f.online() ? "last_seen >= ?" + params.size() : "(last_seen IS NULL OR last_seen < ?" + params.size() + ")");
        }
        return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
    }

    private static void bind(Query q, List<Object> params) {
        for (int i = 0; i < params.size(); i++) {
            q.setParameter(i + 1, params.get(i));
        }
    }
}
