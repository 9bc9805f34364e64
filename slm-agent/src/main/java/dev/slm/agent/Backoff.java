package dev.slm.agent;

import java.time.Duration;

/**
 * The pause before the next try of something that failed: {@link #FIRST} after the first failure, doubled after each
 * further one, never more than {@link #MAX}. A success starts it again. One minute at most, so that a node whose
 * server was away is heard again within a minute of its return, and a fleet of 1,000 nodes waiting for a server costs
 * it at most about 17 failed calls a second.
 */
public final class Backoff {

    public static final Duration FIRST = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofSeconds(60);

    private int failures;

    /** Notes a failure; returns how long to wait before the next try. */
    public Duration failed() {
        failures++;
        return current();
    }

    /** The pause after the failures noted so far (zero without any). */
    public Duration current() {
        if (failures == 0) {
            return Duration.ZERO;
        }
        // capped shift: 2^16 s is far beyond MAX, and a long run of failures cannot overflow
        long seconds = FIRST.toSeconds() << Math.min(failures - 1, 16);
        return Duration.ofSeconds(Math.min(seconds, MAX.toSeconds()));
    }

    /** The failures in a row so far. */
    public int failures() {
        return failures;
    }

    /** A success: the next failure waits {@link #FIRST} again. */
    public void succeeded() {
        failures = 0;
    }
}
