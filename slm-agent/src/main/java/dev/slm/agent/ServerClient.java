package dev.slm.agent;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import dev.slm.agent.update.Command;
import dev.slm.agent.update.ReportedStage;
import dev.slm.agent.update.Restart;
import dev.slm.agent.update.Updater;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The agent's side of the protocol in docs/protocol.md: JSON over HTTP(S) with the node's bearer token. */
public class ServerClient implements dev.slm.agent.update.Updater.Server {

    /**
     * The server's JSON answers are a few hundred bytes (a command with its manifest under 2 KB); one far larger is
     * not read into memory, where an endless answer would end the heartbeat thread with an OutOfMemoryError.
     */
    static final int MAX_ANSWER = 1024 * 1024;
    /** The heartbeat interval when the server's answer names none ({@code heartbeat_interval_s}). */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    /** How long a heartbeat or a progress report may take in all. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final AgentConfig config;
    private final HttpClient http;
    /** How long the server may send nothing in the middle of an answer (read.timeout.s, default 60). */
    private final Duration readTimeout;

    public ServerClient(AgentConfig config) {
        this.config = config;
        // HTTP/1.1 only: by default HttpClient asks a plain-HTTP server to upgrade each new connection to HTTP/2
        // (h2c), which the agent gains nothing from and which Payara's HTTP/2 kept in memory stream by stream
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        this.readTimeout = Duration.ofSeconds(Math.max(1, config.seconds("read.timeout.s", 60)));
    }

    public record Heartbeat(String agentVersion, Optional<String> codeVersion, String hostname,
                            java.util.List<String> roles, AgentState state, Long operationId,
                            java.util.List<String> releases) {
    }

    public record Reply(boolean updateAvailable, String latestVersion, Duration heartbeatInterval,
                        Optional<Command> command) {
    }

    /** A call the server answered with an error: retrying will not help until someone fixes the cause. */
    public static class Refused extends IOException {
        public final int status;

        Refused(int status, String detail) {
            super("server answered " + status + ": " + detail);
            this.status = status;
        }
    }

