package dev.slm.agent;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The deployed commit, from {@code version.json} ({@code {"commit": "<40 hex>", "deployed_at": ...}}).
 * Read afresh for every heartbeat: the node reports what is on disk, never what the agent remembers.
 */
public final class VersionFile {

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private VersionFile() {
    }

    /** The commit, or empty when nothing is deployed yet. @throws IOException when the file is unreadable or invalid */
    public static Optional<String> read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file); JsonReader json = Json.createReader(r)) {
            JsonValue value = json.readValue();
            if (!(value instanceof JsonObject o) || !(o.get("commit") instanceof JsonString s)) {
                throw new IOException(file + " has no \"commit\" string");
            }
            String commit = s.getString().trim().toLowerCase();
            if (!COMMIT.matcher(commit).matches()) {
                throw new IOException(file + ": commit is not a 40-hex commit id: " + commit);
            }
            return Optional.of(commit);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (jakarta.json.JsonException e) {
            throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
