package dev.slm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void thePauseDoublesFromOneSecondAfterEachFailureUpToOneMinute() {
        Backoff b = new Backoff();
        List<Long> seconds = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            seconds.add(b.failed().toSeconds());
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L), seconds);
        assertEquals(9, b.failures());
    }

    @Test
    void aLongRunOfFailuresStaysAtTheCapInsteadOfOverflowing() {
        Backoff b = new Backoff();
        for (int i = 0; i < 10_000; i++) {
            b.failed();
        }
        assertEquals(Backoff.MAX, b.current());
    }

    @Test
    void aSuccessStartsAgainFromTheFirstPause() {
        Backoff b = new Backoff();
        b.failed();
        b.failed();
        b.failed();
        b.succeeded();
        assertEquals(Duration.ZERO, b.current());
        assertEquals(Backoff.FIRST, b.failed());
    }
}
