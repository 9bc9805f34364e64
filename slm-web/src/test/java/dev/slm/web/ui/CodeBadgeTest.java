package dev.slm.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slm.source.entity.CodeStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodeBadgeTest {

    static final String LATEST = "b".repeat(40);
    static final String OLDER = "a".repeat(40);

    @Test
    void anUpToDateNodeOnAnotherCommitIsSaidToHaveTheSameContent() {
        assertEquals("Runs bbbbbbb, the latest commit", CodeBadge.tooltip(row(LATEST), LATEST, List.of()));
        assertEquals("Runs aaaaaaa: same content as the latest commit bbbbbbb (the commits between change nothing the"
                + " node gets)", CodeBadge.tooltip(row(OLDER), LATEST, List.of()));
    }

    private static NodeRow row(String version) {
        return new NodeRow("n1", "h1", List.of(), CodeStatus.UP_TO_DATE, 0, version, null, null, null, List.of(), "admin",
                null);
    }
}
