package dev.slm.agent.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An agent that dies at any stage (here: right after the stage is saved, before its side effect) finishes the
 * update on its next start and ends on one whole release; a corrupted or wrongly signed package never touches
 * {@code current}.
 */
class UpdaterResumeTest {

    static final String OLD = "1111111111111111111111111111111111111111";
    static final String NEW = "2222222222222222222222222222222222222222";

    @TempDir
    Path tmp;

    KeyPair key;
    Path pkg;
    Releases releases;
    final List<String> reports = new ArrayList<>();
    final List<String> serviceLog = new ArrayList<>();

    /** Dies like kill -9 would: nothing after this point of the stage runs. */
    static final class Killed extends Error {
    }

    @BeforeEach
    void setUp() throws Exception {
        key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        pkg = tmp.resolve("served.tar.gz");
        writePackage(pkg, "<h1>new</h1>");
        releases = new Releases(tmp.resolve("opt"));
        Files.createDirectories(releases.dirOf(OLD));
        Files.writeString(releases.dirOf(OLD).resolve("index.html"), "<h1>old</h1>");
        releases.activate(OLD);
        Files.createDirectories(tmp.resolve("state"));
    }

    @ParameterizedTest
    @EnumSource(value = Updater.Stage.class, names = {"DOWNLOADING", "VERIFYING", "EXTRACTING", "SWAPPING", "RESTARTING", "HEALTH_CHECK"})
    void anAgentKilledAtAnyStageFinishesTheUpdateOnItsNextStart(Updater.Stage killedAt) throws Exception {
        Command command = command(7, "immediate");
        Updater dying = updater(killedAt.name());
        assertThrows(Killed.class, () -> dying.start(command));
        assertTrue(Files.exists(tmp.resolve("state/state.json")), "the stage was saved before the side effect");
        String current = releases.current().orElseThrow();
        assertTrue(current.equals(OLD) || current.equals(NEW), "never between releases: " + current);

        updater(null).resume();
        assertEquals(NEW, releases.current().orElseThrow());
        assertEquals("<h1>new</h1>", Files.readString(tmp.resolve("opt/current/index.html")));
        assertTrue(Files.readString(tmp.resolve("state/version.json")).contains(NEW));
        assertFalse(Files.exists(tmp.resolve("state/state.json")));
        assertEquals("start", serviceLog.get(serviceLog.size() - 1));
    }

    @Test
    void aCorruptedOrWronglySignedPackageFailsBeforeAnythingTouchesCurrent() throws Exception {
        Command signed = command(8, "immediate");
        Command wrongSignature = new Command(8, NEW, "immediate", "/pkg", signed.manifest(),
                Base64.getEncoder().encodeToString(new byte[64]), signed.signedCommand(), signed.commandSignature());
        updater(null).start(wrongSignature);
        assertEquals(OLD, releases.current().orElseThrow());
        assertTrue(reports.get(reports.size() - 1).startsWith("FAILED"), reports.toString());
        assertTrue(serviceLog.isEmpty(), "the service was never stopped");

        Command flipped = command(9, "immediate");
        byte[] bytes = Files.readAllBytes(pkg);
        bytes[bytes.length / 2] ^= 1;
        Files.write(pkg, bytes);
        updater(null).start(flipped);
        assertEquals(OLD, releases.current().orElseThrow());
        assertTrue(reports.get(reports.size() - 1).contains("digest"), reports.toString());
        assertFalse(Files.exists(releases.dirOf(NEW)));
    }

    @Test
    void aBrokenDownloadIsResumedFromWhatArrived() throws Exception {
        Command command = command(11, "immediate");
        byte[] whole = Files.readAllBytes(pkg);
        List<Long> resumedFrom = new ArrayList<>();
        Updater.Server flaky = new Updater.Server() {
            @Override
            public void download(java.net.URI packageUrl, Path part, long maxBytes) throws IOException {
                long have = Files.exists(part) ? Files.size(part) : 0;
                resumedFrom.add(have);
                if (have == 0) {
                    Files.write(part, java.util.Arrays.copyOf(whole, whole.length / 2));
                    throw new IOException("connection reset");
                }
                Files.write(part, java.util.Arrays.copyOfRange(whole, (int) have, whole.length),
                        java.nio.file.StandardOpenOption.APPEND);
            }

            @Override
            public void report(long operationId, ReportedStage stage, Integer percent, String message) {
                reports.add(stage + " " + message);
            }
        };
        new Updater(settings(new HealthCheck(null, null, Duration.ofMillis(10), Duration.ofSeconds(1))), flaky).start(command);
        assertEquals(List.of(0L, (long) whole.length / 2), resumedFrom);
        assertEquals(NEW, releases.current().orElseThrow());
    }

