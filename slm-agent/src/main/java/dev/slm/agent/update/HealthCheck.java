package dev.slm.agent.update;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Is the new release healthy? An HTTP URL that must answer 2xx, or a command that must exit 0, until a deadline. */
public final class HealthCheck {

    private final URI url;
    private final String command;
    private final Duration interval;
    private final Duration deadline;

    public HealthCheck(URI url, String command, Duration interval, Duration deadline) {
        this.url = url;
        this.command = command;
        this.interval = interval;
        this.deadline = deadline;
    }

    /** @return empty when healthy, else the last failure */
    public java.util.Optional<String> await() throws InterruptedException {
        if (url == null && command == null) {
            return java.util.Optional.empty();
        }
        long end = System.nanoTime() + deadline.toNanos();
        String last = "not checked";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (true) {
            try {
                last = url != null ? probeUrl(http) : probeCommand();
                if (last == null) {
                    return java.util.Optional.empty();
                }
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (System.nanoTime() + interval.toNanos() > end) {
                return java.util.Optional.of("health check failed until the deadline: " + last);
            }
            Thread.sleep(interval.toMillis());
        }
    }

    private String probeUrl(HttpClient http) throws IOException, InterruptedException {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding());
        return r.statusCode() / 100 == 2 ? null : url + " answered " + r.statusCode();
    }

    private String probeCommand() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "health command timed out";
        }
        return p.exitValue() == 0 ? null : "health command exited " + p.exitValue();
    }
}
