package dev.slm.packages.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The server's Ed25519 key pair, created on first start in {@code <data dir>/signing/} (private key owner-only).
 * Packages are signed over their {@link PackageManifest} (commit, branch, path, digest, size); agents that pin the
 * public key refuse a package swapped on the way or offered for another commit than it was built from.
 * Every server instance of a cluster must hold the same key pair: copy the directory.
 */
public final class SigningKey {

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    public static SigningKey loadOrCreate(Path dir) throws IOException, GeneralSecurityException {
        Path priv = dir.resolve("ed25519.key");
        Path pub = dir.resolve("ed25519.pub");
        if (!Files.exists(priv)) {
            Files.createDirectories(dir);
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            writeAtomically(priv, Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()), "rw-------");
            writeAtomically(pub, Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded()), "rw-r--r--");
        }
        KeyFactory kf = KeyFactory.getInstance("Ed25519");
        PrivateKey privateKey = kf.generatePrivate(new PKCS8EncodedKeySpec(decode(priv)));
        PublicKey publicKey = kf.generatePublic(new X509EncodedKeySpec(decode(pub)));
        return new SigningKey(privateKey, publicKey);
    }

    /** Base64 of the Ed25519 signature over the manifest's canonical bytes. */
    public String sign(PackageManifest manifest) {
        return sign(manifest.canonicalBytes());
    }

    /** Base64 of the Ed25519 signature over the command's canonical bytes. */
    public String sign(SignedCommand command) {
        return sign(command.canonicalBytes());
    }

    /**
     * Base64 of the Ed25519 signature over the 32 bytes of the SHA-256 digest alone: what agents before the manifest
     * (format 1) check. Kept so that such a fleet can still be moved to a new agent through SLM; new agents ignore it.
     */
    public String signLegacyDigest(String sha256Hex) {
        return sign(HexFormat.of().parseHex(sha256Hex));
    }

    private String sign(byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(data);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    /** The public key as X.509 SubjectPublicKeyInfo DER, base64: what an agent pins. */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    public String fingerprint() {
        try {
            return "SHA256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decode(Path file) throws IOException {
        return Base64.getMimeDecoder().decode(Files.readString(file).trim());
    }

    private static void writeAtomically(Path file, String content, String permissions) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        Files.writeString(tmp, content + "\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
