package dev.slm.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.fleet.boundary.NodeQueries;
import dev.slm.platform.InvalidInput;
import dev.slm.source.entity.CodeStatus;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** GET /api/nodes's query string: what it takes, and a 400 naming the parameter for everything else. */
class NodeListQueryTest {

    /** A query string as Jersey hands it over: decoded, every value of a repeated parameter kept, in order. */
    private static Map<String, List<String>> params(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        return params;
    }

    private static NodeListQuery parse(String query) {
        return NodeListQuery.parse(params(query));
    }

    private static String refused(String query) {
        return assertThrows(InvalidInput.class, () -> parse(query), query).getMessage();
    }

    @Test
    void withoutParametersItIsTheWholeFleetUpToAThousandByNodeId() {
        NodeListQuery q = parse("");
        assertEquals(NodeQueries.Filter.NONE, q.filter());
        assertEquals(List.of(), q.sort());
        assertEquals(0, q.page());
        assertEquals(1000, q.size());
        assertEquals(NodeQueries.MAX_PAGE, q.size());
        assertEquals(0, q.offset());
    }

    @Test
    void everyFilterOfTheNodesPage() {
        NodeListQuery q = parse("status=OUTDATED&status=diverged&role=web&online=false&text=%20Web-3%20&behind_gt=2");
        assertEquals(new NodeQueries.Filter("Web-3", "web", EnumSet.of(CodeStatus.OUTDATED, CodeStatus.DIVERGED), false, 2),
                q.filter());
        assertEquals(Set.of(CodeStatus.OUTDATED, CodeStatus.DIVERGED), parse("status=OUTDATED,DIVERGED").filter().statuses());
        assertEquals(Set.of(CodeStatus.OUTDATED, CodeStatus.DIVERGED, CodeStatus.UNKNOWN),
                parse("status=OUTDATED,%20DIVERGED&status=UNKNOWN&status=OUTDATED").filter().statuses());
        assertEquals(true, parse("online=true").filter().online());
        assertEquals(0, parse("behind_gt=0").filter().behindMoreThan());
        assertEquals(Integer.MAX_VALUE, parse("behind_gt=2147483647").filter().behindMoreThan());
    }

    @Test
    void anEmptyTextOrRoleIsNoFilterAsThePagesClearedField() {
        NodeListQuery q = parse("text=&role=%20%20");
        assertNull(q.filter().text());
        assertNull(q.filter().role());
    }

    @Test
    void sortKeysAreTheJsonFieldsInTheirOrderEachWithItsDirection() {
        NodeListQuery q = parse("sort=code_status,desc&sort=last_seen&sort=node_id,ASC");
        assertEquals(List.of(new NodeListQuery.SortKey("code_status", false), new NodeListQuery.SortKey("last_seen", true),
                new NodeListQuery.SortKey("node_id", true)), q.sort());
        assertEquals(List.of(new NodeQueries.Sort("codeStatus", false), new NodeQueries.Sort("lastSeen", true),
                new NodeQueries.Sort("id", true)), q.sorts());
    }

    @Test
    void everyColumnThePageSortsByCanBeNamedAndNothingElse() {
        assertEquals(Set.of("agent_version", "code_status", "commits_behind", "hostname", "last_seen", "node_id"),
                NodeListQuery.SORT_FIELDS.keySet());
        assertEquals(NodeQueries.SORTABLE, Set.copyOf(NodeListQuery.SORT_FIELDS.values()));
        for (String field : NodeListQuery.SORT_FIELDS.keySet()) {
            assertEquals(1, parse("sort=" + field + ",desc").sorts().size(), field);
        }
    }

    @Test
    void aPageAndItsSize() {
        NodeListQuery q = parse("page=3&size=25");
        assertEquals(3, q.page());
        assertEquals(25, q.size());
        assertEquals(75, q.offset());
        assertEquals(1000, parse("size=1000").size());
        assertEquals(1, parse("size=1").size());
        assertEquals(1000, parse("page=2").size(), "a page without a size has the largest size");
        assertEquals(Integer.MAX_VALUE, parse("page=2147483647&size=1000").offset(), "past any fleet, not an overflow");
    }

    @Test
    void theLinksQueryIsTheSameListAtAnotherPage() {
        NodeListQuery q = parse("size=2&text=a%20b%26c%2Bd&sort=hostname,desc&status=UNKNOWN,OUTDATED&online=true"
                + "&behind_gt=1&role=eu");
        String next = q.queryString(1);
        assertEquals("status=OUTDATED,UNKNOWN&role=eu&online=true&text=a%20b%26c%2Bd&behind_gt=1&sort=hostname,desc"
                + "&page=1&size=2", next);
        NodeListQuery again = parse(next);
        assertEquals(q.filter(), again.filter());
        assertEquals(q.sort(), again.sort());
        assertEquals(1, again.page());
        assertEquals(2, again.size());
        assertEquals("page=0&size=1000", parse("").queryString(0));
    }

    // ---------------------------------------------------------------- refused, each naming its parameter

    @ParameterizedTest
    @ValueSource(strings = {"status=BOGUS", "status=", "status=OUTDATED,", "status=OUTDATED,,DIVERGED", "status=UP-TO-DATE",
            "status=OUTDATED&status=NOPE", "status=1", "status=UP_TO_DATE%00", "status=%0AOUTDATED", "status=%E2%80%AEOUTDATED"})
    void anUnknownStatusIsRefused(String query) {
        assertTrue(refused(query).startsWith("status must be one or more of UP_TO_DATE, OUTDATED, DIVERGED, UNKNOWN"), query);
    }

