package dev.slm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsOperatorFriendlyAndIsoDurations() {
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofSeconds(300), Durations.parse("300"));
        assertEquals(Duration.ofSeconds(45), Durations.parse("45s"));
        assertEquals(Duration.ofHours(2), Durations.parse("2h"));
        assertEquals(Duration.ofMinutes(5), Durations.parse("PT5M"));
    }

    @Test
    void refusesGarbageAndNonPositiveDurations() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("0s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-5m"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
    }
}
