package dev.slm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class ThrottledLogTest {

    @Test
    void aFloodWritesOneLinePerWindowWithTheCountSinceTheLastLine() {
        Logger log = Logger.getLogger("throttled-log-test");
        log.setUseParentHandlers(false);
        List<String> lines = new ArrayList<>();
        log.addHandler(new Handler() {
            @Override public void publish(LogRecord r) { lines.add(r.getMessage()); }
            @Override public void flush() { }
            @Override public void close() { }
        });
        AtomicLong now = new AtomicLong(1_000_000_000_000L);
        ThrottledLog throttled = new ThrottledLog(log, Duration.ofSeconds(10), "refused", now::get);

        assertTrue(throttled.warning(() -> "first"));
        for (int i = 0; i < 299; i++) {
            now.addAndGet(10_000_000); // 300 in 3 s
            assertFalse(throttled.warning(() -> "never built"));
        }
        now.addAndGet(Duration.ofSeconds(8).toNanos());
        assertTrue(throttled.warning(() -> "after the window"));
        assertEquals(List.of("first", "after the window (300 refused in the last 10 s)"), lines);
    }
}
