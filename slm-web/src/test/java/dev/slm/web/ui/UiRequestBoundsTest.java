package dev.slm.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SlmServlet's check of a UI's number, and what UiErrorLog writes of an error. */
class UiRequestBoundsTest {

    @Test
    void aRequestNamingAUiByAnythingButANumberIsToldApart() {
        for (String ok : new String[] {null, "", "v-r=uidl&v-uiId=0", "v-r=heartbeat&v-uiId=12", "location=login&query=",
                "v-r=init&location=nodes%3Fstatus%3DOUTDATED", "v-uiId=123456789", "text=v-uiId%3Dabc"}) {
            assertTrue(SlmServlet.uiIdsAreNumbers(ok), ok);
        }
        List<String> passed = new ArrayList<>();
        for (String bad : new String[] {"v-r=heartbeat&v-uiId=abc", "v-uiId=", "v-uiId", "v-uiId=1&v-uiId=x",
                "v%2DuiId=abc", "v-uiId=-1", "v-uiId=1234567890", "v-uiId=" + "9".repeat(6000), "v-uiId=%zz",
                "v-uiId=1%00", "v-uiId=%EF%BC%91"}) {
            if (SlmServlet.uiIdsAreNumbers(bad)) {
                passed.add(bad.length() > 40 ? bad.substring(0, 40) + "…" : bad);
            }
        }
        assertEquals(List.of(), passed);
    }

    @Test
    void anErrorIsWrittenWithItsMessageCutAndItsStackShortened() {
        IllegalStateException cause = new IllegalStateException("Invalid literal: " + "z".repeat(1_000_000));
        RuntimeException error = new RuntimeException("Unexpected error: " + cause.getMessage(), cause);
        String written = UiErrorLog.describe(error);

        assertTrue(written.length() < 10_000, "a 1 MB message made " + written.length() + " characters");
        assertTrue(written.startsWith("java.lang.RuntimeException: Unexpected error: Invalid literal: zzz"), written);
        assertTrue(written.contains("… (1000035 characters)"), written);
        assertTrue(written.contains("\nCaused by: java.lang.IllegalStateException: Invalid literal: zzz"), written);
        assertTrue(written.contains("\n\tat dev.slm.web.ui.UiRequestBoundsTest.anErrorIsWrittenWithItsMessageCut"), written);
        assertFalse(written.contains("z".repeat(UiErrorLog.MESSAGE_CHARS)), "a message whole");
    }
}
