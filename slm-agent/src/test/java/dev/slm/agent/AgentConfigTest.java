package dev.slm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

    @TempDir
    Path dir;

    @Test
    void relativePathsAreResolvedAgainstTheConfigFilesDirectory() throws Exception {
        Path file = write("server.url=http://127.0.0.1:8080\nnode.id=web-1\ntoken.file=token\nstate.dir=state\nroles=web, eu\n");
        Files.writeString(dir.resolve("token"), "slmn_abc\n");
        AgentConfig c = AgentConfig.load(file);
        assertEquals("http://127.0.0.1:8080/", c.serverUrl().toString());
        assertEquals(dir.resolve("state/version.json"), c.versionFile());
        assertEquals(List.of("web", "eu"), c.roles());
        assertEquals("slmn_abc", c.token());
    }

    @Test
    void aMissingRequiredKeyIsNamedInTheError() throws Exception {
        Path file = write("server.url=http://x\ntoken.file=t\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.load(file));
        assertTrue(e.getMessage().contains("node.id"), e.getMessage());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"http://user:secret@slm.example.com", "http://slm_server:8080",
            "https:///api", "http://slm.example.com/?x=1", "http://slm.example.com/#top"})
    void aServerUrlTheTokenCouldNotBeKeptToIsRefusedAtStart(String url) throws Exception {
        // user info made every package URL "not on the server"; a host Java cannot parse, every heartbeat fail
        Path file = write("server.url=" + url + "\nnode.id=a\ntoken.file=t\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.load(file));
        assertTrue(e.getMessage().contains("server.url"), e.getMessage());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"../../api/users", "web 3", "a/b", "Web-3", "x?y", "-a"})
    void aNodeIdTheServerCannotHaveIsRefusedAtStart(String nodeId) throws Exception {
        // it becomes part of every URL path the token is sent to
        Path file = write("server.url=http://127.0.0.1:8080\nnode.id=" + nodeId + "\ntoken.file=t\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.load(file));
        assertTrue(e.getMessage().contains("node.id"), e.getMessage());
    }

    @Test
    void aServerUrlThatIsNotHttpIsRefused() throws Exception {
        Path file = write("server.url=ftp://x\nnode.id=a\ntoken.file=t\n");
        assertThrows(IllegalArgumentException.class, () -> AgentConfig.load(file));
    }

    @Test
    void versionFileGivesTheCommitOrNothingAndRejectsGarbage() throws Exception {
        Path v = dir.resolve("version.json");
        assertEquals(Optional.empty(), VersionFile.read(v));
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Files.writeString(v, "{\"commit\":\"" + commit + "\",\"deployed_at\":\"2026-01-01T00:00:00Z\"}");
        assertEquals(Optional.of(commit), VersionFile.read(v));
        Files.writeString(v, "{\"commit\":\"abc\"}");
        assertThrows(java.io.IOException.class, () -> VersionFile.read(v));
        Files.writeString(v, "{not json");
        assertThrows(java.io.IOException.class, () -> VersionFile.read(v));
    }

    private Path write(String content) throws Exception {
        Path file = dir.resolve("agent.properties");
        Files.writeString(file, content);
        return file;
    }
}
