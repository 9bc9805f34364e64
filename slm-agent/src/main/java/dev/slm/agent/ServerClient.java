package dev.slm.agent;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** The agent's side of the protocol in DESIGN.md: JSON over HTTP(S) with the node's bearer token. */
public class ServerClient {

    private final AgentConfig config;
    private final HttpClient http;

    public ServerClient(AgentConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public record Heartbeat(String agentVersion, Optional<String> codeVersion, String hostname,
                            java.util.List<String> roles, String state) {
    }

    public record Reply(boolean updateAvailable, String latestVersion, Duration heartbeatInterval) {
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
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("agent_version", hb.agentVersion())
                .add("hostname", hb.hostname())
                .add("roles", roles)
                .add("state", hb.state());
        hb.codeVersion().ifPresentOrElse(c -> body.add("code_version", c), () -> body.addNull("code_version"));
        URI uri = config.serverUrl().resolve("api/nodes/" + config.nodeId() + "/heartbeat");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + config.token())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.build().toString()))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonObject answer = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            throw new Refused(response.statusCode(), answer != null && answer.get("detail") instanceof JsonString d
                    ? d.getString() : abbreviate(response.body()));
        }
        if (answer == null) {
            throw new IOException("the server's answer is not a JSON object: " + abbreviate(response.body()));
        }
        long interval = answer.get("heartbeat_interval_s") instanceof JsonNumber n ? n.longValue() : 30;
        return new Reply(answer.getBoolean("update_available", false),
                answer.get("latest_version") instanceof JsonString s ? s.getString() : null,
                Duration.ofSeconds(Math.max(1, Math.min(interval, 3600))));
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
