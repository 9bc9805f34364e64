package dev.slm.agent;

import java.util.Locale;
import dev.slm.agent.update.Command;
import dev.slm.agent.update.DurableFiles;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The deployed commit, in {@code version.json} ({@code {"commit": "<40 hex>", "deployed_at": ...}}).
 * Read afresh for every heartbeat: the node reports what is on disk, never what the agent remembers. Written durably
 * ({@link DurableFiles}) before anything tells the server: the heartbeat that reports the commit reads this file.
 */
public final class VersionFile {

    public static final String NAME = "version.json";

    private VersionFile() {
    }

    /** Records {@code commit} as deployed; {@code restartPending} when the service still runs the previous release. */
    public static void write(Path file, String commit, Instant deployedAt, boolean restartPending) throws IOException {
        JsonObjectBuilder o = Json.createObjectBuilder().add("commit", commit).add("deployed_at", deployedAt.toString());
        if (restartPending) {
            o.add("restart_pending", true);
        }
        DurableFiles.write(file, (o.build() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The commit, or empty when nothing is deployed yet. @throws IOException when the file is unreadable or invalid */
    public static Optional<String> read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file); JsonReader json = Json.createReader(r)) {
            JsonValue value = json.readValue();
            if (!(value instanceof JsonObject o) || !(o.get("commit") instanceof JsonString s)) {
                throw new IOException(file + " has no \"commit\" string");
            }
            String commit = s.getString().trim().toLowerCase(Locale.ROOT);
            if (!Command.COMMIT_ID.matcher(commit).matches()) {
                throw new IOException(file + ": commit is not a full commit id (40 or 64 hex): " + commit);
            }
            return Optional.of(commit);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (jakarta.json.JsonException e) {
            throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
