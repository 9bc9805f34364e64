package dev.slm.source.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.source.control.PushDelivery.Forge;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Deliveries built as each forge builds them: signed with the secret, with another one, unsigned, tampered. */
class PushDeliveryTest {

    private static final String SECRET = "a-webhook-secret-of-32-characters";
    private static final byte[] GITHUB_PUSH = "{\"ref\":\"refs/heads/main\",\"after\":\"0000\",\"commits\":[]}"
            .getBytes(StandardCharsets.UTF_8);

    private static Function<String, String> headers(String... pairs) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            h.put(pairs[i], pairs[i + 1]);
        }
        return h::get;
    }

    private static String hmac(String secret, byte[] body) {
        return HexFormat.of().formatHex(PushDelivery.hmacSha256(secret, body));
    }

    @Test
    void aGitHubPushSignedWithTheSecretIsValidAndNamesItsBranch() {
        var h = headers("X-Hub-Signature-256", "sha256=" + hmac(SECRET, GITHUB_PUSH), "X-GitHub-Event", "push");
        PushDelivery.Signature s = PushDelivery.verify(h, GITHUB_PUSH, SECRET);
        assertTrue(s.valid(), s.reason());
        assertEquals(Forge.GITHUB, s.forge());
        PushDelivery.Announcement a = PushDelivery.read(s.forge(), h, GITHUB_PUSH);
        assertTrue(a.pushes("main"));
        assertFalse(a.pushes("mai"));
        assertFalse(a.pushes("develop"));
    }

    @Test
    void anotherSecretATamperedBodyAMalformedOrSha1SignatureAreRefused() {
        byte[] tampered = "{\"ref\":\"refs/heads/main\",\"after\":\"0001\",\"commits\":[]}".getBytes(StandardCharsets.UTF_8);
        for (Function<String, String> h : List.of(
                headers("X-Hub-Signature-256", "sha256=" + hmac("another-secret-of-some-length", GITHUB_PUSH)),
                headers("X-Hub-Signature-256", "sha256=" + hmac(SECRET, tampered)),
                headers("X-Hub-Signature-256", "sha256=zz"),
                headers("X-Hub-Signature-256", "sha256="),
                headers("X-Hub-Signature-256", hmac(SECRET, GITHUB_PUSH)),
                headers("X-Hub-Signature", "sha1=" + "0".repeat(40)),
                headers("X-Gitea-Signature", hmac(SECRET, tampered)),
                headers("X-Gitlab-Token", SECRET + "x"),
                headers("X-Gitlab-Token", ""),
                headers("X-GitHub-Event", "push"))) {
            assertFalse(PushDelivery.verify(h, GITHUB_PUSH, SECRET).valid());
        }
        assertTrue(PushDelivery.verify(headers(), GITHUB_PUSH, SECRET).reason().contains("not signed"));
        assertTrue(PushDelivery.verify(headers("X-Hub-Signature", "sha1=ab"), GITHUB_PUSH, SECRET).reason()
                .contains("only SHA-256"));
    }

    @Test
    void giteaAndForgejoSignWithAPlainHexHmacAndNameTheirEvent() {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        for (String[] names : new String[][] {{"X-Gitea-Signature", "X-Gitea-Event"}, {"X-Forgejo-Signature", "X-Forgejo-Event"}}) {
            var h = headers(names[0], hmac(SECRET, body), "X-Hub-Signature-256", "sha256=" + hmac(SECRET, body),
                    names[1], "push");
            PushDelivery.Signature s = PushDelivery.verify(h, body, SECRET);
            assertTrue(s.valid(), s.reason());
            assertEquals(Forge.GITEA, s.forge());
            assertTrue(PushDelivery.read(Forge.GITEA, h, body).pushes("main"));
        }
    }

    @Test
    void everySignatureADeliveryCarriesMustHoldWhicheverIsWrong() {
        byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        String good = hmac(SECRET, body), bad = hmac("not-the-secret-at-all", body);
        assertFalse(PushDelivery.verify(headers("X-Gitea-Signature", good, "X-Hub-Signature-256", "sha256=" + bad), body, SECRET).valid());
        assertFalse(PushDelivery.verify(headers("X-Gitea-Signature", bad, "X-Hub-Signature-256", "sha256=" + good), body, SECRET).valid());
        assertFalse(PushDelivery.verify(headers("X-Hub-Signature-256", "sha256=" + good, "X-Gitlab-Token", "x"), body, SECRET).valid());
        assertTrue(PushDelivery.verify(headers("X-Gitea-Signature", good, "X-Hub-Signature-256", "sha256=" + good), body, SECRET).valid());
    }

    @Test
    void gitLabSendsTheSecretItselfAndItsPushHookAndTagPushesAreNoBranchPush() {
        byte[] body = "{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
        var h = headers("X-Gitlab-Token", SECRET, "X-Gitlab-Event", "Push Hook");
        PushDelivery.Signature s = PushDelivery.verify(h, body, SECRET);
        assertTrue(s.valid());
        assertEquals(Forge.GITLAB, s.forge());
        assertTrue(PushDelivery.read(Forge.GITLAB, h, body).pushes("main"));
        PushDelivery.Announcement tag = PushDelivery.read(Forge.GITLAB, headers("X-Gitlab-Event", "Tag Push Hook"), body);
        assertEquals("Tag Push Hook", tag.otherEvent());
        assertFalse(tag.pushes("main"));
    }

    @Test
    void bitbucketDataCenterAndCloudListTheirChangedRefsEachTheirWay() {
        byte[] dc = ("{\"eventKey\":\"repo:refs_changed\",\"changes\":[{\"ref\":{\"id\":\"refs/heads/feature\"}},"
                + "{\"ref\":{\"id\":\"refs/heads/main\"}}]}").getBytes(StandardCharsets.UTF_8);
        var h = headers("X-Hub-Signature", "sha256=" + hmac(SECRET, dc), "X-Event-Key", "repo:refs_changed");
        assertEquals(Forge.BITBUCKET, PushDelivery.verify(h, dc, SECRET).forge());
        assertTrue(PushDelivery.verify(h, dc, SECRET).valid());
        assertEquals(List.of("refs/heads/feature", "refs/heads/main"), PushDelivery.read(Forge.BITBUCKET, h, dc).refs());
        byte[] cloud = ("{\"push\":{\"changes\":[{\"new\":{\"type\":\"branch\",\"name\":\"main\"}},"
                + "{\"new\":{\"type\":\"tag\",\"name\":\"v1\"}},{\"new\":null}]}}").getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("refs/heads/main"),
                PushDelivery.read(Forge.BITBUCKET, headers("X-Event-Key", "repo:push"), cloud).refs());
    }

    @Test
    void pingsAndOtherEventsAreNoPush() {
        assertTrue(PushDelivery.read(Forge.GITHUB, headers("X-GitHub-Event", "ping"), "{}".getBytes()).ping());
        assertTrue(PushDelivery.read(Forge.BITBUCKET, headers("X-Event-Key", "diagnostics:ping"), "{}".getBytes()).ping());
        PushDelivery.Announcement issue = PushDelivery.read(Forge.GITHUB, headers("X-GitHub-Event", "issues"), "{}".getBytes());
        assertEquals("issues", issue.otherEvent());
        assertEquals("(no event named)", PushDelivery.read(Forge.GITHUB, headers(), "{}".getBytes()).otherEvent());
    }

    @Test
    void aVerifiedPushWhoseBodyIsNotItsEventsJsonIsRefusedNamingWhy() {
        var h = headers("X-GitHub-Event", "push");
        for (String body : List.of("", "[]", "not json", "{\"ref\":7}", "{}", "{\"ref\":null}")) {
            assertThrows(IllegalArgumentException.class, () -> PushDelivery.read(Forge.GITHUB, h,
                    body.getBytes(StandardCharsets.UTF_8)), body);
        }
        // a key twice (which one would count?) and nesting no push event has: refused, never a server error
        String deep = "{\"ref\":\"refs/heads/main\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        for (String body : List.of("{\"ref\":\"refs/heads/dev\",\"ref\":\"refs/heads/main\"}", deep)) {
            assertThrows(IllegalArgumentException.class, () -> PushDelivery.read(Forge.GITHUB, h,
                    body.getBytes(StandardCharsets.UTF_8)));
        }
        var dc = headers("X-Event-Key", "repo:refs_changed");
        for (String body : List.of("{}", "{\"changes\":{}}", "{\"changes\":[1]}", "{\"changes\":[{\"ref\":{}}]}")) {
            assertThrows(IllegalArgumentException.class, () -> PushDelivery.read(Forge.BITBUCKET, dc,
                    body.getBytes(StandardCharsets.UTF_8)), body);
        }
    }
}
