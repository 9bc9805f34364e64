package dev.slm.packages.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The package's {@code version.json} is valid JSON that gives back the branch, whatever characters git allowed in it. */
class VersionJsonTest {

    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    /** Every control character alone and inside a name, a quote, a backslash, a character outside the BMP. */
    static Stream<String> awkwardBranches() {
        return Stream.concat(IntStream.rangeClosed(0x00, 0x1f).mapToObj(c -> "feature/" + (char) c + "x"),
                Stream.of("\"", "\\", "a\\\"b", "\u007f", "release/\uD83D\uDE80", "\uD83D\uDE80", "caf\u00e9", "\u2028"));
    }

    @ParameterizedTest
    @MethodSource("awkwardBranches")
    void aBranchNameWithAnyCharacterComesBackFromVersionJsonUnchanged(String branch) {
        String json = new String(PackageBuilder.versionJson(COMMIT, branch, 1_764_460_800), StandardCharsets.UTF_8);
        JsonObject o = Json.createReader(new StringReader(json)).readObject();
        assertEquals(branch, o.getString("branch"));
        assertEquals(COMMIT, o.getString("commit"));
        assertEquals("2025-11-30T00:00:00Z", o.getString("built_at"));
        assertTrue(json.endsWith("}\n") && json.indexOf('\n') == json.length() - 1, "one line: " + json);
    }
}
