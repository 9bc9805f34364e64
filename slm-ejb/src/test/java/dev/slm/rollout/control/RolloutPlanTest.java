package dev.slm.rollout.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutPlanTest {

    static final List<String> SIX = List.of("a", "b", "c", "d", "e", "f");

    @Test
    void nodesGoInBatchesInTheOrderGivenTheLastOneSmaller() {
        assertEquals(List.of(List.of("a", "b", "c", "d"), List.of("e", "f")), RolloutPlan.batches(SIX, 4, null));
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d"), List.of("e", "f")), RolloutPlan.batches(SIX, 2, null));
        assertEquals(List.of(SIX), RolloutPlan.batches(SIX, 10, null));
    }

    @Test
    void theCanaryIsAFirstBatchOfItsOwn() {
        assertEquals(List.of(List.of("a"), List.of("b", "c", "d"), List.of("e", "f")), RolloutPlan.batches(SIX, 3, 1));
    }

    @Test
    void aBatchSizeBelowOneIsAMistake() {
        assertThrows(IllegalArgumentException.class, () -> RolloutPlan.batches(SIX, 0, null));
    }
}
