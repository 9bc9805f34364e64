package dev.slm.it.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Polls until a value satisfies a condition; fails with the last value seen. */
public final class Await {

    private Await() {
    }

    public static <T> T until(Duration timeout, Callable<T> probe, Predicate<T> condition) throws Exception {
        return until(timeout, Duration.ofMillis(200), probe, condition);
    }

    /** @param every the pause between probes: longer for a probe that costs (a heap histogram is a full GC) */
    public static <T> T until(Duration timeout, Duration every, Callable<T> probe, Predicate<T> condition)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.call();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout.toSeconds() + " s; last value: " + last);
            }
            Thread.sleep(every.toMillis());
            last = probe.call();
        }
        return last;
    }
}