    @Test
    void aResumedDownloadThatIsRefusedLeavesNoPartFileBehind() throws Exception {
        byte[] whole = Files.readAllBytes(pkg);
        Updater.Server dies = new Updater.Server() {
            @Override
            public void download(java.net.URI packageUrl, Path part, long maxBytes) throws IOException {
                Files.write(part, java.util.Arrays.copyOf(whole, whole.length / 2));
                throw new Killed();
            }

            @Override
            public void report(long operationId, ReportedStage stage, Integer percent, String message) {
                reports.add(stage + " " + message);
            }
        };
        Command command = command(12, "immediate");
        assertThrows(Killed.class, () -> new Updater(settings(new HealthCheck(null, null, Duration.ofMillis(10),
                Duration.ofSeconds(1))), dies).start(command));
        Path part = tmp.resolve("state/staging/" + NEW + ".tar.gz.part");
        assertTrue(Files.exists(part), "half the package arrived before the kill");

        key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair(); // signing.key changed while the agent was down
        updater(null).resume();
        assertTrue(reports.get(reports.size() - 1).startsWith("FAILED"), reports.toString());
        assertFalse(Files.exists(part), "a download that finally fails leaves no .part behind");
        assertEquals(OLD, releases.current().orElseThrow());
    }

    @Test
    void aFailingHealthCheckRollsBackToThePreviousRelease() throws Exception {
        Command command = command(10, "graceful");
        Updater u = new Updater(settings(new HealthCheck(null, "test -f current-is-healthy", Duration.ofMillis(50),
                Duration.ofMillis(200))), server(null));
        u.start(command);
        assertEquals(OLD, releases.current().orElseThrow());
        assertTrue(reports.get(reports.size() - 1).startsWith("ROLLED_BACK"), reports.toString());
        assertFalse(Files.exists(tmp.resolve("state/version.json")), "version.json is written only for a healthy release");
        assertEquals(List.of("stop", "start", "stop", "start"), serviceLog);
    }

    private Updater updater(String killAtStage) {
        return new Updater(settings(new HealthCheck(null, null, Duration.ofMillis(10), Duration.ofSeconds(1))),
                server(killAtStage));
    }

    private Updater.Settings settings(HealthCheck health) {
        ServiceController service = new ServiceController() {
            @Override
            public void stop(Duration drain) {
                serviceLog.add("stop");
            }

            @Override
            public void start() {
                serviceLog.add("start");
            }
        };
        return new Updater.Settings(java.net.URI.create("http://127.0.0.1:1/"), TestPackages.NODE, tmp.resolve("state"), releases,
                new PackageVerifier(Base64.getEncoder().encodeToString(key.getPublic().getEncoded())), service, health,
                Duration.ofSeconds(1), null, Duration.ofSeconds(5), 3);
    }

    private Updater.Server server(String killAtStage) {
        return new Updater.Server() {
            @Override
            public void download(java.net.URI packageUrl, Path partFile, long maxBytes) throws IOException {
                Files.copy(pkg, partFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }

            @Override
            public void report(long operationId, ReportedStage stage, Integer percent, String message) {
                reports.add(stage + " " + message);
                if (killAtStage != null && message != null
                        && message.equals(killAtStage.toLowerCase().replace('_', ' '))) {
                    throw new Killed();
                }
            }
        };
    }

    private Command command(long id, String restart) throws IOException {
        return TestPackages.command(id, NEW, restart, "/pkg", key, pkg);
    }

    private static void writePackage(Path file, String index) throws IOException {
        try (OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(file));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (String[] e : new String[][] {{"index.html", index}, {"version.json", "{\"commit\":\"" + NEW + "\"}"}}) {
                byte[] content = e[1].getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry t = new TarArchiveEntry(e[0]);
                t.setSize(content.length);
                tar.putArchiveEntry(t);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
    }
}
