package dev.slm.agent.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A package's {@code version.json} names its branch, and a branch name is any string git allows: the agent reads
 * back exactly the branch the signed manifest names, whatever characters it holds.
 */
class PackageVersionFileTest {

    static final String COMMIT = "2222222222222222222222222222222222222222";

    @TempDir
    Path release;

    /** Every control character alone and inside a name, a quote, a backslash, a character outside the BMP. */
    static Stream<String> awkwardBranches() {
        return Stream.concat(IntStream.rangeClosed(0x00, 0x1f).mapToObj(c -> "feature/" + (char) c + "x"),
                Stream.of("\"", "\\", "a\\\"b", "\u007f", "release/\uD83D\uDE80", "\uD83D\uDE80", "caf\u00e9", "\u2028"));
    }

    @ParameterizedTest
    @MethodSource("awkwardBranches")
    void theBranchOfTheManifestIsFoundInVersionJsonWhateverItsCharacters(String branch) throws Exception {
        writeVersionJson(branch);
        PackageVerifier verifier = new PackageVerifier(TestPackages.publicKey(
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair()));
        verifier.verifyVersionFile(release, manifest(branch));

        PackageVerifier.Rejected other = assertThrows(PackageVerifier.Rejected.class,
                () -> verifier.verifyVersionFile(release, manifest(branch + "-other")));
        assertEquals(true, other.getMessage().contains("names branch"), other.getMessage());
    }

    /** As the server writes it (PackageBuilder, through JSON-P). */
    private void writeVersionJson(String branch) throws Exception {
        Files.write(release.resolve("version.json"), (Json.createObjectBuilder().add("commit", COMMIT)
                .add("branch", branch).add("built_at", "2026-11-30T00:00:00Z").build() + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static PackageManifest manifest(String branch) {
        return new PackageManifest(COMMIT, branch, "app", "0".repeat(64), 1, 1);
    }
}
