package dev.slm.fleet.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slm.fleet.boundary.NodeQueries.Cover;
import dev.slm.fleet.boundary.NodeQueries.Filter;
import dev.slm.fleet.boundary.NodeQueries.InWindow;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Nodes grid's "in window now" / "outside window" filter, run in a real PostgreSQL against a node table of its
 * own (a temporary one: what the filter reads is id and roles): deny over allow, coverage by id, role or all.
 */
class NodeQueriesWindowTest {

    private static final Cover NONE = new Cover(false, Set.of(), Set.of());
    private static Connection c;

    @BeforeAll
    static void nodes() throws Exception {
        c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE node (id text PRIMARY KEY, roles text)");
            s.execute("INSERT INTO node VALUES ('free', ''), ('web-1', 'web'), ('web-2', 'db, web'), ('db-1', 'db'),"
                    + " ('odd\"1', NULL), ('x', 'web-old')");
        }
    }

    @AfterAll
    static void close() throws Exception {
        c.close();
    }

    private static List<String> ids(InWindow w) throws Exception {
        List<Object> params = new ArrayList<>();
        String where = NodeQueries.where(Filter.NONE.within(w), Instant::now, params);
        // ?1, ?2 … as the JPA native query numbers them; JDBC wants plain ?
        try (PreparedStatement p = c.prepareStatement("SELECT id FROM node" + where.replaceAll("\\?\\d+", "?") + " ORDER BY id")) {
            for (int i = 0; i < params.size(); i++) {
                p.setObject(i + 1, params.get(i));
            }
            List<String> ids = new ArrayList<>();
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
            return ids;
        }
    }

    @Test
    void withNoWindowEveryNodeIsInsideAndNoneOutside() throws Exception {
        assertEquals(List.of("db-1", "free", "odd\"1", "web-1", "web-2", "x"), ids(new InWindow(true, NONE, NONE, NONE)));
        assertEquals(List.of(), ids(new InWindow(false, NONE, NONE, NONE)));
    }

    @Test
    void aClosedAllowWindowOfARoleLeavesItsNodesOutsideAndARoleIsMatchedWhole() throws Exception {
        Cover web = new Cover(false, Set.of(), Set.of("web"));
        assertEquals(List.of("db-1", "free", "odd\"1", "x"), ids(new InWindow(true, NONE, web, NONE)));
        assertEquals(List.of("web-1", "web-2"), ids(new InWindow(false, NONE, web, NONE)));
        // open now: inside again
        assertEquals(6, ids(new InWindow(true, NONE, web, web)).size());
    }

    @Test
    void anOpenDenyWindowWinsOverAnOpenAllowWindow() throws Exception {
        Cover all = new Cover(true, Set.of(), Set.of());
        Cover quoted = new Cover(false, Set.of("odd\"1", "db-1"), Set.of());
        assertEquals(List.of("free", "web-1", "web-2", "x"), ids(new InWindow(true, quoted, all, all)));
        assertEquals(List.of("db-1", "odd\"1"), ids(new InWindow(false, quoted, all, all)));
    }
}
