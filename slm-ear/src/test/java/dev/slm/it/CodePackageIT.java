package dev.slm.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.it.support.Api;
import dev.slm.it.support.TestServer;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Code packages over HTTP from the real server: signed, cached (one build per commit), resumable, per node. */
class CodePackageIT {

    static TestServer it;
    static final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

    @BeforeAll
    static void startServer() throws Exception {
        it = TestServer.start("package-it", r -> r.commit("First version", "app/index.html", "<h1>v1</h1>\n"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (it != null) {
            it.close();
        }
    }

    @Test
    void thePackageIsSignedVerifiableConditionalAndResumable() throws Exception {
        String latest = it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version");
        String token = register("pkg-1");

        HttpResponse<byte[]> full = download("pkg-1", token, null);
        assertEquals(200, full.statusCode());
        assertEquals("application/gzip", full.headers().firstValue("Content-Type").orElse(""));
        byte[] body = full.body();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        assertEquals(sha, full.headers().firstValue("X-SLM-SHA256").orElseThrow());
        assertEquals(latest, full.headers().firstValue("X-SLM-Commit").orElseThrow());
        JsonObject key = it.api.get("api/signing-key", null).json();
        byte[] manifest = Base64.getDecoder().decode(full.headers().firstValue("X-SLM-Manifest").orElseThrow());
        assertTrue(verifies(key.getString("public_key"), manifest,
                full.headers().firstValue("X-SLM-Manifest-Signature").orElseThrow()), "the manifest is signed");
        assertEquals("{\"format\":1,\"commit\":\"" + latest + "\",\"branch\":\"main\",\"path\":\"app\",\"sha256\":\""
                        + sha + "\",\"size\":" + body.length + ",\"unpacked_size\":" + unpackedSize(body) + "}",
                new String(manifest, StandardCharsets.UTF_8), "the manifest names what the package is (docs/packages.md)");
        assertTrue(verifies(key.getString("public_key"), HexFormat.of().parseHex(sha),
                full.headers().firstValue("X-SLM-Signature").orElseThrow()), "the digest's signature, for older agents");
        String tarText = new String(new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(tarText.contains("\"commit\":\"" + latest + "\""), "version.json inside");
        assertTrue(tarText.contains("<h1>v1</h1>"), "index.html inside");

        String etag = full.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, download("pkg-1", token, Map.of("If-None-Match", etag)).statusCode());

        HttpResponse<byte[]> part = download("pkg-1", token, Map.of("Range", "bytes=10-99"));
        assertEquals(206, part.statusCode());
        assertEquals("bytes 10-99/" + body.length, part.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(body, 10, 100), part.body());
        HttpResponse<byte[]> rest = download("pkg-1", token, Map.of("Range", "bytes=100-"));
        assertArrayEquals(Arrays.copyOfRange(body, 100, body.length), rest.body());
        assertEquals(416, download("pkg-1", token, Map.of("Range", "bytes=" + body.length + "-")).statusCode());
        // If-Range (RFC 9110 13.1.5): the range only while the package is the one named, else the whole of it (the
        // range was served whatever If-Range said)
        assertEquals(206, download("pkg-1", token, Map.of("Range", "bytes=10-99", "If-Range", etag)).statusCode());
        for (String other : new String[] {"\"junk\"", "W/" + etag, "Wed, 02 Dec 2026 10:00:00 GMT"}) {
            HttpResponse<byte[]> whole = download("pkg-1", token, Map.of("Range", "bytes=10-99", "If-Range", other));
            assertEquals(200, whole.statusCode(), other);
            assertArrayEquals(body, whole.body(), other);
        }

        HttpResponse<byte[]> same = download("pkg-1", token, null, "?version=" + latest);
        assertArrayEquals(body, same.body(), "the same commit gives the same bytes");
    }

    @Test
    void onlyTheNodesOwnTokenFetchesAndBadVersionsAreRefused() throws Exception {
        it.api.post("api/updates/refresh", it.admin, null);
        String token = register("pkg-2");
        String other = register("pkg-3");
        FleetTrackingIT.assertProblem(401, asApi(download("pkg-2", null, null)));
        FleetTrackingIT.assertProblem(403, asApi(download("pkg-2", other, null)));
        FleetTrackingIT.assertProblem(404, asApi(download("no-such-node", token, null)));
        FleetTrackingIT.assertProblem(400, asApi(download("pkg-2", token, null, "?version=HEAD")));
        FleetTrackingIT.assertProblem(404, asApi(download("pkg-2", token, null,
                "?version=0123456789abcdef0123456789abcdef01234567")));
        FleetTrackingIT.assertProblem(401, asApi(download("pkg-2", null, Map.of("Authorization", it.admin))));
    }

    @Test
    void aHundredAgentsAskingForANewCommitAtOnceCauseOneBuild() throws Exception {
        String token = register("pkg-many");
        String next = it.repo.commit("Commit for the crowd", "app/index.html", "<h1>crowd</h1>\n" + "x".repeat(200_000));
        assertEquals(next, it.api.post("api/updates/refresh", it.admin, null).json().getString("latest_version"));
        List<CompletableFuture<HttpResponse<byte[]>>> downloads = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            downloads.add(http.sendAsync(request("pkg-many", token, null, ""), HttpResponse.BodyHandlers.ofByteArray()));
        }
        Set<String> digests = new HashSet<>();
        for (CompletableFuture<HttpResponse<byte[]>> d : downloads) {
            HttpResponse<byte[]> r = d.get();
            assertEquals(200, r.statusCode());
            digests.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.body())));
        }
        assertEquals(1, digests.size());
        long builds = Files.readAllLines(it.work.resolve("server.log")).stream()
                .filter(l -> l.contains("built package " + next)).count();
        assertEquals(1, builds, "packages built for " + next);
    }

    /**
     * A commit whose tracked directory holds a link that leaves it (through another link, the class of
     * {@code x -> a/up/..}) is shown as not deployable and every way to sync to it answers 409 with the reason,
     * creating nothing; the agent asking for its package is told the same. A fixing commit makes it deployable again.
     */
    @Test
    void aCommitNoAgentCouldInstallIsNotDeployableAndCreatesNoOperationUntilAFixingCommit() throws Exception {
        String token = register("pkg-bad");
        java.nio.file.Path conf = it.repo.dir().resolve("app/conf");
        Files.createDirectories(conf);
        Files.createSymbolicLink(conf.resolve("up"), java.nio.file.Path.of(".."));
        Files.createSymbolicLink(conf.resolve("escape"), java.nio.file.Path.of("up/../.."));
        it.repo.git("add", "-A");
        it.repo.git("commit", "-q", "-m", "A link that leaves the tracked directory");
        String bad = it.repo.head();
        String reason = "app/conf/escape -> up/../..: leaves the distributed directory through the symlink app/conf/up";

        JsonObject refreshed = it.api.post("api/updates/refresh", it.admin, null).json();
        assertEquals(bad, refreshed.getString("latest_version"));
        assertFalse(refreshed.getBoolean("deployable"), refreshed.toString());
        assertEquals(reason, refreshed.getString("not_deployable_reason"));
        JsonObject status = it.api.get("api/updates/status", it.admin).json();
        assertFalse(status.getBoolean("deployable"), status.toString());
        assertEquals(reason, status.getString("not_deployable_reason"));

        for (Api.Response refused : List.of(it.api.post("api/nodes/pkg-bad/sync", it.admin, "{\"restart\": true}"),
                it.api.post("api/fleet/sync", it.admin, "{\"node_ids\": [\"pkg-bad\"]}"),
                asApi(download("pkg-bad", token, null)))) {
            FleetTrackingIT.assertProblem(409, refused);
            assertEquals(bad, refused.json().getString("commit"), refused.toString());
            assertEquals(reason, refused.json().getString("not_deployable_reason"), refused.toString());
            assertTrue(refused.json().getString("detail").contains(reason), refused.toString());
        }
        assertEquals(List.of(), it.db.query("SELECT id FROM sync_operation WHERE node_id = 'pkg-bad'"),
                "no operation for a commit no agent could install");

        Files.delete(conf.resolve("escape"));
        it.repo.git("add", "-A");
        it.repo.git("commit", "-q", "-m", "Fix the link");
        JsonObject fixed = it.api.post("api/updates/refresh", it.admin, null).json();
        assertTrue(fixed.getBoolean("deployable"), fixed.toString());
        assertTrue(fixed.isNull("not_deployable_reason"), fixed.toString());
        Api.Response sync = it.api.post("api/nodes/pkg-bad/sync", it.admin, "{\"restart\": true}");
        assertEquals(202, sync.status(), sync.toString());
        assertEquals(1, it.db.query("SELECT id FROM sync_operation WHERE node_id = 'pkg-bad'").size());
        assertEquals(200, download("pkg-bad", token, null).statusCode());
    }

    private static boolean verifies(String publicKeyBase64, byte[] signed, String signatureBase64) throws Exception {
        PublicKey key = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKeyBase64)));
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(key);
        s.update(signed);
        return s.verify(Base64.getDecoder().decode(signatureBase64));
    }

    private static long unpackedSize(byte[] gzipped) throws Exception {
        return new GZIPInputStream(new ByteArrayInputStream(gzipped)).readAllBytes().length;
    }

    private static String register(String nodeId) throws Exception {
        Api.Response r = it.api.post("api/nodes", it.admin, "{\"node_id\":\"" + nodeId + "\"}");
        assertEquals(201, r.status(), r.toString());
        return r.json().getString("token");
    }

    private static HttpResponse<byte[]> download(String node, String token, Map<String, String> headers) throws Exception {
        return download(node, token, headers, "");
    }

    private static HttpResponse<byte[]> download(String node, String token, Map<String, String> headers, String query)
            throws Exception {
        return http.send(request(node, token, headers, query), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest request(String node, String token, Map<String, String> headers, String query) {
        HttpRequest.Builder b = HttpRequest.newBuilder(it.server.baseUri().resolve("api/nodes/" + node + "/code-package" + query));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (headers != null) {
            headers.forEach(b::header);
        }
        return b.build();
    }

    private static Api.Response asApi(HttpResponse<byte[]> r) {
        return new Api.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                new String(r.body(), StandardCharsets.UTF_8));
    }
}
