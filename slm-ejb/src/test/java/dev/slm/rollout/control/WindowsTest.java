package dev.slm.rollout.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.rollout.entity.MaintenanceWindow.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which node may be synced when, as its maintenance windows say: coverage, deny over allow, spans across DST. */
class WindowsTest {

    private static Windows.Window window(String name, Kind kind, String cron, String zone, Duration d, boolean all,
                                         Set<String> ids, Set<String> roles) {
        return new Windows.Window(name.hashCode(), name, kind, CronSchedule.parse(cron, zone), d, all, ids, roles);
    }

    /** Weeknights 22:00 for 4 hours, Berlin time, for the web role. */
    private static final Windows.Window NIGHTS = window("nights", Kind.ALLOW, "0 22 * * 1-5", "Europe/Berlin",
            Duration.ofHours(4), false, Set.of(), Set.of("web"));

    @Test
    void aNodeOnlyAllowWindowsCoverIsSyncedOnlyWhileOneIsOpenAndToldWhenTheNextOpens() {
        Instant tuesdayNoon = Instant.parse("2026-12-01T11:00:00Z");
        Windows.Verdict noon = new Windows(List.of(NIGHTS), tuesdayNoon).check("web-1", List.of("db", "web"));
        assertFalse(noon.allowed());
        assertEquals(Instant.parse("2026-12-01T21:00:00Z"), noon.from(), "22:00 CET");
        assertTrue(noon.reason().startsWith("web-1 is outside its maintenance window 'nights' (opens 2026-12-01T22:00+01:00"),
                noon.reason());
        // inside: 23:30 CET; and after midnight, still inside the span that began on Tuesday
        assertTrue(new Windows(List.of(NIGHTS), Instant.parse("2026-12-01T22:30:00Z")).check("web-1", List.of("web")).allowed());
        assertTrue(new Windows(List.of(NIGHTS), Instant.parse("2026-12-02T00:59:59Z")).check("web-1", List.of("web")).allowed());
        assertFalse(new Windows(List.of(NIGHTS), Instant.parse("2026-12-02T01:00:00Z")).check("web-1", List.of("web")).allowed(),
                "the span is [start, start + duration)");
        // a node the window does not cover may be synced any time; so may every node when no window exists
        assertTrue(new Windows(List.of(NIGHTS), tuesdayNoon).check("db-1", List.of("db")).allowed());
        assertTrue(new Windows(List.of(), tuesdayNoon).check("web-1", List.of("web")).allowed());
    }

    @Test
    void anOpenDenyWindowWinsOverAnOpenAllowWindowUntilItCloses() {
        Windows.Window always = window("always", Kind.ALLOW, "* * * * *", "UTC", Duration.ofHours(1), true, Set.of(), Set.of());
        Windows.Window freeze = window("freeze", Kind.DENY, "0 0 24 12 *", "UTC", Duration.ofDays(3), false,
                Set.of("web-1"), Set.of());
        Instant christmas = Instant.parse("2026-12-25T12:00:00Z");
        Windows.Verdict v = new Windows(List.of(always, freeze), christmas).check("web-1", List.of());
        assertFalse(v.allowed());
        assertEquals("freeze", v.window().name());
        assertEquals(Instant.parse("2026-12-27T00:00:00Z"), v.from());
        assertTrue(new Windows(List.of(always, freeze), christmas).check("web-2", List.of()).allowed(), "not covered by the freeze");
        assertTrue(new Windows(List.of(always, freeze), Instant.parse("2026-12-27T00:00:00Z")).check("web-1", List.of()).allowed());
    }

    @Test
    void aWindowOpeningInTheSpringForwardGapOpensWhenTheClockHasJumpedAndKeepsItsLength() {
        // 02:30 Berlin does not exist on 29 March 2026: the window opens at 03:30 CEST (01:30 UTC) for its hour
        Windows.Window w = window("early", Kind.ALLOW, "30 2 * * *", "Europe/Berlin", Duration.ofHours(1), true, Set.of(), Set.of());
        assertEquals(Optional.of(Instant.parse("2026-03-29T02:30:00Z")), w.openUntil(Instant.parse("2026-03-29T01:45:00Z")));
        assertEquals(Optional.empty(), w.openUntil(Instant.parse("2026-03-29T01:15:00Z")));
        assertEquals(Optional.of(Instant.parse("2026-03-29T01:30:00Z")), w.nextOpening(Instant.parse("2026-03-29T00:00:00Z")));
    }

