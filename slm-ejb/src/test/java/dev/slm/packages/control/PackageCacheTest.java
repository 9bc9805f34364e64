package dev.slm.packages.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageCacheTest {

    @TempDir
    Path tmp;

    @Test
    void aHundredConcurrentRequestsForOnePackageCauseOneBuild() throws Exception {
        PackageCache cache = new PackageCache(tmp, 1 << 20);
        AtomicInteger writes = new AtomicInteger();
        // a thread per caller: the build holds its caller until every one has come to the cache
        ExecutorService pool = Executors.newFixedThreadPool(100);
        CountDownLatch arrived = new CountDownLatch(100);
        List<Future<PackageCache.CachedPackage>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            results.add(pool.submit(() -> {
                arrived.countDown();
                return cache.get("k", out -> {
                    writes.incrementAndGet();
                    try {
                        assertTrue(arrived.await(30, TimeUnit.SECONDS), "every caller came while it builds");
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                    out.write("content".getBytes());
                    return 7;
                });
            }));
        }
        String sha = null;
        for (Future<PackageCache.CachedPackage> f : results) {
            PackageCache.CachedPackage p = f.get();
            sha = sha == null ? p.sha256() : sha;
            assertEquals(sha, p.sha256());
            assertEquals(7, p.unpackedSize());
        }
        pool.shutdown();
        assertEquals(1, writes.get());
        assertEquals(1, cache.builds());
        assertEquals("ed7002b439e9ac845f22357d822bac1444730fbdb6016d3ec9432297b9ec9f73", sha); // sha256("content")
        PackageCache.CachedPackage reopened = new PackageCache(tmp, 1 << 20).get("k", out -> {
            throw new AssertionError("a cached package is not built again");
        });
        assertEquals(sha, reopened.sha256());
        assertEquals(7, reopened.unpackedSize(), "the unpacked size survives a restart, for the manifest");
    }

    @Test
    void theLeastRecentlyUsedPackagesAreEvictedBeyondTheLimit() throws Exception {
        PackageCache cache = new PackageCache(tmp, 2500);
        PackageCache.Writer kilobyte = out -> {
            out.write(new byte[1000]);
            return 1000;
        };
        cache.get("a", kilobyte);
        cache.get("b", kilobyte);
        // the cache knows use by the files' modification times: "a" built two hours ago, "b" one hour ago ...
        Instant now = Instant.now();
        Files.setLastModifiedTime(tmp.resolve("a.tar.gz"), FileTime.from(now.minus(Duration.ofHours(2))));
        Files.setLastModifiedTime(tmp.resolve("b.tar.gz"), FileTime.from(now.minus(Duration.ofHours(1))));
        // ... and "a" served again since: "b" is now the least recently used
        cache.get("a", out -> {
            throw new AssertionError("served from the cache");
        });
        cache.get("c", kilobyte);
        assertTrue(Files.exists(tmp.resolve("a.tar.gz")));
        assertFalse(Files.exists(tmp.resolve("b.tar.gz")));
        assertTrue(Files.exists(tmp.resolve("c.tar.gz")));
    }

    @Test
    void aFailedBuildLeavesNothingThatLooksLikeAPackage() throws Exception {
        PackageCache cache = new PackageCache(tmp, 1 << 20);
        try {
            cache.get("broken", out -> {
                out.write(new byte[10]);
                throw new java.io.IOException("disk full");
            });
        } catch (java.io.IOException expected) {
            assertEquals("disk full", expected.getMessage());
        }
        try (var files = Files.list(tmp)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void manifestSignaturesVerifyWithThePublishedKeyAndFailForAnotherCommit() throws Exception {
        SigningKey key = SigningKey.loadOrCreate(tmp.resolve("signing"));
        SigningKey again = SigningKey.loadOrCreate(tmp.resolve("signing"));
        assertEquals(key.publicKeyBase64(), again.publicKeyBase64(), "the key pair is kept, not recreated");
        var pub = KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.publicKeyBase64())));
        String digest = "ed7002b439e9ac845f22357d822bac1444730fbdb6016d3ec9432297b9ec9f73";
        PackageManifest signed = new PackageManifest("1".repeat(40), "main", "app", digest, 27, 2048);
        String signature = key.sign(signed);
        assertTrue(verifies(pub, signed.canonicalBytes(), signature));
        PackageManifest replayed = new PackageManifest("2".repeat(40), "main", "app", digest, 27, 2048);
        assertFalse(verifies(pub, replayed.canonicalBytes(), signature), "the signature binds the commit");
        assertFalse(verifies(pub, java.util.HexFormat.of().parseHex(digest), signature),
                "a manifest signature is not a signature of the bare digest");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(tmp.resolve("signing/ed25519.key"))));
    }

    private static boolean verifies(java.security.PublicKey key, byte[] data, String signature) throws Exception {
        java.security.Signature s = java.security.Signature.getInstance("Ed25519");
        s.initVerify(key);
        s.update(data);
        return s.verify(Base64.getDecoder().decode(signature));
    }
}
