package dev.slm.agent.update;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code state.json}: the update in progress, written durably ({@link DurableFiles}) before each
 * side effect, so an agent killed at any point finds on its next start exactly where it was.
 */
public final class StateFile {

    private final Path file;

    public StateFile(Path file) {
        this.file = file;
    }

    public void save(Updater.Job job) throws IOException {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("operation_id", job.command().operationId())
                .add("target", job.command().targetCommit())
                .add("restart", job.command().restart())
                .add("package_url", job.command().packageUrl())
                .add("stage", job.stage().name());
        if (job.command().manifest() != null) {
            b.add("manifest", job.command().manifest()).add("manifest_signature", job.command().manifestSignature());
        }
        if (job.command().signedCommand() != null) {
            b.add("signed_command", job.command().signedCommand())
                    .add("command_signature", job.command().commandSignature());
        }
        if (job.previous() != null) {
            b.add("previous", job.previous());
        }
        if (job.failure() != null) {
            b.add("failure", job.failure());
        }
        DurableFiles.write(file, b.build().toString().getBytes(StandardCharsets.UTF_8));
    }

    public Optional<Updater.Job> load() throws IOException {
        try (Reader r = Files.newBufferedReader(file); JsonReader json = Json.createReader(r)) {
            JsonObject o = json.readObject();
            Command c = new Command(o.getJsonNumber("operation_id").longValue(), o.getString("target"),
                    o.getString("restart"), o.getString("package_url"), o.getString("manifest", null),
                    o.getString("manifest_signature", null), o.getString("signed_command", null),
                    o.getString("command_signature", null));
            if (!Command.COMMIT_ID.matcher(c.targetCommit()).matches()) {
                // the target becomes a directory name: a state file that was edited by hand is not followed
                throw new IllegalArgumentException("its target is not a full commit id");
            }
            return Optional.of(new Updater.Job(c, o.getString("previous", null), Updater.Stage.valueOf(o.getString("stage")),
                    o.getString("failure", null)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new IOException(file + " is unreadable: " + e.getMessage(), e);
        }
    }

    public void delete() throws IOException {
        DurableFiles.delete(file);
    }
}
