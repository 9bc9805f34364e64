package dev.slm.source.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

class TrackedContentKeysTest {

    @Test
    void theRememberedContentsStayUnderTheirLimitAndStartAgainEmptyPastIt() {
        TrackedContent.Keys keys = new TrackedContent.Keys();
        for (int i = 0; i < TrackedContent.Keys.LIMIT; i++) {
            keys.put(id(i), "tree " + i);
        }
        assertEquals(TrackedContent.Keys.LIMIT, keys.size());
        assertEquals("tree 7", keys.get(id(7)));
        keys.put(id(TrackedContent.Keys.LIMIT), "one more");
        assertEquals(1, keys.size());
        assertNull(keys.get(id(7)));
        assertEquals("one more", keys.get(id(TrackedContent.Keys.LIMIT)));
    }

    /** Spread as commit ids are: an ObjectId's hash code is four of its bytes, the same for 0..n written as hex. */
    private static ObjectId id(int i) {
        return ObjectId.fromString(String.format("%08x%08x%024x", i, i * 0x9E3779B1, i));
    }
}
