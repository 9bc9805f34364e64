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
        assertEquals(List.of(), Files.list(tmp.resolve("opt/releases")).map(d -> d.getFileName().toString())
                .filter(n -> n.startsWith(".")).toList(), "nothing renamed away is left");
        assertThrows(java.io.IOException.class, () -> releases.activate("missing"));
        assertEquals(Optional.of("c4"), releases.current(), "a failed activation leaves current alone");
    }

    @Test
    void aPruneRenamesAReleaseAwayBeforeDeletingItAndClearsWhatAKilledOneLeft() throws Exception {
        Releases releases = new Releases(tmp.resolve("opt"));
        String c1 = "1".repeat(40), c2 = "2".repeat(40), c3 = "3".repeat(40);
        int i = 1;
        for (String c : List.of(c1, c2, c3)) {
            Path dir = Files.createDirectories(releases.dirOf(c));
            Files.writeString(dir.resolve("index.html"), "v" + i);
            Files.setLastModifiedTime(dir, FileTime.fromMillis(1_000_000L * i++));
        }
        releases.activate(c3);
        // a prune killed halfway through deleting c0, and an extraction killed before its rename
        Path half = Files.createDirectories(tmp.resolve("opt/releases/." + "0".repeat(40) + ".deleting/sub"));
        Files.writeString(half.resolve("left.txt"), "x");
        Files.createDirectories(tmp.resolve("opt/releases/." + "9".repeat(40) + ".extracting"));

        assertEquals(List.of(c1), releases.prune(1, c2));
        // a kept release is activated without a download (Updater.kept), so a name must always mean a whole release
        assertEquals(List.of(c3, c2), releases.list());
        assertEquals(List.of(c2, c3), Files.list(tmp.resolve("opt/releases")).map(d -> d.getFileName().toString())
                .sorted().toList(), "the leftovers of killed work are gone, the kept releases whole");
        assertEquals("v2", Files.readString(releases.dirOf(c2).resolve("index.html")));
    }

    @Test
    void onlyReleasesNamedByACommitAreListedSoAnAdminsBackupDirectoryCannotSilenceTheNode() throws Exception {
        Releases releases = new Releases(tmp.resolve("opt"));
        Files.createDirectories(releases.dirOf("a".repeat(40)));
        for (String other : List.of("backup", "A".repeat(40), "a".repeat(39), "a".repeat(40) + ".moved", ".hidden")) {
            Files.createDirectories(tmp.resolve("opt/releases").resolve(other));
        }
        // the heartbeat reports this list; the server refuses a heartbeat whose releases are not commit ids (400)
        assertEquals(List.of("a".repeat(40)), releases.list());
    }

    @Test
    void aPackageMustMatchItsManifestSignedByThePinnedKeyForTheCommandsTarget() throws Exception {
        KeyPair server = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair impostor = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String target = "2".repeat(40);
        Path pkg = tmp.resolve("p.tar.gz");
        TestPackages.write(pkg, List.of(TestPackages.Entry.version(target)));
        String sha = PackageVerifier.sha256(pkg);
        PackageVerifier verifier = new PackageVerifier(TestPackages.publicKey(server));
        byte[] manifest = TestPackages.manifest(target, pkg);

        PackageManifest m = verifier.manifest(command(target, manifest, TestPackages.sign(server, manifest)));
        verifier.verifyPackage(pkg, m);
        assertEquals(target, m.commit());
        assertRejected("does not verify", () -> verifier.manifest(command(target, manifest, TestPackages.sign(impostor, manifest))));
        assertRejected("does not verify", () -> verifier.manifest(command(target, manifest,
                TestPackages.sign(server, HexFormat.of().parseHex(sha)))));
        byte[] older = TestPackages.manifest("1".repeat(40), pkg);
        assertRejected("not the target", () -> verifier.manifest(command(target, older, TestPackages.sign(server, older))));
        byte[] future = TestPackages.manifest(2, target, sha, Files.size(pkg), 10240);
        assertRejected("format 2", () -> verifier.manifest(command(target, future, TestPackages.sign(server, future))));
        byte[] notJson = "commit=2222".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertRejected("not a JSON object", () -> verifier.manifest(command(target, notJson, TestPackages.sign(server, notJson))));

        byte[] bytes = Files.readAllBytes(pkg);
        bytes[bytes.length / 2] ^= 1;
        Files.write(pkg, bytes);
        assertRejected("digest", () -> verifier.verifyPackage(pkg, m));
        Files.write(pkg, java.util.Arrays.copyOf(bytes, bytes.length + 1));
        assertRejected("bytes", () -> verifier.verifyPackage(pkg, m));
        assertThrows(IllegalArgumentException.class, () -> new PackageVerifier("not a key"));
    }

    private static Command command(String target, byte[] manifest, String signature) {
        return new Command(1, target, "immediate", "/p", Base64.getEncoder().encodeToString(manifest), signature, null, null);
    }

    private static void assertRejected(String expected, org.junit.jupiter.api.function.Executable call) {
        PackageVerifier.Rejected e = assertThrows(PackageVerifier.Rejected.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
