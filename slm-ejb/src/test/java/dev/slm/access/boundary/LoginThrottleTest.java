package dev.slm.access.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    static final class FakeClock extends Clock {
        Instant now = Instant.parse("2026-11-30T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    final FakeClock clock = new FakeClock();
    final LoginThrottle throttle = new LoginThrottle(
            new LoginThrottle.Policy(5, 20, 50, Duration.ofMinutes(1), Duration.ofHours(1)), clock);

    void fail(String user, String address) {
        LoginThrottle.Attempt a = throttle.begin(user, address);
        assertFalse(a.refused(), user + " from " + address + " refused");
        a.failed();
    }

    @Test
    void fiveFailuresLockThePairForTheLockoutAndEachFurtherFailureDoublesIt() {
        for (int i = 0; i < 5; i++) {
            fail("admin", "203.0.113.1");
        }
        LoginThrottle.Attempt refused = throttle.begin("admin", "203.0.113.1");
        assertTrue(refused.refused());
        assertEquals(Duration.ofSeconds(60), refused.retryAfter());

        clock.advance(Duration.ofSeconds(61));
        fail("admin", "203.0.113.1");
        assertEquals(Duration.ofMinutes(2), throttle.begin("admin", "203.0.113.1").retryAfter());
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofHours(1).plusSeconds(1));
            fail("admin", "203.0.113.1");
        }
        assertEquals(Duration.ofHours(1), throttle.begin("admin", "203.0.113.1").retryAfter(), "capped");
    }

    @Test
    void aCorrectPasswordAfterTheWindowPassesAndResetsThePair() {
        for (int i = 0; i < 5; i++) {
            fail("admin", "203.0.113.1");
        }
        assertTrue(throttle.lockedFor("admin", "203.0.113.1").isPresent(), "remembered credentials are refused too");
        clock.advance(Duration.ofSeconds(61));
        assertTrue(throttle.lockedFor("admin", "203.0.113.1").isEmpty());
        throttle.begin("admin", "203.0.113.1").succeeded();
        for (int i = 0; i < 4; i++) {
            fail("admin", "203.0.113.1");
        }
        assertFalse(throttle.begin("admin", "203.0.113.1").refused(), "the count started again");
    }

    @Test
    void anotherAddressIsNotLockedOutByTheAttackersFailures() {
        for (int i = 0; i < 5; i++) {
            fail("admin", "203.0.113.1");
        }
        assertFalse(throttle.begin("admin", "198.51.100.7").refused());
    }

    @Test
    void manyAccountsFromOneAddressLockTheAddress() {
        for (int i = 0; i < 20; i++) {
            fail("user" + i, "203.0.113.1");
        }
        assertTrue(throttle.begin("someone-else", "203.0.113.1").refused());
        assertFalse(throttle.begin("someone-else", "203.0.113.2").refused());
    }

    @Test
    void aDistributedAttackOnAnAccountRefusesAddressesWithFailuresButNotCleanOnes() {
        for (int i = 0; i < 50; i++) {
            fail("admin", "10.0.0." + i);
        }
        assertTrue(throttle.begin("admin", "10.0.0.3").refused(), "one guess per address, not five");
        assertFalse(throttle.begin("admin", "192.0.2.1").refused(), "the real admin from elsewhere still gets in");
    }

    @Test
    void unknownAndImpossibleNamesAreThrottledLikeRealOnes() {
        for (int i = 0; i < 5; i++) {
            fail("nobody", "203.0.113.1");
        }
        assertTrue(throttle.begin("nobody", "203.0.113.1").refused());
        for (int i = 0; i < 5; i++) {
            fail("Robert'); DROP TABLE x;--" + i, "203.0.113.2");
        }
        assertTrue(throttle.begin("\n\nanything else invalid", "203.0.113.2").refused(), "one key for junk names");
        assertTrue(throttle.entries().stream().anyMatch(e -> LoginThrottle.INVALID_NAME.equals(e.account())));
    }

    @Test
    void parallelGuessesGetNoMoreThroughThanTheCountAllows() {
        List<LoginThrottle.Attempt> running = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            LoginThrottle.Attempt a = throttle.begin("admin", "203.0.113.1");
            if (!a.refused()) {
                running.add(a);
            }
        }
        assertEquals(5, running.size());
        running.forEach(LoginThrottle.Attempt::failed);
        assertTrue(throttle.begin("admin", "203.0.113.1").refused());
    }

    @Test
    void anAttemptThatEndsInAnErrorCountsAsNothing() {
        for (int i = 0; i < 10; i++) {
            throttle.begin("admin", "203.0.113.1").close();
        }
        assertEquals(0, throttle.size());
    }

    @Test
    void memoryStaysBoundedWhateverNamesAndAddressesRotate() {
        java.util.logging.Logger.getLogger(LoginThrottle.class.getName()).setLevel(java.util.logging.Level.WARNING);
        for (int i = 0; i < 50_000; i++) {
            fail("user" + i, "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
        }
        assertTrue(throttle.size() <= 3 * LoginThrottle.CAPACITY, "size " + throttle.size());
        clock.advance(Duration.ofHours(3));
        throttle.entries();
        assertEquals(0, throttle.size(), "all forgotten after a quiet period");
    }

    @Test
    void settingsThatMakeNoSenseAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new LoginThrottle.Policy(0, 20, 50, Duration.ofMinutes(1), Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new LoginThrottle.Policy(5, 20, 50, Duration.ofHours(2), Duration.ofHours(1)));
    }
}
