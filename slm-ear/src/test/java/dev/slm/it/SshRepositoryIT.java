package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.ChildProcesses;
import dev.slm.it.support.TestServer;
import dev.slm.launcher.MicroServer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A private repository over SSH with a deploy key (issue 16), against a real OpenSSH server (Debian's sshd, started
 * here on a free loopback port with its own host key and authorized_keys): the fetch with the right key, whose
 * passphrase comes from SLM_GIT_SSH_KEY_PASSPHRASE; a wrong key; a changed host key; an unknown one; an unreachable
 * host — each an error an admin can act on, without the key's contents or passphrase. The key and the known hosts are
 * files read at each fetch, so the test changes them in place.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SshRepositoryIT {

    static final String PASSPHRASE = "deploy-key-passphrase-7";
    static TestServer it;
    static Path dir;
    static int port;
    static Process sshd;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("target"), "ssh-it-").toAbsolutePath();
        run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "host", "-f", "host_key");
        run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", PASSPHRASE, "-C", "deploy", "-f", "deploy_key");
        Files.copy(dir.resolve("deploy_key.pub"), dir.resolve("authorized_keys"));
        run(dir, "git", "init", "-q", "--bare", "-b", "main", "origin.git");
        port = MicroServer.freePort();
        startSshd("host_key");
        pinHostKey("host_key.pub");
        url = "ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + port + dir.resolve("origin.git");
        it = TestServer.start("ssh-it", r -> r.commit("v1", "app/index.html", "<h1>v1</h1>\n"), base -> Map.of(
                "SLM_GIT_URL", url,
                "SLM_GIT_SSH_KEY", dir.resolve("deploy_key").toString(),
                "SLM_GIT_SSH_KEY_PASSPHRASE", PASSPHRASE,
                "SLM_GIT_KNOWN_HOSTS", dir.resolve("known_hosts").toString()));
        it.repo.git("push", "-q", dir.resolve("origin.git").toString(), "main");
    }

    @AfterAll
    static void stop() throws Exception {
        if (sshd != null) {
            sshd.destroy();
        }
        if (it != null) {
            it.close();
        }
    }

    @Test
    @Order(1)
    void theRepositoryIsFetchedOverSshWithThePassphraseProtectedDeployKey() throws Exception {
        JsonObject status = refresh();
        assertTrue(status.isNull("last_fetch_error"), status.toString());
        assertEquals(it.repo.head(), status.getString("latest_version"));
        String v2 = it.repo.commit("v2", "app/index.html", "<h1>v2</h1>\n");
        it.repo.git("push", "-q", dir.resolve("origin.git").toString(), "main");
        assertEquals(v2, refresh().getString("latest_version"));
    }

    @Test
    @Order(2)
    void aKeyTheServerRefusesIsPermissionDeniedWithoutTheKeyInTheMessage() throws Exception {
        Path key = dir.resolve("deploy_key");
        byte[] right = Files.readAllBytes(key);
        Files.delete(key);
        run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "stranger", "-f", "deploy_key");
        try {
            String error = fetchError();
            assertTrue(error.contains("permission denied (publickey)"), error);
            assertNoSecrets(error, Files.readString(key));
            // the right key with another passphrase: it cannot be read (not "the server refused it")
            Files.write(key, right);
            run(dir, "ssh-keygen", "-q", "-p", "-P", PASSPHRASE, "-N", "another-passphrase-1", "-f", "deploy_key");
            String passphrase = fetchError();
            assertTrue(passphrase.contains("cannot be read: is SLM_GIT_SSH_KEY_PASSPHRASE right?"), passphrase);
            assertNoSecrets(passphrase, Files.readString(key));
            assertFalse(passphrase.contains("another-passphrase-1"), passphrase);
            // no key file at all, or a directory where the key should be
            Files.delete(key);
            Files.createDirectory(key);
            String directory = fetchError();
            assertTrue(directory.contains("SLM_GIT_SSH_KEY (" + key + ") is not a readable file"), directory);
            Files.delete(key);
        } finally {
            Files.deleteIfExists(key);
            Files.write(key, right);
        }
        assertTrue(refresh().isNull("last_fetch_error"), "the right key again: fetched");
    }

    @Test
    @Order(3)
    void aChangedOrUnknownHostKeyIsRefusedNamingTheOfferedKeyAndHowToPinIt() throws Exception {
        run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "impostor", "-f", "other_host_key");
        String offered = fingerprint("other_host_key.pub");
        restartSshd("other_host_key");
        String changed = fetchError();
        assertTrue(changed.contains("has CHANGED") && changed.contains(offered), changed);

        // not pinned at all: unknown, with the way to pin it; the server's own ~/.ssh is never read
        Files.writeString(dir.resolve("known_hosts"), "");
        String unknown = fetchError();
        assertTrue(unknown.contains("is unknown") && unknown.contains(offered)
                && unknown.contains("ssh-keyscan -p " + port + " 127.0.0.1"), unknown);

        pinHostKey("other_host_key.pub"); // the admin checked the fingerprint and pinned the new key
        assertTrue(refresh().isNull("last_fetch_error"));

        // a key marked @revoked is refused whatever other line pins it, as OpenSSH does
        String[] pub = Files.readString(dir.resolve("other_host_key.pub")).trim().split(" ");
        Files.writeString(dir.resolve("known_hosts"), "@revoked [127.0.0.1]:" + port + " " + pub[0] + " " + pub[1] + "\n", java.nio.file.StandardOpenOption.APPEND);
        String revoked = fetchError();
        assertTrue(revoked.contains("is REVOKED") && revoked.contains(offered), revoked);
        pinHostKey("other_host_key.pub");
    }

    @Test
    @Order(4)
    void anUnreachableHostIsSaidAsSuch() throws Exception {
        sshd.destroy();
        sshd.waitFor(10, TimeUnit.SECONDS);
        String error = fetchError();
        assertTrue(error.contains("cannot reach the host"), error);
        assertNoSecrets(error, Files.readString(dir.resolve("deploy_key")));
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private static JsonObject refresh() throws Exception {
        return it.api.post("api/updates/refresh", it.admin, null).json();
    }

    /** A refresh that fails: the error in the status, the Updates page's words. */
    private static String fetchError() throws Exception {
        JsonObject status = refresh();
        assertFalse(status.isNull("last_fetch_error"), "the fetch was to fail: " + status);
        return status.getString("last_fetch_error");
    }

    private static void assertNoSecrets(String error, String privateKey) {
        assertFalse(error.contains(PASSPHRASE), error);
        assertFalse(error.contains("PRIVATE KEY"), error);
        for (String line : privateKey.lines().filter(l -> l.length() > 20 && !l.startsWith("-----")).toList()) {
            assertFalse(error.contains(line), "no line of the key in: " + error);
        }
    }

    private static void pinHostKey(String publicKeyFile) throws IOException {
        String[] key = Files.readString(dir.resolve(publicKeyFile)).trim().split(" ");
        Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:" + port + " " + key[0] + " " + key[1] + "\n");
    }

    private static String fingerprint(String publicKeyFile) throws Exception {
        // "256 SHA256:abc… comment (ED25519)"
        return run(dir, "ssh-keygen", "-l", "-f", publicKeyFile).split(" ")[1];
    }

    /** An unprivileged-port sshd of the test's own: this key pair, this authorized_keys, nothing of the system's. */
    private static void startSshd(String hostKey) throws Exception {
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve(hostKey),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "UsePAM no",
                "PidFile " + dir.resolve("sshd.pid"),
                ""));
        Files.createDirectories(Path.of("/run/sshd")); // its privilege separation directory
        sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log").toFile()))
                .start();
        ChildProcesses.alsoOnExit(sshd::destroyForcibly);
        dev.slm.it.support.Await.until(java.time.Duration.ofSeconds(20), () -> Files.exists(dir.resolve("sshd.log"))
                ? Files.readString(dir.resolve("sshd.log")) : "", log -> log.contains("Server listening on 127.0.0.1"));
    }

    private static void restartSshd(String hostKey) throws Exception {
        sshd.destroy();
        sshd.waitFor(10, TimeUnit.SECONDS);
        Files.writeString(dir.resolve("sshd.log"), "");
        startSshd(hostKey);
    }

    private static String run(Path in, String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).directory(in.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }
}
