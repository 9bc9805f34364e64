package dev.slm.agent.update;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Decides what the agent trusts, with the server key it pins (from its configuration, never from the server it is
 * checking). Three checks, each before the step that relies on it:
 * <ol>
 * <li>{@link #manifest}: before anything is downloaded, the Ed25519 signature over the manifest verifies and the
 *     manifest names the command's target — a package signed long ago for another commit cannot be replayed;</li>
 * <li>{@link #verifyPackage}: before anything is extracted, the downloaded file has the manifest's size and SHA-256;</li>
 * <li>{@link #verifyVersionFile}: before the release is used, its {@code version.json} names the same commit.</li>
 * </ol>
 */
public final class PackageVerifier {

    /** The server's version.json is under 200 bytes; a larger one is not the server's. */
    private static final long MAX_VERSION_FILE = 64 * 1024;

    private final PublicKey pinnedKey;

    public PackageVerifier(String publicKeyBase64) {
        try {
            this.pinnedKey = KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKeyBase64.trim())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the pinned signing key is not an Ed25519 public key (X.509, base64)", e);
        }
    }

    /** Why a package was refused; the agent reports it as the operation's FAILED reason. */
    public static class Rejected extends IOException {
        public Rejected(String message) {
            super(message);
        }
    }

    /** The command's manifest, once its signature verifies and it names the command's target. */
    public PackageManifest manifest(Command c) throws Rejected {
        byte[] bytes = verified(c.manifest(), c.manifestSignature(), "the package manifest");
        PackageManifest m = PackageManifest.parse(bytes);
        if (!m.commit().equals(c.targetCommit())) {
            throw new Rejected("the signed manifest is for commit " + m.commit() + ", not the target "
                    + c.targetCommit() + ": an old package offered for a new target is refused");
        }
        return m;
    }

    /**
     * The command's issue time, once the signature over the signed command verifies and the signed command says
     * exactly what the command says — this node, this operation, this target, restart and manifest.
     */
    public Instant verifyCommand(Command c, String nodeId) throws Rejected {
        byte[] bytes = verified(c.signedCommand(), c.commandSignature(), "the command");
        byte[] manifest = decode(c.manifest(), "the command's manifest");
        JsonObject o = PackageManifest.object(bytes, "the signed command");
        long format = PackageManifest.number(o, "format");
        if (format != 1) {
            throw new Rejected("the signed command has format " + format + "; this agent reads format 1: update the agent");
        }
        String signedNode = PackageManifest.string(o, "node_id");
        if (!signedNode.equals(nodeId)) {
            throw new Rejected("the command is signed for node " + Command.quote(signedNode) + ", not this node "
                    + Command.quote(nodeId) + ": a command for another node is refused");
        }
        if (PackageManifest.number(o, "operation_id") != c.operationId()
                || !PackageManifest.string(o, "target_commit").equals(c.targetCommit())
                || !PackageManifest.string(o, "restart").equals(c.restart())
                || !PackageManifest.string(o, "manifest_sha256").equals(sha256(manifest))) {
            throw new Rejected("the command's operation_id, target_commit, restart or manifest is not the one the"
                    + " server signed: the command was altered");
        }
        try {
            return Instant.parse(PackageManifest.string(o, "issued_at"));
        } catch (java.time.format.DateTimeParseException e) {
            throw new Rejected("the signed command's issued_at is not a time");
        }
    }

    public void verifyPackage(Path file, PackageManifest m) throws IOException {
        long size = Files.size(file);
        if (size != m.size()) {
            throw new Rejected("the downloaded package has " + size + " bytes; the signed manifest says " + m.size());
        }
        String actual = sha256(file);
        if (!actual.equals(m.sha256())) {
            throw new Rejected("the downloaded package's digest " + actual + " is not the signed " + m.sha256());
        }
    }

    /** The extracted release's own {@code version.json} must name the manifest's commit (and branch). */
    public void verifyVersionFile(Path release, PackageManifest m) throws IOException {
        Path file = release.resolve("version.json");
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new Rejected("the package has no version.json at its root: not a package built by an SLM server");
        }
        if (Files.size(file) > MAX_VERSION_FILE) {
            throw new Rejected("the package's version.json has " + Files.size(file) + " bytes: not the server's");
        }
        JsonObject o;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
             JsonReader r = Json.createReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()))) {
            o = r.readObject();
        } catch (RuntimeException e) {
            throw new Rejected("the package's version.json is not a JSON object");
        }
        String commit = o.get("commit") instanceof JsonString s ? s.getString() : null;
        if (!m.commit().equals(commit)) {
            throw new Rejected("the package's version.json names commit " + Command.quote(commit) + ", not "
                    + m.commit());
        }
        String branch = o.get("branch") instanceof JsonString s ? s.getString() : null;
        if (branch != null && !branch.equals(m.branch())) {
            throw new Rejected("the package's version.json names branch " + Command.quote(branch)
                    + "; the signed manifest says " + Command.quote(m.branch()));
        }
    }

    /** The signed bytes, once their signature verifies with the pinned key; {@code what} names them in a refusal. */
    private byte[] verified(String bytesBase64, String signatureBase64, String what) throws Rejected {
        byte[] bytes = decode(bytesBase64, what);
        if (!signatureValid(bytes, decode(signatureBase64, what + "'s signature"))) {
            throw new Rejected(what + "'s signature does not verify with the pinned server key (signing.key):"
                    + " the command was altered or comes from another server");
        }
        return bytes;
    }

    private static byte[] decode(String base64, String what) throws Rejected {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new Rejected(what + " is not base64");
        }
    }

    private boolean signatureValid(byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(pinnedKey);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
