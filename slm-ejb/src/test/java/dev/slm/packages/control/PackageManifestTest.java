package dev.slm.packages.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The manifest's bytes are a protocol (docs/packages.md): agents verify signatures over exactly these bytes. */
class PackageManifestTest {

    @Test
    void canonicalBytesAreOneLineOfJsonWithTheKeysInTheSpecifiedOrder() {
        PackageManifest m = new PackageManifest("0123456789abcdef0123456789abcdef01234567", "main", "app",
                "ed7002b439e9ac845f22357d822bac1444730fbdb6016d3ec9432297b9ec9f73", 27, 2048);
        assertEquals("{\"format\":1,\"commit\":\"0123456789abcdef0123456789abcdef01234567\",\"branch\":\"main\","
                        + "\"path\":\"app\",\"sha256\":\"ed7002b439e9ac845f22357d822bac1444730fbdb6016d3ec9432297b9ec9f73\","
                        + "\"size\":27,\"unpacked_size\":2048}",
                new String(m.canonicalBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void stringsEscapeOnlyQuotesBackslashesAndControlCharactersAndKeepOtherCharactersAsUtf8() {
        PackageManifest m = new PackageManifest("c", "rel/\"ä\"", "a\\b\tc\u001f", "d", 0, 0);
        String json = new String(m.canonicalBytes(), StandardCharsets.UTF_8);
        assertEquals("{\"format\":1,\"commit\":\"c\",\"branch\":\"rel/\\\"ä\\\"\",\"path\":\"a\\\\b\\u0009c\\u001f\","
                + "\"sha256\":\"d\",\"size\":0,\"unpacked_size\":0}", json);
        assertEquals(json.length() + 1, m.canonicalBytes().length, "ä is two bytes of UTF-8, not an escape");
    }

    @Test
    void aSignedCommandNamesNodeOperationIssueTimeInMicrosecondsTargetRestartAndManifest() {
        SignedCommand c = new SignedCommand("web-3", 124, java.time.Instant.parse("2026-11-30T15:00:00.123456789Z"),
                "0123456789abcdef0123456789abcdef01234567", "graceful", "ab".repeat(32));
        assertEquals("{\"format\":1,\"node_id\":\"web-3\",\"operation_id\":124,\"issued_at\":\"2026-11-30T15:00:00.123456Z\","
                        + "\"target_commit\":\"0123456789abcdef0123456789abcdef01234567\",\"restart\":\"graceful\","
                        + "\"manifest_sha256\":\"" + "ab".repeat(32) + "\"}",
                new String(c.canonicalBytes(), StandardCharsets.UTF_8));
    }
}
