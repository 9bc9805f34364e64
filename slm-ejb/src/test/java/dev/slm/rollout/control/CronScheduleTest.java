package dev.slm.rollout.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Cron times across daylight-saving changes, in two zones, and the policy for times the server did not see. The
 * scheduler's loop is played with a clock that moves a tick (10 s) at a time, as the real one is driven: what fires
 * is what {@link Firing#decide} says at each tick where the stored next time has come.
 */
class CronScheduleTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    /** The scheduler's loop over [from, until), a tick every 10 s: the times that ran. */
    private static List<Instant> fired(CronSchedule cron, Instant from, Instant until) {
        MutableClock clock = new MutableClock(from);
        List<Instant> fired = new ArrayList<>();
        Optional<Instant> next = cron.nextAfter(clock.instant());
        while (clock.instant().isBefore(until)) {
            clock.advance(Duration.ofSeconds(10));
            if (next.isPresent() && !next.get().isAfter(clock.instant())) {
                Firing f = Firing.decide(cron, next.get(), clock.instant(), Duration.ofMinutes(15));
                assertEquals(0, f.missed(), "a running scheduler misses nothing");
                f.run().ifPresent(fired::add);
                next = f.next();
            }
        }
        return fired;
    }

    private static Instant at(ZoneId zone, String local) {
        return java.time.LocalDateTime.parse(local).atZone(zone).toInstant();
    }

    @Test
    void aFixedTimeInTheSpringForwardGapFiresOnceWhenTheClockHasJumped() {
        // Berlin, 29 March 2026: 02:00 CET becomes 03:00 CEST; 02:30 does not exist that night
        CronSchedule cron = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
        List<Instant> fired = fired(cron, at(BERLIN, "2026-03-28T00:00"), at(BERLIN, "2026-03-30T12:00"));
        assertEquals(List.of(Instant.parse("2026-03-28T01:30:00Z"), // 02:30 CET
                Instant.parse("2026-03-29T01:30:00Z"), // 03:30 CEST: the gap's hour later
                Instant.parse("2026-03-30T00:30:00Z")), fired); // 02:30 CEST
    }

    @Test
    void everyFixedTimeOfAListInTheGapFiresOnceEachTheGapsLengthLater() {
        // 02:00 and 02:30 both skipped: 03:00 and 03:30 CEST
        assertEquals(List.of("2026-03-29T03:00+02:00[Europe/Berlin]", "2026-03-29T03:30+02:00[Europe/Berlin]",
                        "2026-03-30T02:00+02:00[Europe/Berlin]"),
                CronSchedule.parse("0,30 2 * * *", "Europe/Berlin").next(Instant.parse("2026-03-28T23:00:00Z"), 3).stream()
                        .map(ZonedDateTime::toString).toList());
        // skipped times that fall on real ones of the same cron fire once: 02:00/03:00 and 02:30/03:30 merge
        assertEquals(List.of("2026-03-29T03:00+02:00[Europe/Berlin]", "2026-03-29T03:30+02:00[Europe/Berlin]",
                        "2026-03-30T02:00+02:00[Europe/Berlin]"),
                CronSchedule.parse("0,30 2,3 * * *", "Europe/Berlin").next(Instant.parse("2026-03-28T23:00:00Z"), 3).stream()
                        .map(ZonedDateTime::toString).toList());
        assertEquals(List.of("2026-03-29T03:15+02:00[Europe/Berlin]", "2026-03-29T03:45+02:00[Europe/Berlin]"),
                CronSchedule.parse("15,45 2 * * *", "Europe/Berlin").next(Instant.parse("2026-03-28T23:00:00Z"), 2).stream()
                        .map(ZonedDateTime::toString).toList());
        assertEquals(List.of("2026-03-29T03:00+02:00[Europe/Berlin]", "2026-03-29T03:30+02:00[Europe/Berlin]"),
                CronSchedule.parse("*/30 2 * * *", "Europe/Berlin").next(Instant.parse("2026-03-28T23:00:00Z"), 2).stream()
                        .map(ZonedDateTime::toString).toList());
    }

    @Test
    void aFixedTimeInTheRepeatedFallBackHourFiresOnceAtItsFirstOccurrence() {
        // Berlin, 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice
        CronSchedule cron = CronSchedule.parse("30 2 * * *", "Europe/Berlin");
        List<Instant> fired = fired(cron, at(BERLIN, "2026-10-24T00:00"), at(BERLIN, "2026-10-26T12:00"));
        assertEquals(List.of(Instant.parse("2026-10-24T00:30:00Z"), // CEST
                Instant.parse("2026-10-25T00:30:00Z"), // the first 02:30, CEST; not again at 01:30Z
                Instant.parse("2026-10-26T01:30:00Z")), fired); // CET
    }

    @Test
    void newYorkSkipsAndRepeatsItsOwnHourOnItsOwnDays() {
        // New York: 8 March 2026 02:00 EST -> 03:00 EDT; 1 November 2026 02:00 EDT -> 01:00 EST (01:30 twice)
        CronSchedule spring = CronSchedule.parse("30 2 * * *", "America/New_York");
        assertEquals(List.of(Instant.parse("2026-03-08T07:30:00Z")), // 03:30 EDT
                fired(spring, at(NEW_YORK, "2026-03-08T00:00"), at(NEW_YORK, "2026-03-08T12:00")));
        CronSchedule fall = CronSchedule.parse("30 1 * * *", "America/New_York");
        assertEquals(List.of(Instant.parse("2026-11-01T05:30:00Z")), // the first 01:30, EDT
                fired(fall, at(NEW_YORK, "2026-11-01T00:00"), at(NEW_YORK, "2026-11-01T12:00")));
        // and on Berlin's change days New York's 02:30 is an ordinary time
        assertEquals(List.of(Instant.parse("2026-03-29T06:30:00Z")),
                fired(spring, at(NEW_YORK, "2026-03-29T00:00"), at(NEW_YORK, "2026-03-29T12:00")));
    }

    @Test
    void aScheduleOverEveryHourFollowsRealTimeThroughBothChanges() {
        CronSchedule every15 = CronSchedule.parse("*/15 * * * *", "Europe/Berlin");
        // spring: 01:45 CET then 03:00 CEST, 15 real minutes apart; nothing made up for the hour that did not exist
        List<Instant> spring = fired(every15, at(BERLIN, "2026-03-29T01:40"), at(BERLIN, "2026-03-29T03:20"));
        assertEquals(List.of(Instant.parse("2026-03-29T00:45:00Z"), Instant.parse("2026-03-29T01:00:00Z"),
                Instant.parse("2026-03-29T01:15:00Z")), spring);
        // fall: the repeated hour runs twice, every 15 real minutes
        List<Instant> fall = fired(every15, Instant.parse("2026-10-25T00:40:00Z"), Instant.parse("2026-10-25T01:50:00Z"));
        assertEquals(List.of("00:45", "01:00", "01:15", "01:30", "01:45"),
                fall.stream().map(t -> t.toString().substring(11, 16)).toList());
        assertEquals("+02:00", fall.get(0).atZone(BERLIN).getOffset().getId());
        assertEquals("+01:00", fall.get(1).atZone(BERLIN).getOffset().getId(), "02:00 CET, the second 02:00");
    }

    @Test
    void theNextFiveAreShownInTheSchedulesZoneWithEachDaysOffset() {
        List<ZonedDateTime> next = CronSchedule.parse("30 2 * * 0", "Europe/Berlin")
                .next(Instant.parse("2026-03-20T00:00:00Z"), 5);
        assertEquals(List.of("2026-03-22T02:30+01:00[Europe/Berlin]", "2026-03-29T03:30+02:00[Europe/Berlin]",
                "2026-04-05T02:30+02:00[Europe/Berlin]", "2026-04-12T02:30+02:00[Europe/Berlin]",
                "2026-04-19T02:30+02:00[Europe/Berlin]"), next.stream().map(ZonedDateTime::toString).toList());
    }

    @Test
    void aTimeMissedByLessThanTheGraceRunsOnceAndOlderOnesAreRecordedMissed() {
        CronSchedule hourly = CronSchedule.parse("0 * * * *", "UTC");
        // down from 09:50 to 12:10: 10:00 and 11:00 missed, 12:00 is 10 minutes late: within 15 minutes, it runs
        Firing f = Firing.decide(hourly, Instant.parse("2026-06-01T10:00:00Z"), Instant.parse("2026-06-01T12:10:00Z"),
                Duration.ofMinutes(15));
        assertEquals(Optional.of(Instant.parse("2026-06-01T12:00:00Z")), f.run());
        assertEquals(2, f.missed());
        assertEquals(Instant.parse("2026-06-01T10:00:00Z"), f.firstMissed());
        assertEquals(Instant.parse("2026-06-01T11:00:00Z"), f.lastMissed());
        assertEquals(Optional.of(Instant.parse("2026-06-01T13:00:00Z")), f.next());
        assertTrue(f.missedDetail(Duration.ofMinutes(15)).startsWith("2 firing times missed"));
        // 20 minutes late: nothing runs, all three are missed, the next is the next hour
        Firing late = Firing.decide(hourly, Instant.parse("2026-06-01T10:00:00Z"), Instant.parse("2026-06-01T12:20:00Z"),
                Duration.ofMinutes(15));
        assertEquals(Optional.empty(), late.run());
        assertEquals(3, late.missed());
        // a grace of 0 runs only a time not yet past
        Firing onTime = Firing.decide(hourly, Instant.parse("2026-06-01T12:00:00Z"), Instant.parse("2026-06-01T12:00:00Z"),
                Duration.ZERO);
        assertEquals(Optional.of(Instant.parse("2026-06-01T12:00:00Z")), onTime.run());
        assertEquals(0, onTime.missed());
    }

    @Test
    void aPerMinuteScheduleDownForAMonthMakesOneBoundedRecordAndRunsTheLatestTime() {
        CronSchedule everyMinute = CronSchedule.parse("* * * * *", "UTC");
        Firing f = Firing.decide(everyMinute, Instant.parse("2026-05-01T00:00:00Z"), Instant.parse("2026-06-01T00:00:30Z"),
                Duration.ofMinutes(15));
        assertEquals(Optional.of(Instant.parse("2026-06-01T00:00:00Z")), f.run());
        assertTrue(f.moreMissed());
        assertEquals(Firing.MAX_COUNTED, f.missed());
        assertEquals(Optional.of(Instant.parse("2026-06-01T00:01:00Z")), f.next());
    }

    @Test
    void sundayOpensARangeAsZeroAndClosesOneAsSeven() {
        Instant saturday = Instant.parse("2026-12-05T12:00:00Z");
        assertEquals(Optional.of(Instant.parse("2026-12-06T03:00:00Z")), CronSchedule.parse("0 3 * * MON-SUN", "UTC").nextAfter(saturday));
        assertEquals(Optional.of(Instant.parse("2026-12-06T03:00:00Z")), CronSchedule.parse("0 3 * * SUN-SAT", "UTC").nextAfter(saturday));
        assertEquals(Optional.of(Instant.parse("2026-12-06T03:00:00Z")), CronSchedule.parse("0 3 * * SUN", "UTC").nextAfter(saturday));
        assertEquals(Optional.of(Instant.parse("2026-12-07T03:00:00Z")), CronSchedule.parse("0 3 * * MON-FRI", "UTC").nextAfter(saturday));
    }

    @Test
    void aCronIsSaidInWordsWithItsZone() {
        assertEquals("at 22:00 every day between Monday and Friday (Europe/Berlin)",
                CronSchedule.parse("0 22 * * 1-5", "Europe/Berlin").describe());
        assertEquals("every 15 minutes (UTC)", CronSchedule.parse("*/15 * * * *", null).describe());
    }

    @Test
    void everyClassOfBadCronOrZoneIsRefusedNamingIt() {
        for (String bad : new String[] {"", " ", "* * * *", "* * * * * *", "61 * * * *", "* 24 * * *", "* * 32 * *",
                "* * * 13 *", "* * * * 8", "a b c d e", "0 0 30 2 *", "0 0 31 4 *", "*/0 * * * *", "1-70 * * * *",
                "0\t0 * * * \u0000", "0 0 * * * ".repeat(50), "@daily", "0 0 ? * *x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(bad, "UTC"),
                    "'" + bad + "'");
            assertTrue(e.getMessage().startsWith("cron"), e.getMessage());
        }
        for (String bad : new String[] {"Europe/Atlantis", "CEST", "../../etc/passwd", "Europe/Berlin\n", "x".repeat(65),
                "UTC+25"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse("0 2 * * *", bad),
                    "'" + bad + "'");
            assertTrue(e.getMessage().startsWith("zone"), e.getMessage());
        }
        assertEquals("UTC", CronSchedule.parse("0 2 * * *", null).zone().getId());
        assertEquals("UTC", CronSchedule.parse("0 2 * * *", " ").zone().getId());
        // what operators write is taken: names, lists, ranges, steps, Sunday as 0 or 7
        for (String good : new String[] {"0 2 * * MON-FRI", "0 2 * * 1-5", "0 2 1,15 * *", "*/5 8-18 * * *",
                "0 2 * * 7", "0 2 * JAN,JUL *", "0 0 29 2 *", "0 3 * * SUN-SAT", "0 3 * * MON-SUN", "0 3 * * sun"}) {
            assertTrue(CronSchedule.parse(good, "Europe/Berlin").nextAfter(Instant.parse("2026-01-01T00:00:00Z")).isPresent(), good);
        }
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
