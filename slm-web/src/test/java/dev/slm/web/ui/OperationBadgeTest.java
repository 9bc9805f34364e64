package dev.slm.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.vaadin.flow.component.icon.VaadinIcon;
import dev.slm.rollout.entity.SyncStatus;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperationBadgeTest {

    private static final Set<SyncStatus> BAD = EnumSet.of(SyncStatus.FAILED, SyncStatus.ROLLED_BACK, SyncStatus.TIMED_OUT);

    @Test
    void onlyASuccessIsGreenAndNoFailureSharesItsIcon() {
        for (SyncStatus s : SyncStatus.values()) {
            assertEquals(s == SyncStatus.SUCCEEDED, OperationBadge.theme(s).contains("success"), s.name());
        }
        for (SyncStatus s : BAD) {
            assertEquals("badge error", OperationBadge.theme(s), s.name());
            assertNotEquals(OperationBadge.icon(SyncStatus.SUCCEEDED), OperationBadge.icon(s), s.name());
        }
    }

    @Test
    void everyStatusHasItsOwnIconAndText() {
        Set<VaadinIcon> icons = new HashSet<>();
        Set<String> texts = new HashSet<>();
        for (SyncStatus s : SyncStatus.values()) {
            assertTrue(icons.add(OperationBadge.icon(s)), "icon of " + s + " is taken");
            assertTrue(texts.add(OperationBadge.text(s, false)), "text of " + s + " is taken");
        }
        assertEquals("Succeeded (late)", OperationBadge.text(SyncStatus.SUCCEEDED, true));
    }

    @Test
    void waitingAndRunningOperationsAreNeutral() {
        for (SyncStatus s : EnumSet.of(SyncStatus.PENDING, SyncStatus.SENT, SyncStatus.DOWNLOADING, SyncStatus.APPLYING,
                SyncStatus.RESTARTING, SyncStatus.HEALTH_CHECK, SyncStatus.CANCELLED)) {
            assertFalse(OperationBadge.theme(s).contains("success") || OperationBadge.theme(s).contains("error"), s.name());
        }
    }
}
