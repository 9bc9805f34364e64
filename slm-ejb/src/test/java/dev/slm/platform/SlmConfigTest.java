package dev.slm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SlmConfigTest {

    /** Every value an operator might mistype: 500ms made a session that never expires (0 s), the largest overflow. */
    static final List<String> BAD = List.of("0", "0s", "500ms", "-1s", "abc", "", "P", "PT", "P-1D", "25h", "100000h",
            "9999999999999999h", "99999999999999999999999");

    /**
     * Before: "abc" said "not a duration: 'abc'" without the setting's name (and only at the first page load or the
     * first session, not at start-up), "P" and "9999999999999999h" threw what no one catches, and "100000h" was taken:
     * a session timeout of 360,000,000 s and a page kept for eleven years.
     */
    @Test
    void aBadPageOrSessionDurationIsRefusedNamingTheSetting() {
        check("SLM_UI_GONE_AFTER", (c, v) -> c.uiGoneAfter = v, SlmConfig::uiGoneAfter);
        check("SLM_ANONYMOUS_SESSION_TIMEOUT", (c, v) -> c.anonymousSessionTimeout = v, SlmConfig::anonymousSessionTimeout);
    }

    @Test
    void everyDurationSettingIsReadAtStartUp() {
        SlmConfig ok = defaults();
        ok.checkAtStart(null);
        assertEquals(Duration.ofSeconds(60), ok.uiGoneAfter());
        assertEquals(Duration.ofHours(24), withUiGoneAfter("24h").uiGoneAfter());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withUiGoneAfter("abc").checkAtStart(null));
        assertTrue(e.getMessage().startsWith("SLM_UI_GONE_AFTER must be a duration"), e.getMessage());
        SlmConfig badFetch = defaults();
        badFetch.fetchInterval = "often";
        e = assertThrows(IllegalArgumentException.class, () -> badFetch.checkAtStart(null));
        assertTrue(e.getMessage().startsWith("SLM_FETCH_INTERVAL must be a duration"), e.getMessage());
    }

    private static void check(String name, java.util.function.BiConsumer<SlmConfig, String> set,
                              Function<SlmConfig, Duration> read) {
        for (String bad : BAD) {
            SlmConfig config = defaults();
            set.accept(config, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read.apply(config),
                    name + "=" + bad);
            assertTrue(e.getMessage().startsWith(name + " must be a duration from 1 s to 24 h")
                    && e.getMessage().endsWith("not '" + bad + "'"), e.getMessage());
        }
    }

    private static SlmConfig withUiGoneAfter(String value) {
        SlmConfig c = defaults();
        c.uiGoneAfter = value;
        return c;
    }

    private static SlmConfig defaults() {
        SlmConfig c = new SlmConfig();
        c.fetchInterval = "5m";
        c.loginLockout = "1m";
        c.loginLockoutMax = "1h";
        c.uiGoneAfter = "60s";
        c.anonymousSessionTimeout = "2m";
        return c;
    }
}