    @Test
    void aNightWindowInNewYorkKeepsItsWallClockAcrossBothChangesAndItsRealLengthAcrossTheFallBack() {
        // 01:00 New York for 2 hours; 1 November 2026 the clock falls back at 02:00 EDT: the span is 2 real hours
        Windows.Window w = window("ny", Kind.ALLOW, "0 1 * * *", "America/New_York", Duration.ofHours(2), true, Set.of(), Set.of());
        assertEquals(Optional.of(Instant.parse("2026-11-01T07:00:00Z")), w.openUntil(Instant.parse("2026-11-01T05:30:00Z")),
                "opened 01:00 EDT (05:00 UTC), closes two real hours later, 02:00 EST");
        assertEquals(Optional.empty(), w.openUntil(Instant.parse("2026-11-01T07:00:00Z")));
        // the day before and the day after: 01:00 local in each offset
        assertEquals(Optional.of(Instant.parse("2026-10-31T05:00:00Z")), w.nextOpening(Instant.parse("2026-10-31T00:00:00Z")));
        assertEquals(Optional.of(Instant.parse("2026-11-02T06:00:00Z")), w.nextOpening(Instant.parse("2026-11-01T12:00:00Z")));
        // spring: 8 March 2026, 01:00 EST exists; 2 hours later is 04:00 EDT
        assertEquals(Optional.of(Instant.parse("2026-03-08T08:00:00Z")), w.openUntil(Instant.parse("2026-03-08T07:30:00Z")));
        Windows.Verdict at = new Windows(List.of(w), Instant.parse("2026-03-08T08:00:00Z")).check("n", List.of());
        assertFalse(at.allowed());
        assertEquals(Instant.parse("2026-03-09T05:00:00Z"), at.from(), "01:00 EDT the next day");
    }

    @Test
    void openingsThatOverlapOrTouchMakeOneSpanAndAWindowThatNeverClosesSaysSo() {
        Instant t = Instant.parse("2026-06-01T12:45:00Z");
        // every 30 minutes for an hour, or every minute for a week: open with no end in sight (the 10,000 openings of
        // the week were walked one by one before: 0.2 s per check)
        assertEquals(Optional.of(Instant.MAX), window("halves", Kind.ALLOW, "*/30 * * * *", "UTC", Duration.ofHours(1), true,
                Set.of(), Set.of()).openUntil(t));
        Windows.Window week = window("week", Kind.DENY, "* * * * *", "UTC", Duration.ofDays(7), true, Set.of(), Set.of());
        assertEquals(Optional.of(Instant.MAX), week.openUntil(t));
        Windows.Verdict v = new Windows(List.of(week), t).check("n", List.of());
        assertFalse(v.allowed());
        assertNull(v.from(), "no time to give");
        assertTrue(v.reason().endsWith("until further notice (its openings overlap)"), v.reason());
        // openings that touch (every two hours for two hours) make one span too; separate ones each close
        assertEquals(Optional.of(Instant.MAX), window("touching", Kind.ALLOW, "0 */2 * * *", "UTC", Duration.ofHours(2), true,
                Set.of(), Set.of()).openUntil(t));
        assertEquals(Optional.of(Instant.parse("2026-06-01T13:30:00Z")), window("daily", Kind.ALLOW, "30 11 * * *", "UTC",
                Duration.ofHours(2), true, Set.of(), Set.of()).openUntil(t));
        // a daily window open for two days: the span around t ends two days after its latest opening, and goes on
        assertEquals(Optional.of(Instant.MAX), window("two days", Kind.DENY, "0 0 * * *", "UTC", Duration.ofDays(2), true,
                Set.of(), Set.of()).openUntil(t));
        assertEquals(Optional.of(Instant.parse("2026-06-03T00:00:00Z")), window("once", Kind.DENY, "0 0 1 6 *", "UTC",
                Duration.ofDays(2), true, Set.of(), Set.of()).openUntil(t));
    }

    @Test
    void aNodeIsCoveredByIdByAnyOfItsRolesOrByAllNodes() {
        Windows.Window byId = window("id", Kind.DENY, "* * * * *", "UTC", Duration.ofMinutes(5), false, Set.of("n-1"), Set.of());
        Windows.Window byRole = window("role", Kind.DENY, "* * * * *", "UTC", Duration.ofMinutes(5), false, Set.of(), Set.of("db"));
        Instant now = Instant.parse("2026-06-01T12:00:30Z");
        assertFalse(new Windows(List.of(byId), now).check("n-1", List.of()).allowed());
        assertTrue(new Windows(List.of(byId), now).check("n-2", List.of()).allowed());
        assertFalse(new Windows(List.of(byRole), now).check("n-2", List.of("web", " db")).allowed(), "roles as reported, trimmed");
        assertTrue(new Windows(List.of(byRole), now).check("n-2", List.of("dba")).allowed(), "a role is matched whole");
        assertNull(new Windows(List.of(byRole), now).check("n-2", List.of("web")).window());
    }
}
