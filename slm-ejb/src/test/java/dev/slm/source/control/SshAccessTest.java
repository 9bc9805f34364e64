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
        assertTrue(GitMirror.sshReason(url, "ERROR: Repository not found.").startsWith("repository not found"));
        assertTrue(GitMirror.sshReason("git@git.example.com:acme/site.git", "Cannot log in at git.example.com:22")
                .startsWith("permission denied (publickey)"), "the scp-like form is SSH too");
        assertEquals("Cannot log in", GitMirror.sshReason("https://git.example.com/acme/site.git", "Cannot log in"),
                "not SSH: as it was");
    }
}
