package dev.slm.rollout.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slm.rollout.boundary.SyncPlans.Part;
import dev.slm.rollout.boundary.SyncPlans.Plan;
import dev.slm.source.entity.CodeStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the sync dialog previews, node by node, and what it then sends. */
class SyncPlansTest {

    private static final Instant SINCE = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant ONLINE = SINCE.plusSeconds(5);
    private static final Instant OFFLINE = SINCE.minusSeconds(5);

    private static Part part(CodeStatus status, Instant lastSeen, boolean busy) {
        return SyncPlans.part(new Object[] {"n", status, lastSeen}, busy, SINCE);
    }

    @Test
    void eachNodeHasOnePartWhatChangesNothingComesFirst() {
        assertEquals(Part.MISSING, SyncPlans.part(null, false, SINCE));
        assertEquals(Part.UP_TO_DATE, part(CodeStatus.UP_TO_DATE, OFFLINE, true), "nothing to change, busy or not");
        assertEquals(Part.BUSY, part(CodeStatus.OUTDATED, ONLINE, true));
        assertEquals(Part.OFFLINE, part(CodeStatus.OUTDATED, OFFLINE, false));
        assertEquals(Part.OFFLINE, part(CodeStatus.UNKNOWN, null, false), "never seen");
        assertEquals(Part.OUTDATED, part(CodeStatus.OUTDATED, ONLINE, false));
        assertEquals(Part.DIVERGED, part(CodeStatus.DIVERGED, SINCE, false), "seen at the instant: online");
        assertEquals(Part.UNKNOWN, part(CodeStatus.UNKNOWN, ONLINE, false));
        assertEquals(Part.UNKNOWN, part(null, ONLINE, false), "no status yet");
    }

    @Test
    void thePlanSendsTheMovingPartsAndTheOfflineOnlyWhenAsked() {
        Plan plan = new Plan("c", "s", "a", Map.of(Part.OUTDATED, List.of("o1", "o2"), Part.DIVERGED, List.of("d"),
                Part.UNKNOWN, List.of("u"), Part.OFFLINE, List.of("off"), Part.BUSY, List.of("b"),
                Part.UP_TO_DATE, List.of("up"), Part.MISSING, List.of("gone")));
        assertEquals(List.of("o1", "o2", "d", "u"), plan.toSend(false));
        assertEquals(List.of("o1", "o2", "d", "u", "off"), plan.toSend(true));
        assertEquals(List.of(), new Plan(null, null, null, Map.of()).toSend(true));
    }
}
