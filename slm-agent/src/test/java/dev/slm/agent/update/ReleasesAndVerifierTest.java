package dev.slm.agent.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleasesAndVerifierTest {

    @TempDir
    Path tmp;

    @Test
    void currentSwitchesAtomicallyAndOldReleasesArePrunedButNeverTheCurrentOrPrevious() throws Exception {
        Releases releases = new Releases(tmp.resolve("opt"));
        assertEquals(Optional.empty(), releases.current());
        for (int i = 1; i <= 5; i++) {
            Path dir = Files.createDirectories(releases.dirOf("c" + i));
            Files.writeString(dir.resolve("index.html"), "v" + i);
            Files.setLastModifiedTime(dir, FileTime.fromMillis(1_000_000L * i));
        }
        releases.activate("c4");
        assertEquals(Optional.of("c4"), releases.current());
        assertEquals("v4", Files.readString(tmp.resolve("opt/current/index.html")));
        assertTrue(Files.isSymbolicLink(tmp.resolve("opt/current")));
        assertFalse(Files.isSymbolicLink(tmp.resolve("opt/.current.next")));

        Files.setLastModifiedTime(releases.dirOf("c5"), FileTime.fromMillis(1L)); // the newest built, oldest touched
        List<String> deleted = releases.prune(2, "c5");
        assertTrue(Files.exists(releases.dirOf("c4")), "current stays");
        assertTrue(Files.exists(releases.dirOf("c5")), "the named release stays");
        // newest first by use: c4 (current, just activated), c3, c2, c1, c5 — keep two, plus the named c5
        assertEquals(List.of("c2", "c1"), deleted);
        assertTrue(Files.exists(releases.dirOf("c3")));
        assertFalse(Files.exists(releases.dirOf("c1")));
        assertThrows(java.io.IOException.class, () -> releases.activate("missing"));
        assertEquals(Optional.of("c4"), releases.current(), "a failed activation leaves current alone");
    }

    @Test
    void aPackageMustMatchTheAnnouncedDigestAndTheSignatureOfThePinnedKey() throws Exception {
        KeyPair server = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair impostor = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path pkg = tmp.resolve("p.tar.gz");
        Files.write(pkg, new byte[] {1, 2, 3, 4, 5});
        String sha = PackageVerifier.sha256(pkg);
        PackageVerifier verifier = new PackageVerifier(Base64.getEncoder().encodeToString(server.getPublic().getEncoded()));

        verifier.verify(pkg, sha, sign(server, sha));
        assertThrows(PackageVerifier.Rejected.class, () -> verifier.verify(pkg, sha, sign(impostor, sha)));
        assertThrows(PackageVerifier.Rejected.class, () -> verifier.verify(pkg, sha, null));
        Files.write(pkg, new byte[] {1, 2, 3, 4, 6}); // one flipped byte
        assertThrows(PackageVerifier.Rejected.class, () -> verifier.verify(pkg, sha, sign(server, sha)));
        assertThrows(IllegalArgumentException.class, () -> new PackageVerifier("not a key"));
    }

    private static String sign(KeyPair key, String sha) throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(key.getPrivate());
        s.update(HexFormat.of().parseHex(sha));
        return Base64.getEncoder().encodeToString(s.sign());
    }
}
