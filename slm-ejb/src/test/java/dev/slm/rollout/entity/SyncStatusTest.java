package dev.slm.rollout.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyncStatusTest {

    /** The order in which an agent goes through its stages. */
    private static final List<SyncStatus> STAGES = List.of(SyncStatus.SENT, SyncStatus.DOWNLOADING, SyncStatus.APPLYING,
            SyncStatus.RESTARTING, SyncStatus.HEALTH_CHECK, SyncStatus.ROLLING_BACK);

    @Test
    void noStageMovesBackToAnEarlierOne() {
        for (int i = 0; i < STAGES.size(); i++) {
            for (int j = 0; j < i; j++) {
                assertFalse(STAGES.get(i).canMoveTo(STAGES.get(j)), STAGES.get(i) + " -> " + STAGES.get(j));
            }
        }
        assertFalse(SyncStatus.SENT.canMoveTo(SyncStatus.PENDING));
    }

    @Test
    void finalStatesAreLeftOnlyByALateSuccess() {
        for (SyncStatus s : SyncStatus.FINAL) {
            Set<SyncStatus> expected = s == SyncStatus.TIMED_OUT ? Set.of(SyncStatus.SUCCEEDED) : Set.of();
            assertEquals(expected, SyncStatus.NEXT.get(s), s.name());
        }
    }

    @Test
    void everyStateIsReachedFromTheStartAndEveryActiveOneCanEnd() {
        Set<SyncStatus> reached = EnumSet.copyOf(SyncStatus.STARTS);
        ArrayDeque<SyncStatus> todo = new ArrayDeque<>(SyncStatus.STARTS);
        while (!todo.isEmpty()) {
            for (SyncStatus next : SyncStatus.NEXT.get(todo.poll())) {
                if (reached.add(next)) {
                    todo.add(next);
                }
            }
        }
        assertEquals(EnumSet.allOf(SyncStatus.class), reached);
        for (SyncStatus s : SyncStatus.values()) {
            if (!s.isFinal()) {
                assertTrue(s.canMoveTo(SyncStatus.TIMED_OUT), s + " must time out, never stay in progress");
                assertTrue(s.canMoveTo(SyncStatus.FAILED), s + " can fail");
            }
        }
    }

    @Test
    void anyStageMayBeTheFirstReportAndOnlyAnUntouchedCommandIsMarkedSent() {
        for (SyncStatus stage : SyncStatus.REPORTABLE) {
            assertTrue(SyncStatus.PENDING.canMoveTo(stage), "a report proves the delivery: " + stage);
            assertTrue(SyncStatus.SENT.canMoveTo(stage), stage.name());
        }
        assertEquals(EnumSet.of(SyncStatus.PENDING), SyncStatus.from(SyncStatus.SENT));
        assertFalse(SyncStatus.ROLLING_BACK.canMoveTo(SyncStatus.SUCCEEDED), "a node rolling back returns to its old commit");
    }

    @Test
    void onlyAnUnclaimedCommandCanBeCancelledAndACancelledOneNeverMovesAgain() {
        assertEquals(EnumSet.of(SyncStatus.PENDING), SyncStatus.from(SyncStatus.CANCELLED));
        assertTrue(SyncStatus.CANCELLED.isFinal(), "a cancelled operation no longer blocks its node");
        assertEquals(Set.of(), SyncStatus.NEXT.get(SyncStatus.CANCELLED), "no report, success or time-out revives it");
        assertEquals("('PENDING')", SyncStatus.sqlFrom(SyncStatus.CANCELLED, true));
        assertEquals(SyncEvent.Kind.CANCELLED, SyncEvent.of(SyncStatus.CANCELLED, 1, "n", null, "x").kind());
        assertEquals("sync.cancelled", SyncEvent.of(SyncStatus.CANCELLED, 1, "n", null, "x").type());
    }

    @Test
    void guardsSplitActiveFromFinalStates() {
        assertEquals("('TIMED_OUT')", SyncStatus.sqlFrom(SyncStatus.SUCCEEDED, false));
        assertEquals("('PENDING', 'SENT', 'DOWNLOADING', 'APPLYING', 'RESTARTING', 'HEALTH_CHECK')",
                SyncStatus.sqlFrom(SyncStatus.SUCCEEDED, true));
        assertEquals("('PENDING', 'SENT', 'DOWNLOADING', 'APPLYING', 'RESTARTING', 'HEALTH_CHECK', 'ROLLING_BACK')",
                SyncStatus.sqlFrom(SyncStatus.ROLLING_BACK, true));
    }
}
