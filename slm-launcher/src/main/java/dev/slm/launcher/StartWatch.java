package dev.slm.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Passes Payara Micro's output on and notices a start that failed. When the application fails to start (a start-up
 * bean throws, say a too short SLM_ADMIN_PASSWORD) Payara Micro logs "Exception while loading the app" and then runs
 * on with nothing deployed; without this the launcher would wait for a health check that never comes.
 */
final class StartWatch {

    static final String LOAD_FAILED = "Exception while loading the app";
    private static final Pattern READY = Pattern.compile("Payara Micro \\S+ .*ready in ");
    private static final String CAUSED_BY = "Caused by: ";
    /**
     * How Payara Micro reports a CDI observer that threw at start-up (a bad setting, see SlmConfig): one line, no
     * "Caused by", the reason twice ({@code CDI deployment failure:<reason> -- <reason>}).
     */
    private static final String DEPLOYMENT_FAILED = "DeploymentException: ";
    private static final String CDI_FAILURE = "CDI deployment failure:";
    /** After Payara Micro says it is ready, how long the application may take to answer its health check. */
    private static final long ANSWER_AFTER_READY_NANOS = Duration.ofSeconds(20).toNanos();

    private volatile String lastCause;
    private volatile String failure;
    private volatile long readyAt;

    void follow(InputStream output, PrintStream to) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    to.println(line);
                    inspect(line, System.nanoTime());
                }
            } catch (IOException e) {
                // the server's output closed: it exited, which the launcher sees by itself
            }
        }, "slm-server-output");
        reader.setDaemon(true);
        reader.start();
    }

    void inspect(String line, long now) {
        int cause = line.indexOf(CAUSED_BY);
        int deployment = line.indexOf(DEPLOYMENT_FAILED);
        if (cause >= 0) {
            lastCause = line.substring(cause + CAUSED_BY.length()).trim();
        } else if (deployment >= 0) {
            String reason = line.substring(deployment + DEPLOYMENT_FAILED.length());
            int repeated = reason.indexOf(" -- ");
            reason = repeated >= 0 ? reason.substring(0, repeated) : reason;
            lastCause = (reason.startsWith(CDI_FAILURE) ? reason.substring(CDI_FAILURE.length()) : reason).trim();
        }
        if (line.contains(LOAD_FAILED) && failure == null) {
            failure = "the application failed to start" + (lastCause == null ? "" : ": " + lastCause);
        } else if (readyAt == 0 && READY.matcher(line).find()) {
            readyAt = now;
        }
    }

    /** Why the start failed, once it is known to have. */
    Optional<String> failure(long now) {
        if (failure != null) {
            return Optional.of(failure);
        }
        if (readyAt != 0 && now - readyAt > ANSWER_AFTER_READY_NANOS) {
            return Optional.of("Payara Micro is up but the application does not answer /api/health");
        }
        return Optional.empty();
    }

    Optional<String> failure() {
        return failure(System.nanoTime());
    }
}
