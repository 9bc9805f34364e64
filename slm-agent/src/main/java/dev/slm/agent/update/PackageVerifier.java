package dev.slm.agent.update;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Checks a downloaded package before anything is extracted: its SHA-256 must be the one the command announced, and
 * the Ed25519 signature over that digest must verify with the server key the agent pins (from its configuration,
 * never from the server it is checking).
 */
public final class PackageVerifier {

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

    public void verify(Path file, String expectedSha256, String signatureBase64) throws IOException {
        String actual = sha256(file);
        if (expectedSha256 == null || !actual.equals(expectedSha256.toLowerCase())) {
            throw new Rejected("package digest " + actual + " is not the announced " + expectedSha256);
        }
        if (signatureBase64 == null || !signatureValid(actual, signatureBase64)) {
            throw new Rejected("the package signature does not verify with the pinned server key");
        }
    }

    private boolean signatureValid(String sha256Hex, String signatureBase64) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(pinnedKey);
            s.update(HexFormat.of().parseHex(sha256Hex));
            return s.verify(Base64.getDecoder().decode(signatureBase64.trim()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
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
