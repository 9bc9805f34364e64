package dev.slm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionFileTest {

    @TempDir
    Path dir;

    @Test
    void whatTheUpdaterWritesIsAJsonObjectTheHeartbeatReadsBack() throws Exception {
        Path file = dir.resolve(VersionFile.NAME);
        String commit = "0123456789abcdef0123456789abcdef01234567";
        VersionFile.write(file, commit, Instant.parse("2026-11-30T10:15:30.123456Z"), true);
        JsonObject o = Json.createReader(new StringReader(Files.readString(file))).readObject();
        assertEquals(commit, o.getString("commit"));
        assertEquals("2026-11-30T10:15:30.123456Z", o.getString("deployed_at"));
        assertTrue(o.getBoolean("restart_pending"));
        assertEquals(Optional.of(commit), VersionFile.read(file));

        VersionFile.write(file, commit, Instant.parse("2026-11-30T10:15:31Z"), false);
        o = Json.createReader(new StringReader(Files.readString(file))).readObject();
        assertFalse(o.containsKey("restart_pending"), o.toString());
    }

    @Test
    void aSha256CommitIsReportedLikeASha1One() throws Exception {
        // the updater deploys 64-hex commits (Command.COMMIT_ID): the heartbeat must report them, not "none"
        Path file = dir.resolve(VersionFile.NAME);
        String commit = "0123456789abcdef".repeat(4);
        VersionFile.write(file, commit, Instant.parse("2026-11-30T10:15:30Z"), false);
        assertEquals(Optional.of(commit), VersionFile.read(file));
    }
}
