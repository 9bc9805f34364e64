package dev.slm.platform;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A warning that anyone may cause (no login needed: a refused enrollment, a forged webhook), written at most once per
 * window with the count since the last line: one line each would let a client fill the disk (200 refused enrollments
 * made 72 KB of log).
 */
public final class ThrottledLog {

    private final Logger log;
    private final long everyNanos;
    private final String counted;
    private final AtomicLong lastLine;
    private final AtomicLong sinceLine = new AtomicLong();
    private final java.util.function.LongSupplier nanoTime;

    /** @param counted what the count is of, for "(12 enrollments refused in the last 10 s)" */
    public ThrottledLog(Logger log, java.time.Duration every, String counted) {
        this(log, every, counted, System::nanoTime);
    }

    ThrottledLog(Logger log, java.time.Duration every, String counted, java.util.function.LongSupplier nanoTime) {
        this.log = log;
        this.everyNanos = every.toNanos();
        this.counted = counted;
        this.nanoTime = nanoTime;
        this.lastLine = new AtomicLong(nanoTime.getAsLong() - everyNanos);
    }

    /** Counts one; writes the warning when the window since the last line has passed. @return whether it wrote */
    public boolean warning(Supplier<String> message) {
        sinceLine.incrementAndGet();
        long last = lastLine.get();
        long now = nanoTime.getAsLong();
        if (now - last < everyNanos || !lastLine.compareAndSet(last, now)) {
            return false;
        }
        long count = sinceLine.getAndSet(0);
        log.warning(message.get() + (count > 1 ? " (" + count + " " + counted + " in the last "
                + everyNanos / 1_000_000_000L + " s)" : ""));
        return true;
    }
}
