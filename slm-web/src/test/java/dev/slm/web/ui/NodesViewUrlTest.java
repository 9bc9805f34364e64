package dev.slm.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slm.source.entity.CodeStatus;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Nodes page's filters in its URL: the names GET /api/nodes takes, in one order, and read back the same. */
class NodesViewUrlTest {

    @Test
    void theFiltersBecomeTheApisQueryInOneOrder() {
        String commit = "b".repeat(40);
        assertEquals("status=OUTDATED,DIVERGED&online=false&role=web&text=eu%20west&commit=" + commit,
                NodesView.query(" eu west ", "web", Set.of(CodeStatus.DIVERGED, CodeStatus.OUTDATED), "Offline", commit));
        assertEquals("", NodesView.query("", null, Set.of(), null, null));
        assertEquals("online=true", NodesView.query(null, " ", Set.of(), "Online", null));
        assertEquals("text=a%26b%3Dc%2Bd%25", NodesView.query("a&b=c+d%", null, Set.of(), null, null), "text is a value, never a part");
    }

    @Test
    void statusesAreReadInAnyCaseAndUnknownNamesAreLeftOut() {
        assertEquals(EnumSet.of(CodeStatus.OUTDATED, CodeStatus.UNKNOWN), NodesView.statuses("unknown, OUTDATED,,BOGUS"));
        assertEquals(Set.of(), NodesView.statuses(""));
    }
}
