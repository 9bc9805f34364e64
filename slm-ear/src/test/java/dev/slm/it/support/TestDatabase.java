package dev.slm.it.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A fresh database on the machine's PostgreSQL (SLM_TEST_PG, default 127.0.0.1:5432, user postgres), dropped after. */
public final class TestDatabase implements AutoCloseable {

    private static final String SERVER = System.getenv().getOrDefault("SLM_TEST_PG", "127.0.0.1:5432");
    private static final String USER = System.getenv().getOrDefault("SLM_TEST_PG_USER", "postgres");
    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    public static TestDatabase create() throws SQLException {
        String name = "slm_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + SERVER + "/postgres", USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return new TestDatabase(name);
    }

    public String url() {
        return "jdbc:postgresql://" + SERVER + "/" + name;
    }

    /** The server's database settings, as environment variables. */
    public Map<String, String> serverEnvironment() {
        return Map.of("SLM_DB_URL", url(), "SLM_DB_USER", USER, "SLM_DB_PASSWORD", "");
    }

    /** A connection of the test's own, for a transaction it holds open. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, "");
    }

    public List<Map<String, Object>> query(String sql, Object... params) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(), USER, "");
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnName(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    public int execute(String sql, Object... params) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(), USER, "");
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + SERVER + "/postgres", USER, "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
