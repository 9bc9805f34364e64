package dev.slm.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.platform.InvalidInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The heartbeat filter's own path parsing (it runs before JAX-RS) and the strict percent-decoding of the id. */
class HeartbeatPathTest {

    @Test
    void theFilterTakesExactlyTheHeartbeatPathOfOneNode() {
        assertEquals(Optional.of("web-1"), HeartbeatFilter.heartbeatNode("/api/nodes/web-1/heartbeat"));
        assertEquals(Optional.of("a%2Fb"), HeartbeatFilter.heartbeatNode("/api/nodes/a%2Fb/heartbeat"), "decoded later");
        assertEquals(Optional.of("heartbeat"), HeartbeatFilter.heartbeatNode("/api/nodes/heartbeat/heartbeat"));
        List<String> taken = new ArrayList<>();
        for (String other : List.of("/api/nodes/heartbeat", "/api/nodes//heartbeat", "/api/nodes/web-1/heartbeat/",
                "/api/nodes/web-1/heartbeats", "/api/nodes/a/b/heartbeat", "/api/nodes/web-1", "/api/nodes/",
                "/api/nodes", "/API/nodes/web-1/heartbeat", "/api/nodes/web-1/HEARTBEAT", "/x/api/nodes/web-1/heartbeat",
                "/api/nodes/web-1/commands", "/api/nodes/web-1/heartbeat?x=/", "")) {
            HeartbeatFilter.heartbeatNode(other).ifPresent(id -> taken.add(other + " -> " + id));
        }
        assertEquals(List.of(), taken, "left to JAX-RS (its routes, its 404/405)");
    }

    @Test
    void escapesAreDecodedAsRfc3986HasIt() {
        assertEquals("web-1", PathEscapes.decode("web-1"));
        assertEquals("A", PathEscapes.decode("%41"));
        assertEquals("a/b", PathEscapes.decode("a%2Fb"), "an encoded slash is part of the id");
        assertEquals("a/b", PathEscapes.decode("a%2fb"), "either case of hex digit");
        assertEquals("a+b", PathEscapes.decode("a+b"), "a plus is a plus, not a space");
        assertEquals("a b", PathEscapes.decode("a%20b"));
        assertEquals("%41", PathEscapes.decode("%2541"), "decoded once");
        assertEquals("caf\u00e9 \ud83d\ude00", PathEscapes.decode("caf%C3%A9%20%F0%9F%98%80"));
    }

    @Test
    void aCharacterSentUnescapedOutsidePrintableAsciiIsA400() {
        for (String raw : List.of("caf\u00e9", "caf\u00c3\u00a9", "\u00ff", "a b", "a\u007f", "a\tb", "%41\u00e9")) {
            InvalidInput e = assertThrows(InvalidInput.class, () -> PathEscapes.decode(raw), raw);
            assertEquals("the path holds a character that is not percent-escaped (send it as UTF-8 %XX)", e.getMessage(), raw);
        }
    }

    @Test
    void aMalformedEscapeIsA400AndNeverDecodedIntoSomethingElse() {
        for (String raw : List.of("%", "a%", "%4", "a%4", "%zz", "%4g", "%g4", "%%41", "% 41", "%-1", "%+1", "%\u0664\u0661")) {
            InvalidInput e = assertThrows(InvalidInput.class, () -> PathEscapes.decode(raw), raw);
            assertEquals("the path holds a malformed percent-escape: % must be followed by two hex digits", e.getMessage(), raw);
        }
    }

    @Test
    void escapesThatAreNotUtf8AreA400() {
        for (String raw : List.of("%C3%28", "%C0%AF", "%E0%80", "%ED%A0%80", "%F4%90%80%80", "%FF", "%C3", "caf%E9")) {
            InvalidInput e = assertThrows(InvalidInput.class, () -> PathEscapes.decode(raw), raw);
            assertEquals("the path's percent-escapes are not UTF-8", e.getMessage(), raw);
        }
    }

    @Test
    void anEscapedNulIsA400NotAnIdTheDatabaseCannotStore() {
        for (String raw : List.of("%00", "web-1%00", "%00web-1")) {
            InvalidInput e = assertThrows(InvalidInput.class, () -> PathEscapes.decode(raw), raw);
            assertEquals("the path holds an escaped NUL character (%00)", e.getMessage(), raw);
        }
    }

    @Test
    void aQueryStringsEscapesAreDecodedAsStrictlyAsAPathsOrRefused() {
        for (String ok : new String[] {null, "", "text=web", "text=a%20b&role=db", "text=%C3%A9", "text=a+b", "a=&b", "text=%2F"}) {
            QueryEscapes.check(ok);
        }
        java.util.List<String> passed = new java.util.ArrayList<>();
        for (String bad : new String[] {"text=%zz", "text=%", "text=a%2", "role=%zz&text=x", "%zz=1", "text=%C3%28",
                "text=%00", "text=%E0%80"}) {
            try {
                QueryEscapes.check(bad);
                passed.add(bad);
            } catch (dev.slm.platform.InvalidInput expected) {
                String named = bad.substring(0, bad.indexOf('='));
                assertTrue(expected.getMessage().matches(named.startsWith("%") ? "the query string .*"
                        : java.util.regex.Pattern.quote(named) + "('s)? .*"), expected.getMessage());
            }
        }
        assertEquals(java.util.List.of(), passed);
    }
}
