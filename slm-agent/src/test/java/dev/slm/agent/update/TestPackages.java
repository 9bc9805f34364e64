package dev.slm.agent.update;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Packages and manifests as a server signs them (docs/packages.md), made with a test key. */
public final class TestPackages {

    private TestPackages() {
    }

    /** One tar entry: type 'f' file, 'd' directory, 'l' symlink (content = target), 'h' hard link, 'p' FIFO. */
    public record Entry(char type, String name, String content) {
        public static Entry file(String name, String content) {
            return new Entry('f', name, content);
        }

        public static Entry version(String commit) {
            return file("version.json", "{\"commit\":\"" + commit + "\",\"branch\":\"main\",\"built_at\":\"2026-11-30T00:00:00Z\"}\n");
        }
    }

    public static void write(Path file, List<Entry> entries) throws IOException {
        try (OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(file));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry t = switch (e.type()) {
                    case 'd' -> new TarArchiveEntry(e.name(), TarArchiveEntry.LF_DIR);
                    case 'l' -> new TarArchiveEntry(e.name(), TarArchiveEntry.LF_SYMLINK);
                    case 'h' -> new TarArchiveEntry(e.name(), TarArchiveEntry.LF_LINK);
                    case 'p' -> new TarArchiveEntry(e.name(), TarArchiveEntry.LF_FIFO);
                    default -> new TarArchiveEntry(e.name(), TarArchiveEntry.LF_NORMAL, true);
                };
                byte[] content = e.type() == 'f' ? e.content().getBytes(StandardCharsets.UTF_8) : new byte[0];
                if (e.type() == 'l' || e.type() == 'h') {
                    t.setLinkName(e.content());
                }
                t.setSize(content.length);
                tar.putArchiveEntry(t);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
    }

    /** The canonical manifest bytes for {@code file} as the server writes them. */
    public static byte[] manifest(String commit, Path file) throws IOException {
        long unpacked;
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            unpacked = in.transferTo(OutputStream.nullOutputStream());
        }
        return manifest(1, commit, PackageVerifier.sha256(file), Files.size(file), unpacked);
    }

    public static byte[] manifest(int format, String commit, String sha256, long size, long unpacked) {
        return ("{\"format\":" + format + ",\"commit\":\"" + commit + "\",\"branch\":\"main\",\"path\":\"app\",\"sha256\":\""
                + sha256 + "\",\"size\":" + size + ",\"unpacked_size\":" + unpacked + "}").getBytes(StandardCharsets.UTF_8);
    }

    public static String sign(KeyPair key, byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key.getPrivate());
            s.update(data);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The node the test agents are. */
    public static final String NODE = "n1";

    /** A command for {@code file} as the server sends it: target, package URL, signed manifest, signed command. */
    public static Command command(long id, String commit, String restart, String url, KeyPair key, Path file)
            throws IOException {
        String manifest = Base64.getEncoder().encodeToString(manifest(commit, file));
        byte[] signed = signedCommand(NODE, id, Instant.now(), commit, restart, manifest);
        return new Command(id, commit, restart, url, manifest, sign(key, Base64.getDecoder().decode(manifest)),
                Base64.getEncoder().encodeToString(signed), sign(key, signed));
    }

    /** The canonical bytes of a signed command as the server writes them (docs/packages.md). */
    public static byte[] signedCommand(String node, long id, Instant issuedAt, String target, String restart,
                                       String manifestBase64) {
        byte[] manifest = manifestBase64 == null ? new byte[0] : Base64.getDecoder().decode(manifestBase64);
        return ("{\"format\":1,\"node_id\":\"" + node + "\",\"operation_id\":" + id + ",\"issued_at\":\""
                + issuedAt.truncatedTo(ChronoUnit.MICROS) + "\",\"target_commit\":\"" + target + "\",\"restart\":\""
                + restart + "\",\"manifest_sha256\":\"" + PackageVerifier.sha256(manifest) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    public static String publicKey(KeyPair key) {
        return Base64.getEncoder().encodeToString(key.getPublic().getEncoded());
    }
}