    @ParameterizedTest
    @ValueSource(strings = {"size=0", "size=-5", "size=1001", "size=10001", "size=abc", "size=", "size=1.5", "size=1e3",
            "size=%2B5", "size=%205", "size=5%20", "size=99999999999999999999", "size=0x10", "size=%D9%A5"})
    void aSizeIsAWholeNumberFromOneToAThousand(String query) {
        assertTrue(refused(query).startsWith("size must be a whole number from 1 to 1000"), query);
    }

    @ParameterizedTest
    @ValueSource(strings = {"page=-1", "page=abc", "page=", "page=2147483648", "page=99999999999999999999", "page=1.0"})
    void aPageIsAWholeNumberOfZeroOrMore(String query) {
        assertTrue(refused(query).startsWith("page must be a whole number from 0 to 2147483647"), query);
    }

    @ParameterizedTest
    @ValueSource(strings = {"online=maybe", "online=", "online=TRUE", "online=1", "online=yes", "online=true%20"})
    void onlineIsTrueOrFalse(String query) {
        assertTrue(refused(query).startsWith("online must be true or false"), query);
    }

    @ParameterizedTest
    @ValueSource(strings = {"behind_gt=-1", "behind_gt=", "behind_gt=abc", "behind_gt=2147483648",
            "behind_gt=99999999999999999999", "behind_gt=1.5"})
    void behindIsAWholeNumberOfZeroOrMore(String query) {
        assertTrue(refused(query).startsWith("behind_gt must be a whole number from 0 to 2147483647"), query);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sort=token_hash,asc", "sort=token_hash", "sort=", "sort=id", "sort=codeStatus",
            "sort=hostname,asc,last_seen", "sort=hostname%3BDROP%20TABLE%20node", "sort=(SELECT%201)", "sort=,asc",
            "sort=Hostname", "sort=registered_by", "sort=hostname%00,asc"})
    void aSortNamesASortableFieldAndNothingElse(String query) {
        String message = refused(query);
        assertTrue(message.startsWith("sort must be a name and optionally a direction"), message);
        assertTrue(message.contains("names: agent_version, code_status, commits_behind, hostname, last_seen, node_id"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"commit=", "commit=abc", "commit=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "commit=%20" + A40,
            "commit=" + A40 + "a", "commit=" + A40 + "%00", "commit=g" + A39})
    void aCommitIsAFullCommitId(String query) {
        assertTrue(refused(query).startsWith("commit must be a full commit id"), query);
    }

    private static final String A39 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String A40 = A39 + "a";

    @Test
    void aCommitFiltersAndIsKeptInTheLinks() {
        NodeListQuery q = parse("commit=" + A40);
        assertEquals(A40, q.filter().commit());
        assertEquals("commit=" + A40 + "&page=0&size=1000", q.queryString(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sort=hostname,up", "sort=hostname,", "sort=hostname,ascending", "sort=hostname,1"})
    void aSortDirectionIsAscOrDesc(String query) {
        assertTrue(refused(query).startsWith("sort direction must be asc or desc"), query);
    }

    @Test
    void aSortKeyGivenTwiceIsRefused() {
        assertEquals("sort names hostname twice", refused("sort=hostname,asc&sort=hostname,desc"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "foo=1|foo", "Status=OUTDATED|Status", "limit=10|limit", "offset=0|offset", "q=web|q", "behind=1|behind",
            "status=OUTDATED&pagesize=5|pagesize", "=x|''", "sort_by=hostname|sort_by", "page%00=1|page?"})
    void anUnknownParameterIsRefusedByName(String query, String name) {
        String message = refused(query);
        assertTrue(message.startsWith("unknown query parameter '" + name + "'"), message);
        assertTrue(message.endsWith("GET /api/nodes takes status, role, online, text, commit, behind_gt, in_window, sort, page, size"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"page", "size", "online", "text", "role", "behind_gt"})
    void aParameterTakenOnceIsRefusedTwice(String name) {
        assertEquals(name + " is given 2 times; it is taken once", refused(name + "=1&" + name + "=1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text=a%00b", "text=a%0Ab", "text=%7F", "text=%09"})
    void aTextIsPrintableAndShort(String query) {
        assertTrue(refused(query).startsWith("text must be at most 255 characters"), query);
        assertTrue(refused("text=" + "x".repeat(256)).startsWith("text must be at most 255 characters"));
        assertEquals("x".repeat(255), parse("text=" + "x".repeat(255)).filter().text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"role=web,eu", "role=a%00", "role=%0D"})
    void aRoleIsOneRole(String query) {
        assertTrue(refused(query).startsWith("role must be one role"), query);
        assertTrue(refused("role=" + "r".repeat(1025)).startsWith("role must be one role"));
    }

    @Test
    void aRefusedValueIsShownPrintableAndCut() {
        String message = refused("status=" + "\u0007".repeat(3) + "x".repeat(5000));
        assertTrue(message.contains("'???xxx"), message);
        assertTrue(message.length() < 300, message);
    }

    @Test
    void theFirstProblemIsNamedWhateverElseIsWrong() {
        assertTrue(refused("size=0&nope=1").startsWith("unknown query parameter 'nope'"));
        assertTrue(refused("size=0&status=BOGUS").startsWith("status"));
    }
}
