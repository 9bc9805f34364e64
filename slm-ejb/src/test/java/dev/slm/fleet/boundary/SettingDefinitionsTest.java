package dev.slm.fleet.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.fleet.entity.Setting;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingDefinitionsTest {

    @Test
    void everyChangeableSettingHasAUnitARangeAndASentenceOfHelp() {
        assertEquals(List.of(Setting.HEARTBEAT_INTERVAL_S, Setting.OFFLINE_AFTER_MISSED, Setting.SYNC_TIMEOUT_S,
                        Setting.SCHEDULE_MISSED_GRACE_S),
                Settings.DEFINITIONS.stream().map(Settings.Definition::name).toList());
        for (Settings.Definition d : Settings.DEFINITIONS) {
            assertFalse(d.unit().isBlank(), d.name());
            assertTrue(d.min() <= d.max(), d.name());
            assertTrue(d.help().endsWith(".") && d.help().length() > 20, d.name() + ": " + d.help());
        }
    }

    @Test
    void aValueIsAWholeNumberWithinTheRangeOfItsSetting() {
        Settings.Definition heartbeat = Settings.definition(Setting.HEARTBEAT_INTERVAL_S).orElseThrow();
        for (String ok : new String[] {"1", "30", " 3600 ", "0030"}) {
            assertEquals(Optional.empty(), heartbeat.problem(ok), ok);
        }
        assertEquals(Optional.of("heartbeat_interval_s must be between 1 and 3600 seconds"), heartbeat.problem("0"));
        assertEquals(Optional.of("heartbeat_interval_s must be between 1 and 3600 seconds"), heartbeat.problem("3601"));
        assertEquals(Optional.of("heartbeat_interval_s must be between 1 and 3600 seconds"), heartbeat.problem("-5"));
        for (String bad : new String[] {null, "", "ten", "1.5", "1e3", "+5", "99999999999", "\u0661\u0662"}) {
            assertEquals(Optional.of("heartbeat_interval_s must be a whole number of seconds, from 1 to 3600"),
                    heartbeat.problem(bad), bad);
        }
    }

    @Test
    void onlyTheDefinedSettingsCanBeChanged() {
        assertEquals(Optional.empty(), Settings.definition("no_such_setting"));
        assertEquals(Optional.empty(), Settings.definition(null));
    }
}
