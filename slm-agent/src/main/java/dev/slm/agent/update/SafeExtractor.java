package dev.slm.agent.update;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Extracts an untrusted tar.gz into a directory that must not exist yet, refusing everything STACK.md lists a hostile
 * archive tries: empty, absolute, backslash, drive-letter and NUL names; names that resolve outside the target;
 * writing through a symlink extracted earlier; absolute symlink targets and relative ones that leave the target
 * (checked again for every link once all are in place); hard links, devices and FIFOs. Files are created new
 * (never followed through a link) with mode 644 or 755; entry count and total size are capped. On any failure the
 * directory is deleted, so nothing half-extracted is left.
 */
public final class SafeExtractor {

    public static final int MAX_ENTRIES = 100_000;
    public static final long MAX_TOTAL_BYTES = 4L * 1024 * 1024 * 1024;

    private final int maxEntries;
    private final long maxBytes;

    public SafeExtractor() {
        this(MAX_ENTRIES, MAX_TOTAL_BYTES);
    }

    public SafeExtractor(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** A refused archive; the message says which entry and why. */
    public static class Refused extends IOException {
        public Refused(String message) {
            super(message);
        }
    }

    public void extract(Path archive, Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "extraction needs a fresh directory");
        }
        Files.createDirectories(target);
        try {
            extractInto(archive, target.toRealPath());
        } catch (IOException | RuntimeException e) {
            deleteTree(target);
            throw e;
        }
    }

    private void extractInto(Path archive, Path root) throws IOException {
        List<Path> links = new ArrayList<>();
        int entries = 0;
        long total = 0;
        try (InputStream in = new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(archive)));
             TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8")) {
            // names are UTF-8 (the server writes them so), whatever this JVM's default charset
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (++entries > maxEntries) {
                    throw new Refused("more than " + maxEntries + " entries");
                }
                String name = e.getName();
                Path dest = resolveInside(root, name);
                if (e.isDirectory()) {
                    createDirectoriesInside(root, dest);
                } else if (e.isSymbolicLink()) {
                    createParentsInside(root, dest);
                    Path linkTarget = checkLinkTarget(root, dest, name, e.getLinkName());
                    Files.createSymbolicLink(dest, linkTarget);
                    links.add(dest);
                } else if (e.isFile() && !e.isLink() && !e.isFIFO() && !e.isCharacterDevice()
                        && !e.isBlockDevice() && !e.isGNUSparse() && e.isCheckSumOK()) {
                    if (e.getSize() < 0 || total + e.getSize() > maxBytes) {
                        throw new Refused("more than " + maxBytes + " bytes in all (at " + name + ")");
                    }
                    createParentsInside(root, dest);
                    total += copy(tar, dest, (e.getMode() & 0111) != 0, maxBytes - total);
                } else {
                    throw new Refused("entry '" + name + "' is a hard link, device, FIFO or unknown type: refused");
                }
            }
        }
        for (Path link : links) {
            // a link may point through other links (x -> a/up/..): check where it really ends up
            if (!whereItLeads(link).startsWith(root)) {
                throw new Refused("symlink '" + root.relativize(link) + "' resolves outside the release");
            }
        }
    }

    /**
     * Where writing through {@code link} would land. A dangling link is not harmless: the service creates its target
     * when it writes there, so x -> a/up/../new.txt (a/up -> ..) would create a file beside the release. The part
     * of the target that exists is resolved by the file system, the rest is appended as written.
     */
    private static Path whereItLeads(Path link) throws IOException {
        Path target = link.getParent().resolve(Files.readSymbolicLink(link));
        Path missing = target.getFileSystem().getPath("");
        for (Path existing = target; existing != null; existing = existing.getParent()) {
            try {
                return existing.toRealPath().resolve(missing).normalize();
            } catch (IOException notThere) {
                missing = existing.getFileName().resolve(missing);
            }
        }
        return target.normalize();
    }

    private static Path resolveInside(Path root, String name) throws Refused {
        if (name == null || name.isEmpty() || name.indexOf('\0') >= 0 || name.contains("\\")
                || name.startsWith("/") || name.matches("^[A-Za-z]:.*")) {
            throw new Refused("entry name '" + printable(name) + "' is empty, absolute or malformed");
        }
        Path dest = root.resolve(name).normalize();
        if (!dest.startsWith(root) || dest.equals(root) && !name.replace("/", "").replace(".", "").isEmpty()) {
            throw new Refused("entry '" + printable(name) + "' would land outside the release");
        }
        return dest;
    }

    /** Creates the parents one by one and requires each one's real path inside: no writing through a symlink. */
    private static void createParentsInside(Path root, Path dest) throws IOException {
        createDirectoriesInside(root, dest.getParent());
    }

    private static void createDirectoriesInside(Path root, Path dir) throws IOException {
        Path current = root;
        for (Path part : root.relativize(dir)) {
            current = current.resolve(part);
            if (Files.isSymbolicLink(current)) {
                throw new Refused("'" + root.relativize(current) + "' is a symlink: refusing to write through it");
            }
            if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(current, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused("'" + root.relativize(current) + "' is not a directory");
            }
            if (!current.toRealPath().startsWith(root)) {
                throw new Refused("'" + root.relativize(current) + "' resolves outside the release");
            }
        }
    }

    private static Path checkLinkTarget(Path root, Path link, String name, String target) throws Refused {
        if (target == null || target.isEmpty() || target.indexOf('\0') >= 0 || target.startsWith("/")
                || target.contains("\\")) {
            throw new Refused("symlink '" + printable(name) + "' has an absolute or malformed target: " + printable(target));
        }
        Path resolved = link.getParent().resolve(target).normalize();
        if (!resolved.startsWith(root)) {
            throw new Refused("symlink '" + printable(name) + "' points outside the release: " + printable(target));
        }
        return Path.of(target);
    }

    private static long copy(InputStream in, Path dest, boolean executable, long budget) throws IOException {
        long written = 0;
        try (OutputStream out = Reasons.naming(Files.newOutputStream(dest, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), dest)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                written += n;
                if (written > budget) {
                    throw new Refused("more bytes than the archive's headers declare, or than allowed");
                }
                out.write(buffer, 0, n);
            }
        }
        Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        return written;
    }

    private static String printable(String s) {
        return s == null ? "null" : s.replace("\0", "\\0");
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
