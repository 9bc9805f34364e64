package dev.slm.fleet.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.fleet.entity.DesiredCommits.Pin;
import dev.slm.fleet.entity.DesiredCommits.Scope;
import dev.slm.platform.InvalidInput;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesiredCommitsTest {

    private static final String TIP = "a".repeat(40);
    private static final String OLD = "b".repeat(40);
    private static final String OLDER = "c".repeat(40);
    private static final String OLDEST = "d".repeat(40);
    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    private static Pin role(String role, String commit, Instant at) {
        return new Pin(Scope.ROLE, role, commit, "alice", at, null);
    }

    private static Pin node(String id, String commit) {
        return new Pin(Scope.NODE, id, commit, "bob", T, "hotfix");
    }

    @Test
    void aNodeNothingPinsFollowsTheFleet() {
        DesiredCommits d = DesiredCommits.of(TIP, 3, List.of(role("db", OLD, T)));
        assertEquals(TIP, d.forNode("web-1", List.of("web")));
        assertEquals(TIP, d.forNode("lonely", List.of()));
        assertTrue(d.pinOf("web-1", List.of("web")).isEmpty());
    }

    @Test
    void aRolePinHoldsEveryNodeOfTheRole() {
        DesiredCommits d = DesiredCommits.of(TIP, 3, List.of(role("db", OLD, T)));
        assertEquals(OLD, d.forNode("db-1", List.of("db")));
        assertEquals(OLD, d.forNode("db-2", List.of("backup", "db")));
        assertEquals("db", d.pinOf("db-2", List.of("backup", "db")).orElseThrow().subject());
    }

    @Test
    void roleNamesAreMatchedWholeAndCaseSensitively() {
        DesiredCommits d = DesiredCommits.of(TIP, 1, List.of(role("db", OLD, T)));
        assertEquals(TIP, d.forNode("n", List.of("DB")));
        assertEquals(TIP, d.forNode("n", List.of("db2")));
        assertEquals(TIP, d.forNode("n", List.of("d")));
    }

    @Test
    void aNodesOwnPinGoesBeforeItsRolesPin() {
        DesiredCommits d = DesiredCommits.of(TIP, 2, List.of(role("db", OLD, T.plusSeconds(60)), node("db-1", OLDER)));
        assertEquals(OLDER, d.forNode("db-1", List.of("db")));
        assertEquals(Scope.NODE, d.pinOf("db-1", List.of("db")).orElseThrow().scope());
        assertEquals(OLD, d.forNode("db-2", List.of("db")));
    }

    @Test
    void ofTwoPinnedRolesOfANodeTheLatestPinWinsWhateverTheOrderReadOrReported() {
        Pin web = role("web", OLD, T);
        Pin db = role("db", OLDER, T.plusSeconds(1));
        for (List<Pin> read : List.of(List.of(web, db), List.of(db, web))) {
            DesiredCommits d = DesiredCommits.of(TIP, 5, read);
            assertEquals(OLDER, d.forNode("both", List.of("web", "db")));
            assertEquals(OLDER, d.forNode("both", List.of("db", "web")));
        }
    }

    @Test
    void twoRolePinsOfTheSameMomentAreDecidedByRoleNameSoEveryReaderAgrees() {
        DesiredCommits d1 = DesiredCommits.of(TIP, 5, List.of(role("web", OLD, T), role("api", OLDEST, T)));
        DesiredCommits d2 = DesiredCommits.of(TIP, 5, List.of(role("api", OLDEST, T), role("web", OLD, T)));
        assertEquals(OLDEST, d1.forNode("n", List.of("web", "api")));
        assertEquals(OLDEST, d2.forNode("n", List.of("web", "api")));
    }

    @Test
    void beforeTheFirstFetchAnUnpinnedNodeHasNoDesiredCommit() {
        DesiredCommits d = DesiredCommits.fleetOnly(null);
        assertEquals(null, d.forNode("n", List.of("web")));
        assertFalse(d.anyPins());
    }

    @Test
    void aRoleIsOneRoleAsAgentsReportIt() {
        for (String bad : new String[] {null, "", "  ", "a,b", "x".repeat(65), "tab\there", "nul\0", "line\nbreak",
                " web", "web ", "a\u2028b"}) {
            assertThrows(InvalidInput.class, () -> Node.checkRole(bad), String.valueOf(bad));
        }
        Node.checkRole("web");
        Node.checkRole("x".repeat(64));
        Node.checkRole("frontend/eu-west ü");
    }
}
