package dev.slm.source.boundary;

import dev.slm.platform.Shown;
import dev.slm.platform.SlmConfig;
import dev.slm.source.control.PushDelivery;
import dev.slm.source.entity.TrackedSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Push webhooks (issue 16): a forge tells us about a push at once instead of the next poll. The signature is checked
 * first, against {@code SLM_WEBHOOK_SECRET}, before anything of the body is read; a verified push to the tracked
 * branch makes one fetch soon ({@link SourceTracker#pushAnnounced}: bursts coalesce), anything else is answered and
 * ignored. The payload's commit is never trusted — the fetch decides — so a replayed delivery costs one fetch at
 * most. Each verified delivery is recorded (the status says the last); refused ones are only logged, at most once per
 * 10 s with their count: a flood of forged deliveries writes neither the log nor the database
 * per request, and cannot hide the last genuine one.
 */
@ApplicationScoped
public class PushHooks {

    private static final Logger LOG = Logger.getLogger(PushHooks.class.getName());

    @Inject
    SlmConfig config;

    @Inject
    SourceStore store;

    @Inject
    SourceTracker tracker;

    /** Refused deliveries need no login: logged only, at most once per 10 s with their count. */
    private final dev.slm.platform.ThrottledLog refused =
            new dev.slm.platform.ThrottledLog(LOG, java.time.Duration.ofSeconds(10), "webhooks refused");

    /** The answer: 202 accepted or ignored, 400 a verified body that is not its event's JSON, 401 refused, 403 off. */
    public record Outcome(int status, String result) {
    }

    /**
     * @param header a request header by its name (any case), null when absent
     * @param from the client's address, for the log
     */
    public Outcome receive(Function<String, String> header, byte[] body, String from) {
        return receive(header, body, from, b -> b);
    }

    /** @param json the JSON a verified body carries (the body itself, or a form's parameter); may throw IllegalArgumentException */
    public Outcome receive(Function<String, String> header, byte[] body, String from,
                           java.util.function.UnaryOperator<byte[]> json) {
        Optional<String> secret = config.webhookSecret();
        if (secret.isEmpty()) {
            return new Outcome(403, "webhooks are off: this server has no SLM_WEBHOOK_SECRET");
        }
        PushDelivery.Signature signature = PushDelivery.verify(header, body, secret.get());
        if (!signature.valid()) {
            // logged only: a refused delivery proves nothing about its sender, and must not hide the last real one
            refused.warning(() -> "a webhook from " + from + " was refused: " + signature.reason());
            return new Outcome(401, signature.reason());
        }
        String forge = signature.forge().name().charAt(0) + signature.forge().name().substring(1).toLowerCase(java.util.Locale.ROOT);
        PushDelivery.Announcement a;
        try {
            a = PushDelivery.read(signature.forge(), header, json.apply(body));
        } catch (IllegalArgumentException e) {
            store.recordHook("refused: " + e.getMessage() + " (" + forge + ")");
            return new Outcome(400, e.getMessage());
        }
        String branch = store.current().map(TrackedSource::branch).orElse(config.gitBranch());
        String result;
        if (a.ping()) {
            result = "ignored: a ping from " + forge + " (the hook works)";
        } else if (a.otherEvent() != null) {
            result = "ignored: the event '" + Shown.printable(a.otherEvent(), 120) + "' from " + forge;
        } else if (a.pushes(branch)) {
            tracker.pushAnnounced();
            result = "accepted: a push to " + branch + " from " + forge + ", fetching";
        } else {
            result = "ignored: a push to " + (a.refs().isEmpty() ? "no branch" : Shown.printable(String.join(", ", a.refs()), 120))
                    + " from " + forge + ", not to " + branch;
        }
        store.recordHook(result);
        String said = result;
        LOG.info(() -> "webhook from " + from + ": " + said);
        return new Outcome(202, result);
    }

}
