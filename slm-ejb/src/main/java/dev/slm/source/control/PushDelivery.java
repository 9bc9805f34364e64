package dev.slm.source.control;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A push webhook's delivery as a forge sends it: who signed it and whether the signature holds (checked before anything
 * else is read), then what it announces. The payload's commit is never used — a fetch decides — only which branches
 * were pushed, to ignore pushes to other branches.
 * <ul>
 * <li>GitHub: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}, {@code X-GitHub-Event: push|ping};</li>
 * <li>Gitea, Forgejo: {@code X-Gitea-Signature: <hex HMAC-SHA256>} (also sent as {@code X-Hub-Signature-256}),
 * {@code X-Gitea-Event} / {@code X-Forgejo-Event: push};</li>
 * <li>GitLab: {@code X-Gitlab-Token: <the secret itself>}, {@code X-Gitlab-Event: Push Hook};</li>
 * <li>Bitbucket: {@code X-Hub-Signature: sha256=<hex HMAC-SHA256>}, {@code X-Event-Key: repo:refs_changed} (Data
 * Center), {@code repo:push} (Cloud), {@code diagnostics:ping}.</li>
 * </ul>
 * Every comparison takes the same time whatever the bytes ({@link MessageDigest#isEqual}); SHA-1 signatures are refused.
 */
public final class PushDelivery {

    public enum Forge { GITHUB, GITEA, GITLAB, BITBUCKET }

    /** Whether the delivery is signed with the secret, by whom, and if not why. */
    public record Signature(Forge forge, boolean valid, String reason) {
    }

    /** What a verified delivery announces: a ping, a push of some refs, or another event (by its name). */
    public record Announcement(boolean ping, List<String> refs, String otherEvent) {

        /** Whether it pushed {@code branch} ({@code refs/heads/<branch>}). */
        public boolean pushes(String branch) {
            return refs.contains("refs/heads/" + branch);
        }
    }

    private PushDelivery() {
    }

    /**
     * @param header a header's value by its name (any case), null when absent
     */
    public static Signature verify(Function<String, String> header, byte[] body, String secret) {
        // every signature the delivery carries must hold (Gitea sends two): one wrong is a forgery, whichever it is
        List<Signature> given = new ArrayList<>();
        String gitea = Optional.ofNullable(header.apply("X-Gitea-Signature")).orElse(header.apply("X-Forgejo-Signature"));
        if (gitea != null) {
            given.add(hmac(Forge.GITEA, gitea.strip(), body, secret));
        }
        String github = header.apply("X-Hub-Signature-256");
        if (github != null) {
            given.add(prefixed(Forge.GITHUB, github, body, secret));
        }
        String gitlab = header.apply("X-Gitlab-Token");
        if (gitlab != null) {
            // the token is the secret itself: compared through digests, so neither its length nor its bytes leak
            boolean same = MessageDigest.isEqual(sha256(gitlab.getBytes(StandardCharsets.UTF_8)),
                    sha256(secret.getBytes(StandardCharsets.UTF_8)));
            given.add(new Signature(Forge.GITLAB, same, same ? null : "X-Gitlab-Token is not the secret"));
        }
        String bitbucket = header.apply("X-Hub-Signature");
        if (bitbucket != null) {
            given.add(prefixed(Forge.BITBUCKET, bitbucket, body, secret));
        }
        if (given.isEmpty()) {
            return new Signature(null, false, "the delivery is not signed (X-Hub-Signature-256, X-Gitea-Signature,"
                    + " X-Gitlab-Token or X-Hub-Signature expected)");
        }
        return given.stream().filter(s -> !s.valid()).findFirst().orElse(given.get(0));
    }

    private static Signature prefixed(Forge forge, String value, byte[] body, String secret) {
        String v = value.strip();
        if (!v.regionMatches(true, 0, "sha256=", 0, 7)) {
            return new Signature(forge, false, "only SHA-256 signatures are accepted (the forge's webhook setting),"
                    + " not '" + (v.indexOf('=') > 0 ? v.substring(0, v.indexOf('=')) : "?") + "'");
        }
        return hmac(forge, v.substring(7), body, secret);
    }

    private static Signature hmac(Forge forge, String hex, byte[] body, String secret) {
        byte[] given;
        try {
            given = HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return new Signature(forge, false, "the signature is not hex");
        }
        boolean same = MessageDigest.isEqual(given, hmacSha256(secret, body));
        return new Signature(forge, same, same ? null : "the signature does not match the body (another secret?)");
    }

    /**
     * What a verified delivery announces.
     *
     * @throws IllegalArgumentException when its body is not the JSON the event should carry
     */
    public static Announcement read(Forge forge, Function<String, String> header, byte[] body) {
        String event = Optional.ofNullable(switch (forge) {
            case GITHUB -> header.apply("X-GitHub-Event");
            case GITEA -> Optional.ofNullable(header.apply("X-Gitea-Event")).orElse(header.apply("X-Forgejo-Event"));
            case GITLAB -> header.apply("X-Gitlab-Event");
            case BITBUCKET -> header.apply("X-Event-Key");
        }).orElse("").strip();
        if (event.equals("ping") || event.equals("diagnostics:ping")) {
            return new Announcement(true, List.of(), null);
        }
        boolean push = switch (forge) {
            case GITHUB, GITEA -> event.equals("push");
            case GITLAB -> event.equals("Push Hook");
            case BITBUCKET -> event.equals("repo:refs_changed") || event.equals("repo:push");
        };
        if (!push) {
            return new Announcement(false, List.of(), event.isEmpty() ? "(no event named)" : event);
        }
        JsonObject json = json(body);
        List<String> refs = new ArrayList<>();
        if (forge != Forge.BITBUCKET) {
            refs.add(string(json.get("ref")));
        } else if (event.equals("repo:refs_changed")) { // Data Center: changes[].ref.id
            for (JsonValue change : array(json.get("changes"))) {
                refs.add(string(object(object(change).get("ref")).get("id")));
            }
        } else { // Cloud: push.changes[].new {type: branch, name}
            for (JsonValue change : array(object(json.get("push")).get("changes"))) {
                JsonValue now = object(change).get("new");
                if (now != null && now.getValueType() == JsonValue.ValueType.OBJECT
                        && "branch".equals(string(now.asJsonObject().get("type")))) {
                    refs.add("refs/heads/" + string(now.asJsonObject().get("name")));
                }
            }
        }
        return new Announcement(false, List.copyOf(refs), null);
    }

    /** A push event is a few levels deep; a delivery nested deeper is no push event (and bounds the parser's work). */
    static final int MAX_DEPTH = 32;
    private static final jakarta.json.JsonReaderFactory READERS = Json.createReaderFactory(java.util.Map.of(
            "org.eclipse.parsson.rejectDuplicateKeys", true,
            "org.eclipse.parsson.maxDepth", MAX_DEPTH));

    private static JsonObject json(byte[] body) {
        try (JsonReader reader = READERS.createReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8)) {
            return reader.readObject();
        } catch (RuntimeException e) {
            // JsonException, a depth or duplicate-key refusal of the parser, a body that is no object
            throw new IllegalArgumentException("the push event's body is not a JSON object (or is nested deeper than "
                    + MAX_DEPTH + " levels, or repeats a key)");
        }
    }

    private static JsonObject object(JsonValue v) {
        if (v == null || v.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new IllegalArgumentException("the push event lacks an object where its forge puts one");
        }
        return v.asJsonObject();
    }

    private static List<JsonValue> array(JsonValue v) {
        if (v == null || v.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new IllegalArgumentException("the push event lacks its list of changes");
        }
        return v.asJsonArray();
    }

    private static String string(JsonValue v) {
        if (v == null || v.getValueType() != JsonValue.ValueType.STRING) {
            throw new IllegalArgumentException("the push event names no ref");
        }
        return ((jakarta.json.JsonString) v).getString();
    }

    /** HMAC-SHA256 of {@code body} with {@code secret} (UTF-8), as every forge computes it. */
    public static byte[] hmacSha256(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
