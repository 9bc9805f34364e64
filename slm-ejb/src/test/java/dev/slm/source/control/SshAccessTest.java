package dev.slm.source.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SshAccessTest {

    private static final InetSocketAddress REMOTE = InetSocketAddress.createUnresolved("10.0.0.9", 2200);

    @Test
    void theHostAndPortAreReadAsJGitNamesTheAddressItConnectsTo() {
        assertEquals("127.0.0.1", SshAccess.host("[127.0.0.1]:2222", REMOTE));
        assertEquals(2222, SshAccess.port("[127.0.0.1]:2222", REMOTE));
        assertEquals("git.example.com", SshAccess.host("git.example.com", REMOTE));
        assertEquals(2200, SshAccess.port("git.example.com", REMOTE), "no port named: the socket's");
        assertEquals("git.example.com", SshAccess.host("git.example.com:22", REMOTE));
        assertEquals(22, SshAccess.port("git.example.com:22", REMOTE));
        assertEquals("::1", SshAccess.host("[::1]:2222", REMOTE));
        assertEquals(2222, SshAccess.port("[::1]:2222", REMOTE));
        assertEquals("fe80::1", SshAccess.host("fe80::1", REMOTE), "a bare IPv6 address has no port");
        assertEquals(2200, SshAccess.port("fe80::1", REMOTE));
        assertEquals("10.0.0.9", SshAccess.host(null, REMOTE));
    }

    @Test
    void anSshFetchThatFailedSaysWhatTheAdminCanDo() {
        String url = "ssh://git@git.example.com/acme/site.git";
        assertTrue(GitMirror.sshReason(url, "git@git.example.com: No more authentication methods available")
                .startsWith("permission denied (publickey)"));
        assertTrue(GitMirror.sshReason(url, "Connection refused").startsWith("cannot reach the host"));
        // a key JGit could not load is said as such, though its words also name "authentication methods"
        assertTrue(GitMirror.sshReason(url, "No more authentication methods available (Mismatched private key check values)")
                .startsWith("the key of SLM_GIT_SSH_KEY cannot be read"));
        assertTrue(GitMirror.sshReason(url, "Key is encrypted: no authentication possible without a passphrase provider")
                .startsWith("the key of SLM_GIT_SSH_KEY cannot be read"));
        assertTrue(GitMirror.sshReason(url, "publickey: no keys to try (No more authentication methods available)")
                .startsWith("permission denied (publickey)"), "the key loaded (SshAccess checks it first): refused");
        assertTrue(GitMirror.sshReason(url, "Session is being closed").startsWith("cannot reach the host"));
        assertTrue(GitMirror.sshReason(url, "Failed (UnresolvedAddressException) to execute: null")
                .startsWith("cannot reach the host"));
        assertTrue(GitMirror.sshReason(url, "ERROR: Repository not found.").startsWith("repository not found"));
        assertTrue(GitMirror.sshReason("git@git.example.com:acme/site.git", "Cannot log in at git.example.com:22")
                .startsWith("permission denied (publickey)"), "the scp-like form is SSH too");
        assertEquals("Cannot log in", GitMirror.sshReason("https://git.example.com/acme/site.git", "Cannot log in"),
                "not SSH: as it was");
    }
}
