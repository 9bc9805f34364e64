package dev.slm.packages.control;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Built packages on disk, one file per key, with their SHA-256 and unpacked size beside them ({@code <key>.digest}). Callers that ask for the same key while
 * it is being built wait for that one build. The cache is bounded: after a build the least recently served files
 * are deleted until the total fits. A file is written under a temporary name and renamed, so a crash never leaves
 * a half package that looks whole.
 */
public final class PackageCache {

    private static final Logger LOG = Logger.getLogger(PackageCache.class.getName());

    private static final String DIGEST = ".digest";

    private final Path dir;
    private final long maxBytes;
    private final Map<String, CompletableFuture<CachedPackage>> building = new ConcurrentHashMap<>();
    private final AtomicLong builds = new AtomicLong();

    /** @param unpackedSize what the writer said the content takes once unpacked (for the agent's disk check) */
    public record CachedPackage(String key, Path file, long size, String sha256, long unpackedSize) {
    }

    @FunctionalInterface
    public interface Writer {
        /** Writes the package; returns the bytes its content takes once unpacked. */
        long write(OutputStream out) throws IOException;
    }

    public PackageCache(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the package cache " + dir, e);
        }
    }

    public CachedPackage get(String key, Writer writer) throws IOException {
        CachedPackage cached = lookup(key);
        if (cached != null) {
            return cached;
        }
        CompletableFuture<CachedPackage> mine = new CompletableFuture<>();
        CompletableFuture<CachedPackage> running = building.putIfAbsent(key, mine);
        if (running != null) {
            return await(running);
        }
        try {
            CachedPackage built = lookup(key);
            if (built == null) {
                built = build(key, writer);
            }
            mine.complete(built);
            return built;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            building.remove(key);
        }
    }

    /** How many packages this cache built since it was created (for the log and tests). */
    public long builds() {
        return builds.get();
    }

    private CachedPackage lookup(String key) throws IOException {
        Path file = dir.resolve(key + ".tar.gz");
        Path digest = dir.resolve(key + DIGEST);
        if (!Files.exists(file) || !Files.exists(digest)) {
            return null; // also a package cached by a version before the digest file held the unpacked size: rebuilt
        }
        String[] fields = Files.readString(digest).trim().split(" ");
        if (fields.length != 2) {
            return null;
        }
        Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        return new CachedPackage(key, file, Files.size(file), fields[0], Long.parseLong(fields[1]));
    }

    private CachedPackage build(String key, Writer writer) throws IOException {
        long started = System.nanoTime();
        Path tmp = Files.createTempFile(dir, key, ".building");
        try {
            MessageDigest sha = sha256();
            long unpacked;
            try (OutputStream out = new java.io.BufferedOutputStream(
                    new DigestOutputStream(Files.newOutputStream(tmp), sha), 1 << 16)) {
                unpacked = writer.write(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            String hex = HexFormat.of().formatHex(sha.digest());
            Path file = dir.resolve(key + ".tar.gz");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Path digestTmp = Files.createTempFile(dir, key, ".digesttmp");
            Files.writeString(digestTmp, hex + " " + unpacked + "\n");
            Files.move(digestTmp, dir.resolve(key + DIGEST), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            builds.incrementAndGet();
            long size = Files.size(file);
            LOG.info(() -> "built package " + key + ": " + size + " bytes, sha256 " + hex + ", in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
            evictBeyondLimit(file);
            return new CachedPackage(key, file, size, hex, unpacked);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void evictBeyondLimit(Path keep) throws IOException {
        List<Path> packages;
        try (Stream<Path> s = Files.list(dir)) {
            packages = s.filter(p -> p.getFileName().toString().endsWith(".tar.gz"))
                    .sorted(Comparator.comparing(PackageCache::lastModified))
                    .toList();
        }
        long total = 0;
        for (Path p : packages) {
            total += Files.size(p);
        }
        for (Path p : packages) {
            if (total <= maxBytes) {
                break;
            }
            if (!p.equals(keep)) {
                long size = Files.size(p);
                String name = p.getFileName().toString();
                String key = name.substring(0, name.length() - ".tar.gz".length());
                Files.deleteIfExists(dir.resolve(key + DIGEST));
                Files.deleteIfExists(dir.resolve(key + ".sha256")); // beside a package cached by an older version
                Files.deleteIfExists(p);
                total -= size;
                LOG.info(() -> "evicted package " + name + " from the cache");
            }
        }
    }

    private static FileTime lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static CachedPackage await(CompletableFuture<CachedPackage> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a package build", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("the package build failed: " + e.getCause(), e.getCause());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
