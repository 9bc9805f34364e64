package dev.slm.fleet.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slm.fleet.boundary.NodeQueries.Filter;
import dev.slm.source.entity.CodeStatus;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The WHERE clause the Nodes page and GET /api/nodes share: values are bound, never part of the SQL. */
class NodeQueriesFilterTest {

    private static final Instant SINCE = Instant.parse("2026-01-01T00:00:00Z");

    private final List<Object> params = new ArrayList<>();
    private int onlineAsked;

    private String where(Filter f) {
        Supplier<Instant> since = () -> {
            onlineAsked++;
            return SINCE;
        };
        return NodeQueries.where(f, since, params);
    }

    @Test
    void noFilterIsNoClauseAndNoQuestionAboutOnline() {
        assertEquals("", where(Filter.NONE));
        assertEquals("", where(new Filter(null, " ", null, null, null)));
        assertEquals(List.of(), params);
        assertEquals(0, onlineAsked);
    }

    @Test
    void oneStatusIsAnEqualitySeveralAreAnInListInTheEnumsOrder() {
        assertEquals(" WHERE code_status = ?1", where(new Filter(null, null, Set.of(CodeStatus.DIVERGED), null, null)));
        assertEquals(List.of("DIVERGED"), params);
        params.clear();
        Set<CodeStatus> unordered = new HashSet<>(List.of(CodeStatus.UNKNOWN, CodeStatus.UP_TO_DATE, CodeStatus.OUTDATED));
        assertEquals(" WHERE code_status IN (?1, ?2, ?3)", where(new Filter(null, null, unordered, null, null)));
        assertEquals(List.of("UP_TO_DATE", "OUTDATED", "UNKNOWN"), params);
    }

    @Test
    void everyFilterTogetherBindsItsValuesInOrder() {
        String sql = where(new Filter(" Web-3 ", "eu", EnumSet.of(CodeStatus.OUTDATED, CodeStatus.DIVERGED), true, 5));
        assertEquals(" WHERE (lower(id) LIKE lower(?1) OR lower(coalesce(hostname, '')) LIKE lower(?2)) AND (',' || roles || ',')"
                + " LIKE ?3 AND code_status IN (?4, ?5) AND last_seen >= ?6 AND commits_behind > ?7", sql);
        assertEquals(List.of("%Web-3%", "%Web-3%", "%,eu,%", "OUTDATED", "DIVERGED", Timestamp.from(SINCE), 5), params);
        assertEquals(1, onlineAsked);
    }

    @Test
    void offlineIncludesNodesThatNeverReported() {
        assertEquals(" WHERE (last_seen IS NULL OR last_seen < ?1)", where(new Filter(null, null, null, false, null)));
    }

    @Test
    void behindMoreThanZeroIsAnyCommitBehind() {
        assertEquals(" WHERE commits_behind > ?1", where(new Filter(null, null, null, null, 0)));
        assertEquals(List.of(0), params);
    }

    @Test
    void aTextOrRoleMatchesLiterallyNotAsAPattern() {
        where(new Filter("50%_a\\b", "eu_%", null, null, null));
        assertEquals(List.of("%50\\%\\_a\\\\b%", "%50\\%\\_a\\\\b%", "%,eu\\_\\%,%"), params);
    }

    @Test
    void aFiltersStatusesCannotBeChangedAfterwards() {
        Set<CodeStatus> given = EnumSet.of(CodeStatus.OUTDATED);
        Filter f = new Filter(null, null, given, null, null);
        given.add(CodeStatus.UNKNOWN);
        assertEquals(Set.of(CodeStatus.OUTDATED), f.statuses());
        assertThrows(UnsupportedOperationException.class, () -> f.statuses().add(CodeStatus.UNKNOWN));
        assertEquals(Set.of(), new Filter(null, null, null, null, null).statuses());
    }

    @Test
    void aCommitIsMatchedWholeAndBoundAsAValue() {
        String commit = "a".repeat(40);
        assertEquals(" WHERE code_version = ?1", where(new Filter(null, null, Set.of(), null, null, " " + commit + " ")));
        assertEquals(List.of(commit), params);
    }
}
