package dev.slm.it.support;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/** A small HTTP client for the SLM API, with the caller's Authorization header value. */
public final class Api {

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    public Api(URI base) {
        // HTTP/1.1, as agents and proxies speak to the server: HTTP/2 is off, and a body sent with HttpClient's default
        // "Upgrade: h2c" is refused (RequestFraming)
        this(base, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build(),
                Duration.ofSeconds(120));
    }

    private Api(URI base, HttpClient http, Duration timeout) {
        this.base = base;
        this.http = http;
        this.timeout = timeout;
    }

    /**
     * The same client with another bound on each request (120 s otherwise): for a caller that must try again soon
     * rather than wait, as an agent's next heartbeat does.
     */
    public Api timeout(Duration bound) {
        return new Api(base, http, bound);
    }

    public record Response(int status, String contentType, String body, HttpHeaders headers) {
        public Response(int status, String contentType, String body) {
            this(status, contentType, body, HttpHeaders.of(Map.of(), (name, value) -> true));
        }

        /** The first value of a response header (any case), or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public JsonObject json() {
            try {
                return Json.createReader(new StringReader(body)).readObject();
            } catch (RuntimeException e) {
                throw new AssertionError("not a JSON object: " + this, e);
            }
        }

        public JsonArray array() {
            return Json.createReader(new StringReader(body)).readArray();
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    public Response get(String path, String auth) throws IOException, InterruptedException {
        return send(request(path, auth).GET());
    }

    public Response delete(String path, String auth) throws IOException, InterruptedException {
        return send(request(path, auth).DELETE());
    }

    public Response post(String path, String auth, String json) throws IOException, InterruptedException {
        return send(request(path, auth).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json)));
    }

    /** A POST with its own headers (name, value, …) and raw bytes: what a forge or a provisioning tool sends. */
    public Response postRaw(String path, byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path, null).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b);
    }

    public Response put(String path, String auth, String json) throws IOException, InterruptedException {
        return send(request(path, auth).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpRequest.Builder request(String path, String auth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return b;
    }

    private Response send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
    }

    /** A call that throws checked exceptions. */
    public interface Call {
        Response call() throws Exception;
    }

    /** The call's answer, for a lambda that may not throw (a CompletableFuture's supplier, a browser's wait). */
    public static Response unchecked(Call c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
