package dev.slm.fleet.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slm.fleet.boundary.NodeQueries.Sort;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nodes grid's sort and paging, which become SQL text: only the known columns, and bounded numbers. */
class NodeQueriesSortTest {

    @Test
    void eachKnownPropertySortsByItsColumnThenById() {
        assertEquals(" ORDER BY code_status ASC NULLS FIRST, last_seen DESC NULLS LAST, id LIMIT 50 OFFSET 100",
                NodeQueries.orderAndPage(List.of(new Sort("codeStatus", true), new Sort("lastSeen", false)), 100, 50));
        assertEquals(" ORDER BY id LIMIT 50 OFFSET 0", NodeQueries.orderAndPage(List.of(), 0, 50));
        for (String property : List.of("id", "hostname", "codeStatus", "lastSeen", "agentVersion", "commitsBehind")) {
            assertEquals(1, NodeQueries.orderAndPage(List.of(new Sort(property, true)), 0, 1).split("ASC NULLS FIRST").length - 1,
                    property);
        }
    }

    @Test
    void anyOtherPropertyIsSkippedAndNeverReachesTheSql() {
        List<String> hostile = Arrays.asList(null, "", " ", "ID", "code_status", "last_seen", "hostname ", "hostname DESC",
                "id; DROP TABLE node", "(SELECT 1)", "1", "token_hash", "hostname\u0000", "hostname,token_hash", "Hostname");
        for (String property : hostile) {
            assertEquals(" ORDER BY id LIMIT 10 OFFSET 0", NodeQueries.orderAndPage(List.of(new Sort(property, false)), 0, 10),
                    String.valueOf(property));
        }
        assertEquals(" ORDER BY id LIMIT 10 OFFSET 0", NodeQueries.orderAndPage(Arrays.asList((Sort) null), 0, 10));
    }

    @Test
    void aPropertyGivenTwiceIsHarmless() {
        assertEquals(" ORDER BY hostname ASC NULLS FIRST, hostname DESC NULLS LAST, id LIMIT 10 OFFSET 0",
                NodeQueries.orderAndPage(List.of(new Sort("hostname", true), new Sort("hostname", false)), 0, 10));
    }

    @Test
    void aPageIsAtMostAThousandRowsAndNeverNegative() {
        assertEquals(" ORDER BY id LIMIT 1000 OFFSET 0", NodeQueries.orderAndPage(List.of(), 0, 5000));
        assertEquals(" ORDER BY id LIMIT 1000 OFFSET 0", NodeQueries.orderAndPage(List.of(), 0, Integer.MAX_VALUE));
        assertEquals(" ORDER BY id LIMIT 0 OFFSET 0", NodeQueries.orderAndPage(List.of(), -1, -1));
        assertEquals(" ORDER BY id LIMIT 0 OFFSET 0", NodeQueries.orderAndPage(List.of(), Integer.MIN_VALUE, Integer.MIN_VALUE));
        assertEquals(" ORDER BY id LIMIT 1 OFFSET 2147483647", NodeQueries.orderAndPage(List.of(), Integer.MAX_VALUE, 1));
    }
}
