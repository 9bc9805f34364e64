package dev.slm.agent.update;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The commands this node has taken ({@code state.dir/commands.json}), so that none is carried out twice. A signed
 * command cannot be altered, but a whole old one could be offered again — target, manifest, package and signature
 * of an older commit — to take the node back. It is refused when it is one of the last {@value #KEEP} taken, or was
 * issued well before the newest one taken: operations of one node are issued one after another, so an older command
 * is a replay. The margin allows for clocks of server instances that differ a little.
 */
final class CommandLog {

    private static final Logger LOG = Logger.getLogger(CommandLog.class.getName());
    static final int KEEP = 64;
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(10);

    private record Taken(long id, Instant issuedAt) {
    }

    private final Path file;

    CommandLog(Path file) {
        this.file = file;
    }

    /** Whether this very command (operation and issue time) was taken before: resent by the server, or replayed. */
    boolean taken(long operationId, Instant issuedAt) throws IOException {
        return load().contains(new Taken(operationId, issuedAt));
    }

    /** Why this command, not taken before, is an old one replayed; or empty. */
    Optional<String> replayProblem(Instant issuedAt) throws IOException {
        List<Taken> taken = load();
        Optional<Instant> newest = taken.stream().map(Taken::issuedAt).max(Instant::compareTo);
        if (newest.isPresent() && issuedAt.isBefore(newest.get().minus(CLOCK_MARGIN))) {
            return Optional.of("the command was issued " + issuedAt + ", before the newest one this node took ("
                    + newest.get() + "): an old command replayed is refused");
        }
        return Optional.empty();
    }

    /** Saved before the update's first step, so that a kill cannot make a command new again. */
    void record(long operationId, Instant issuedAt) throws IOException {
        List<Taken> taken = new ArrayList<>(load());
        taken.add(new Taken(operationId, issuedAt));
        taken.sort((a, b) -> a.issuedAt().compareTo(b.issuedAt()));
        List<Taken> kept = taken.subList(Math.max(0, taken.size() - KEEP), taken.size());
        JsonArrayBuilder list = Json.createArrayBuilder();
        kept.forEach(t -> list.add(Json.createObjectBuilder().add("id", t.id()).add("issued_at", t.issuedAt().toString())));
        DurableFiles.write(file, Json.createObjectBuilder().add("taken", list).build().toString()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private List<Taken> load() throws IOException {
        try (Reader r = Files.newBufferedReader(file); JsonReader json = Json.createReader(r)) {
            List<Taken> out = new ArrayList<>();
            for (JsonValue v : json.readObject().getJsonArray("taken")) {
                JsonObject o = v.asJsonObject();
                out.add(new Taken(o.getJsonNumber("id").longValue(), Instant.parse(o.getString("issued_at"))));
            }
            return out;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (RuntimeException e) {
            // refusing every command for ever would be worse than a weaker replay check until the next command
            LOG.warning(file + " is unreadable (" + e.getMessage() + "); it is written anew with the next command");
            return List.of();
        }
    }
}