    public Reply heartbeat(Heartbeat hb) throws IOException, InterruptedException {
        JsonArrayBuilder roles = Json.createArrayBuilder();
        hb.roles().forEach(roles::add);
        JsonArrayBuilder releases = Json.createArrayBuilder();
        hb.releases().stream().limit(50).forEach(releases::add);
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("agent_version", hb.agentVersion())
                .add("hostname", hb.hostname())
                .add("roles", roles)
                .add("releases", releases)
                .add("state", hb.state().name());
        if (hb.operationId() != null) {
            body.add("operation_id", hb.operationId());
        }
        hb.codeVersion().ifPresentOrElse(c -> body.add("code_version", c), () -> body.addNull("code_version"));
        URI uri = config.serverUrl().resolve("api/nodes/" + config.nodeId() + "/heartbeat");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(CALL_TIMEOUT)
                .header("Authorization", "Bearer " + config.token())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.build().toString()))
                .build();
        Answer response = send(request, CALL_TIMEOUT);
        JsonObject answer = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            throw new Refused(response.statusCode(), answer != null && answer.get("detail") instanceof JsonString d
                    ? d.getString() : abbreviate(response.body()));
        }
        if (answer == null) {
            throw new IOException("the server's answer is not a JSON object: " + abbreviate(response.body()));
        }
        long interval = answer.get("heartbeat_interval_s") instanceof JsonNumber n ? n.longValue()
                : DEFAULT_INTERVAL.toSeconds();
        return new Reply(answer.getBoolean("update_available", false),
                answer.get("latest_version") instanceof JsonString s ? s.getString() : null,
                Duration.ofSeconds(Math.max(1, Math.min(interval, 3600))), command(answer));
    }

    /** The long-poll: a command, or empty when none came within {@code waitSeconds}. */
    public Optional<Command> pollCommand(int waitSeconds) throws IOException, InterruptedException {
        HttpRequest request = authorized(config.serverUrl().resolve("api/nodes/" + config.nodeId() + "/commands?wait=" + waitSeconds))
                .timeout(Duration.ofSeconds(waitSeconds + 15)).GET().build();
        Answer response = send(request, Duration.ofSeconds(waitSeconds + 15));
        if (response.statusCode() == 204) {
            return Optional.empty();
        }
        JsonObject answer = parse(response.body());
        if (response.statusCode() != 200 || answer == null) {
            throw new Refused(response.statusCode(), abbreviate(response.body()));
        }
        return command(answer);
    }

    /**
     * Downloads to {@code part}, resuming from what a broken download left there (HTTP Range), and never writes more
     * than {@code maxBytes} (the manifest's size) in all: a server that sends more cannot fill the node's disk.
     * The URL was checked to be on {@code server.url}'s origin ({@link Command#problem}); it is checked again here
     * because the request carries the node's token.
     */
    public void download(URI packageUrl, Path part, long maxBytes) throws IOException, InterruptedException {
        if (!Command.sameOrigin(packageUrl, config.serverUrl())) {
            throw new Updater.DownloadRefused("the package URL " + packageUrl + " is not on " + config.serverUrl());
        }
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (have > maxBytes) {
            Files.delete(part);
            have = 0;
        }
        HttpRequest.Builder b = authorized(packageUrl).timeout(Duration.ofMinutes(30)).GET();
        if (have > 0) {
            b.header("Range", "bytes=" + have + "-");
            java.util.logging.Logger.getLogger(ServerClient.class.getName())
                    .info("resuming the download of " + packageUrl + " after " + have + " bytes");
        }
        HttpResponse<InputStream> r = http.send(b.build(), QuietLimitedBody.handler(readTimeout, null));
        try (InputStream in = r.body()) {
            if (r.statusCode() == 416 && have == maxBytes) {
                return; // we have it all already; the digest check decides whether it is right
            }
            boolean append = r.statusCode() == 206 && have > 0;
            String range = r.headers().firstValue("Content-Range").orElse("");
            if (r.statusCode() == 416 || append && !range.startsWith("bytes " + have + "-")) {
                // a server or proxy that cannot resume: what arrived is dropped and the next attempt starts again
                // (appending a body from another byte would only fail the digest check, and the update with it)
                Files.deleteIfExists(part);
                throw new IOException("the server answered a resume from byte " + have + " with " + r.statusCode()
                        + (range.isEmpty() ? "" : " " + Command.quote(range)) + "; downloading it whole again");
            }
            if (r.statusCode() / 100 == 3) {
                // HttpClient follows no redirect here (Redirect.NEVER), so the token never goes along; say so
                throw new Updater.DownloadRefused("the server answered " + r.statusCode() + " with a redirect to "
                        + r.headers().firstValue("Location").map(Command::quote).orElse("nowhere")
                        + ": not followed, the package is fetched only from package_url with the node's token");
            }
            if (r.statusCode() / 100 == 4) {
                // our server refuses with a problem body; a 404 page without one is a Payara still deploying it (after
                // a restart) or a proxy in between: tried again, not taken as the server's word on the package
                JsonObject problem = parse(new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8));
                if (problem == null) {
                    throw new IOException("the server answered " + r.statusCode() + " without a problem body (still"
                            + " starting, or not the SLM server answering)");
                }
                throw new Updater.DownloadRefused("the server refused the download (" + r.statusCode() + ")"
                        + (problem.get("detail") instanceof JsonString d ? ": " + abbreviate(d.getString()) : ""));
            }
            if (r.statusCode() != 200 && !append) {
                throw new Refused(r.statusCode(), "download of " + packageUrl + " failed");
            }
            long room = maxBytes - (append ? have : 0);
            try (OutputStream out = dev.slm.agent.update.Reasons.naming(Files.newOutputStream(part,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING), part)) {
                copy(new Capped(in, room, maxBytes), out, config.seconds("download.limit.kb.s", 0) * 1024);
            }
        }
    }

    /**
     * Copies at most {@code bytesPerSecond} (0: unlimited), so a fleet pulling a large release does not fill the
     * nodes' links. Every chunk is flushed: what arrived before a broken connection or a kill stays for the resume.
     */
    static void copy(InputStream in, OutputStream out, long bytesPerSecond) throws IOException, InterruptedException {
        copy(in, out, bytesPerSecond, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    /** Waits so many nanoseconds; a test's clock jumps instead. */
    interface Pause {
        void nanos(long nanos) throws InterruptedException;
    }

    static void copy(InputStream in, OutputStream out, long bytesPerSecond, java.util.function.LongSupplier nanoTime,
                     Pause pause) throws IOException, InterruptedException {
        if (bytesPerSecond <= 0) {
            in.transferTo(out);
            return;
        }
        byte[] buffer = new byte[(int) Math.min(64 * 1024, Math.max(1024, bytesPerSecond / 10))];
        long start = nanoTime.getAsLong();
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
            out.flush();
            total += n;
            long dueNanos = total * 1_000_000_000L / bytesPerSecond - (nanoTime.getAsLong() - start);
            if (dueNanos > 0) {
                pause.nanos(dueNanos);
            }
        }
    }

    /** Ends the download with a final refusal as soon as the server sends more than the manifest's size. */
    private static final class Capped extends java.io.FilterInputStream {
        private long room;
        private final long size;

        Capped(InputStream in, long room, long size) {
            super(in);
            this.room = room;
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, (int) Math.min(len, Math.max(1, room + 1)));
            if (n > 0) {
                room -= n;
                if (room < 0) {
                    throw new Updater.DownloadRefused("the server sent more than the " + size
                            + " bytes the signed manifest declares");
                }
            }
            return n;
        }
    }

    /** Reports a stage of an update; a report that cannot be delivered is logged, never fatal. */
    public void report(long operationId, ReportedStage stage, Integer percent, String message) {
        JsonObjectBuilder body = Json.createObjectBuilder().add("stage", stage.name());
        if (percent != null) {
            body.add("percent", percent);
        }
        if (message != null) {
            body.add("message", message);
        }
        try {
            HttpRequest request = authorized(config.serverUrl().resolve(
                    "api/nodes/" + config.nodeId() + "/operations/" + operationId + "/progress"))
                    .timeout(CALL_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.build().toString())).build();
            Answer r = send(request, CALL_TIMEOUT);
            if (r.statusCode() / 100 != 2) {
                java.util.logging.Logger.getLogger(ServerClient.class.getName())
                        .warning("progress report " + stage + " refused: " + r.statusCode() + " " + abbreviate(r.body()));
            }
        } catch (IOException e) {
            java.util.logging.Logger.getLogger(ServerClient.class.getName())
                    .warning("progress report " + stage + " not delivered: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Answer(int statusCode, String body) {
    }

    /**
     * A JSON answer, read whole within {@code total} of its headers and never beyond {@link #MAX_ANSWER} bytes:
     * a server that stalls or never stops cannot hold or fill the calling thread.
     */
    private Answer send(HttpRequest request, Duration total) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(request, QuietLimitedBody.handler(readTimeout, total));
        try (InputStream in = r.body()) {
            byte[] body = in.readNBytes(MAX_ANSWER + 1);
            if (body.length > MAX_ANSWER) {
                throw new IOException("the server's answer to " + request.uri().getPath() + " is larger than "
                        + MAX_ANSWER / 1024 + " KiB: not read");
            }
            return new Answer(r.statusCode(), new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private HttpRequest.Builder authorized(URI uri) throws IOException {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + config.token())
                .header("Accept", "application/json, application/gzip");
    }

    /**
     * The command as it came, fields unchecked ({@link Command#problem} decides), so that a bad one is answered
     * with FAILED and its reason rather than dropped in silence. Without a usable operation id there is nothing to
     * answer: such a command is logged and ignored.
     */
    static Optional<Command> command(JsonObject answer) {
        if (!(answer.get("command") instanceof JsonObject c) || !"sync".equals(text(c, "type"))) {
            return Optional.empty();
        }
        long id = c.get("operation_id") instanceof JsonNumber n && n.isIntegral()
                && n.bigIntegerValue().bitLength() < 63 ? n.longValue() : -1;
        if (id <= 0) {
            java.util.logging.Logger.getLogger(ServerClient.class.getName())
                    .warning("ignored a sync command without a valid operation_id: " + abbreviate(c.toString()));
            return Optional.empty();
        }
        String restart = c.containsKey("restart") ? text(c, "restart") : Restart.DEFAULT.wire();
        return Optional.of(new Command(id, text(c, "target_commit"), restart, text(c, "package_url"),
                text(c, "manifest"), text(c, "manifest_signature"), text(c, "signed_command"),
                text(c, "command_signature")));
    }

    private static String text(JsonObject o, String key) {
        return o.get(key) instanceof JsonString s ? s.getString() : null;
    }

    private static JsonObject parse(String body) {
        try (JsonReader r = Json.createReader(new StringReader(body))) {
            JsonValue v = r.readValue();
            return v instanceof JsonObject o ? o : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        String one = s == null ? "" : s.replaceAll("\\s+", " ");
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }
}
