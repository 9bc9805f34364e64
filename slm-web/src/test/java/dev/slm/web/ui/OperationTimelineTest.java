package dev.slm.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.slm.rollout.boundary.SyncOperations.Stage;
import dev.slm.rollout.entity.SyncStatus;
import dev.slm.web.ui.OperationTimeline.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperationTimelineTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void aSuccessShowsEachStageOnceWithHowLongItLastedAndTheEndTheServerDecided() {
        List<Stage> stages = List.of(new Stage(at(5), "DOWNLOADING", 10, "10 %"), new Stage(at(8), "DOWNLOADING", 100, "done"),
                new Stage(at(9), "APPLYING", null, null), new Stage(at(12), "HEALTH_CHECK", 90, "checking"));
        List<Step> steps = OperationTimeline.steps(T0, stages, SyncStatus.SUCCEEDED, false, at(14), null, "the node reports");
        assertEquals(List.of(new Step(null, T0, Duration.ofSeconds(5), null, null),
                new Step(SyncStatus.DOWNLOADING, at(5), Duration.ofSeconds(4), 100, "done"),
                new Step(SyncStatus.APPLYING, at(9), Duration.ofSeconds(3), null, null),
                new Step(SyncStatus.HEALTH_CHECK, at(12), Duration.ofSeconds(2), 90, "checking"),
                new Step(SyncStatus.SUCCEEDED, at(14), null, null, "the node reports")), steps);
    }

    @Test
    void aRollbackTheAgentReportedEndsTheTimelineOnce() {
        List<Stage> stages = List.of(new Stage(at(2), "HEALTH_CHECK", null, null),
                new Stage(at(30), "ROLLED_BACK", null, "health check failed: HTTP 500"));
        List<Step> steps = OperationTimeline.steps(T0, stages, SyncStatus.ROLLED_BACK, false, at(30), null,
                "health check failed: HTTP 500");
        assertEquals(3, steps.size());
        assertEquals(SyncStatus.ROLLED_BACK, steps.get(2).status());
        assertEquals(Duration.ofSeconds(28), steps.get(1).took());
    }

    @Test
    void aLateSuccessShowsTheTimeOutAndThenTheSuccess() {
        List<Step> steps = OperationTimeline.steps(T0, List.of(), SyncStatus.SUCCEEDED, true, at(2000), at(900), "late");
        assertEquals(java.util.Arrays.asList(null, SyncStatus.TIMED_OUT, SyncStatus.SUCCEEDED), statuses(steps));
        assertEquals(Duration.ofSeconds(900), steps.get(0).took());
        assertEquals(Duration.ofSeconds(1100), steps.get(1).took());
    }

    @Test
    void aCancelledOperationWasRequestedAndCancelled() {
        List<Step> steps = OperationTimeline.steps(T0, List.of(), SyncStatus.CANCELLED, false, at(60), null, "cancelled by olga");
        assertEquals(java.util.Arrays.asList(null, SyncStatus.CANCELLED), statuses(steps));
        assertEquals("cancelled by olga", steps.get(1).message());
    }

    @Test
    void theStageAnOperationIsAtHasNoDurationYet() {
        List<Step> steps = OperationTimeline.steps(T0, List.of(new Stage(at(3), "DOWNLOADING", 40, null)),
                SyncStatus.DOWNLOADING, false, null, null, null);
        assertEquals(2, steps.size());
        assertNull(steps.get(1).took());
        assertNull(OperationTimeline.steps(T0, List.of(), SyncStatus.PENDING, false, null, null, null).get(0).took());
    }

    @Test
    void durationsReadAsAnOperatorWouldSayThem() {
        assertEquals("850 ms", OperationTimeline.duration(Duration.ofMillis(850)));
        assertEquals("42 s", OperationTimeline.duration(Duration.ofSeconds(42)));
        assertEquals("3 min 4 s", OperationTimeline.duration(Duration.ofSeconds(184)));
        assertEquals("15 min", OperationTimeline.duration(Duration.ofMinutes(15)));
        assertEquals("2 h 5 min", OperationTimeline.duration(Duration.ofMinutes(125)));
        assertEquals("0 ms", OperationTimeline.duration(Duration.ofSeconds(-3)), "clocks that disagree: never negative");
    }

    @Test
    void aCellShowsTheMessagesFirstLineAndSaysThereIsMore() {
        assertEquals("", OperationsGrid.firstLine(null));
        assertEquals("health check failed", OperationsGrid.firstLine("health check failed"));
        assertEquals("health check failed …", OperationsGrid.firstLine("health check failed\nHTTP 500\n<html>"));
        String longLine = "x".repeat(500);
        assertEquals(OperationsGrid.MESSAGE_IN_CELL, OperationsGrid.firstLine(longLine).length());
    }

    private static List<SyncStatus> statuses(List<Step> steps) {
        List<SyncStatus> statuses = new ArrayList<>();
        steps.forEach(s -> statuses.add(s.status()));
        return statuses;
    }
}
