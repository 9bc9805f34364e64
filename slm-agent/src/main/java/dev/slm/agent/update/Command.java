package dev.slm.agent.update;

import java.net.URI;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A sync command from the server (heartbeat reply or long-poll), as it came: every field is untrusted until
 * {@link #problem(URI)} has found nothing wrong with it and the signatures verified ({@link PackageVerifier}). The
 * target becomes a directory name, the package URL carries the node's token and the manifest decides what is
 * installed, so none of them is used before that check.
 *
 * @param manifest          base64 of the signed manifest's canonical bytes (docs/packages.md)
 * @param manifestSignature base64 of the server's Ed25519 signature over those bytes
 * @param signedCommand     base64 of the signed command's canonical bytes: node, operation, issue time, target,
 *                          restart and manifest, so that no command can be replayed or altered (docs/protocol.md)
 * @param commandSignature  base64 of the server's Ed25519 signature over those bytes
 */
public record Command(long operationId, String targetCommit, String restart, String packageUrl, String manifest,
                      String manifestSignature, String signedCommand, String commandSignature) {

    /** A full commit id: SHA-1 (40) or SHA-256 (64) lower-case hex, nothing else ever becomes a release's name. */
    public static final Pattern COMMIT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    /** A manifest is about 300 bytes; anything far larger is not one. */
    private static final int MAX_ENCODED = 8 * 1024;

    /** Why this command must not be acted on, or empty when every field is usable. */
    public Optional<String> problem(URI serverUrl) {
        if (operationId <= 0) {
            return Optional.of("operation_id must be a positive number, not " + operationId);
        }
        if (targetCommit == null || !COMMIT_ID.matcher(targetCommit).matches()) {
            return Optional.of("target_commit must be a full commit id (40 or 64 lower-case hex digits), not "
                    + quote(targetCommit));
        }
        if (Restart.fromWire(restart).isEmpty()) {
            return Optional.of("restart must be one of " + Restart.ALLOWED + ", not " + quote(restart));
        }
        Optional<String> url = urlProblem(serverUrl);
        if (url.isPresent()) {
            return url;
        }
        if (!base64(manifest) || !base64(manifestSignature)) {
            return Optional.of("the command carries no signed manifest (manifest and manifest_signature, base64):"
                    + " the server is older than this agent or the command was altered");
        }
        if (!base64(signedCommand) || !base64(commandSignature)) {
            return Optional.of("the command is not signed (signed_command and command_signature, base64):"
                    + " the server is older than this agent or the command was altered");
        }
        return Optional.empty();
    }

    /** The restart, once {@link #problem} has found {@code restart} to be one. */
    public Restart restartType() {
        return Restart.fromWire(restart).orElseThrow(() -> new IllegalStateException("unchecked restart " + quote(restart)));
    }

    /**
     * The package's address: a path is taken relative to the configured {@code server.url} (so a server under a
     * context path works); anything that resolves to another scheme, host or port is refused by {@link #problem},
     * because the download carries the node's token.
     */
    public URI packageUri(URI serverUrl) {
        return serverUrl.resolve(URI.create(packageUrl.startsWith("/") ? packageUrl.substring(1) : packageUrl));
    }

    private Optional<String> urlProblem(URI serverUrl) {
        if (packageUrl == null || packageUrl.isBlank()) {
            return Optional.of("package_url is missing");
        }
        URI resolved;
        try {
            resolved = packageUri(serverUrl);
        } catch (IllegalArgumentException e) {
            return Optional.of("package_url is not a URL: " + quote(packageUrl));
        }
        if (resolved.getRawUserInfo() != null || !sameOrigin(resolved, serverUrl)) {
            return Optional.of("package_url " + quote(packageUrl) + " is not on the server " + origin(serverUrl)
                    + ": refused, the node's token is sent only to its own server");
        }
        return Optional.empty();
    }

    /** Same scheme, host and port (a missing port is the scheme's default). */
    public static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getHost() != null
                && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String origin(URI u) {
        return u.getScheme() + "://" + u.getHost() + ":" + port(u);
    }

    private static boolean base64(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_ENCODED) {
            return false;
        }
        try {
            Base64.getDecoder().decode(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A value shown in a reason: quoted, control characters visible, cut short. */
    public static String quote(String s) {
        if (s == null) {
            return "nothing";
        }
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append(s.codePointCount(0, s.length()) > 80 ? "…\"" : "\"").toString();
    }
}
