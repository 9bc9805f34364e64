package dev.slm.rollout.entity;

import java.util.EnumSet;
import java.util.Set;

/**
 * A rolling rollout's state. RUNNING ⇄ PAUSED; then one end: SUCCEEDED (every node reached the target or was
 * skipped offline), COMPLETED_WITH_FAILURES (failures below the limit: the rest went on), FAILED (the failure limit
 * was reached: it stopped), ABORTED (an operator stopped it), TIMED_OUT (its deadline passed). An ended rollout
 * starts no node; nodes it had started finish, and their outcome is still recorded.
 */
public enum RolloutStatus {
    RUNNING, PAUSED, SUCCEEDED, COMPLETED_WITH_FAILURES, FAILED, ABORTED, TIMED_OUT;

    public static final Set<RolloutStatus> ENDED = EnumSet.of(SUCCEEDED, COMPLETED_WITH_FAILURES, FAILED, ABORTED, TIMED_OUT);

    public boolean ended() {
        return ENDED.contains(this);
    }
}
