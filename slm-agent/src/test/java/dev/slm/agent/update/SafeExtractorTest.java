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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeExtractorTest {

    @TempDir
    Path tmp;

    Path outside;

    @BeforeEach
    void setUp() throws IOException {
        outside = Files.createDirectories(tmp.resolve("outside"));
    }

    /** One tar entry: type f (file), d (dir), l (symlink), h (hard link), p (FIFO), c (char device). */
    record E(char type, String name, String content) {
        static E f(String name, String content) { return new E('f', name, content); }
        static E d(String name) { return new E('d', name, null); }
        static E l(String name, String target) { return new E('l', name, target); }
    }

    @Test
    void aGoodArchiveIsExtractedWithModesSymlinksAndNestedDirectories() throws Exception {
        Path archive = archive(List.of(E.d("bin/"), new E('x', "bin/run.sh", "#!/bin/sh\n"), E.f("a/b/c.txt", "c"),
                E.l("current.txt", "a/b/c.txt"), E.l("a/b/up.txt", "../../bin/run.sh")));
        Path target = tmp.resolve("release");
        new SafeExtractor().extract(archive, target);
        assertEquals("c", Files.readString(target.resolve("a/b/c.txt")));
        assertEquals("c", Files.readString(target.resolve("current.txt")));
        assertTrue(Files.isSymbolicLink(target.resolve("a/b/up.txt")));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("bin/run.sh"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("a/b/c.txt"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dotdot", "absolute", "backslash", "drive", "nul", "symlinkToRoot", "symlinkUp",
            "symlinkAbsolute", "writeThroughSymlink", "hardLink", "fifo", "device", "linkChainUp", "empty",
            "linkChainUpDangling", "dotLinkClimbDangling"})
    void hostileArchivesAreRefusedAndLeaveNothingBehind(String attack) throws Exception {
        List<E> entries = switch (attack) {
            case "dotdot" -> List.of(E.f("ok.txt", "ok"), E.f("../escaped.txt", "x"));
            case "absolute" -> List.of(E.f(outside.resolve("abs.txt").toString(), "x"));
            case "backslash" -> List.of(E.f("..\\..\\x.txt", "x"));
            case "drive" -> List.of(E.f("C:/x.txt", "x"));
            // long enough for a PAX header, which carries the NUL through (a plain header would cut the name)
            case "nul" -> List.of(E.f("x".repeat(120) + "\0b.txt", "x"));
            case "symlinkToRoot" -> List.of(E.l("root", "/"));
            case "symlinkUp" -> List.of(E.l("up", "../outside"));
            case "symlinkAbsolute" -> List.of(E.l("abs", outside.toString()));
            case "writeThroughSymlink" -> List.of(E.l("dir", "sub"), E.d("sub/"), E.f("dir/x.txt", "x"));
            case "hardLink" -> List.of(new E('h', "passwd", "/etc/passwd"));
            case "fifo" -> List.of(new E('p', "pipe", null));
            case "device" -> List.of(new E('c', "null", null));
            case "linkChainUp" -> List.of(E.d("a/"), E.l("a/up", ".."), E.l("x", "a/up/.."));
            case "empty" -> List.of(E.f("", "x"));
            // the same climbs to a file that does not exist yet: the service would create it outside when writing
            case "linkChainUpDangling" -> List.of(E.d("a/"), E.l("a/up", ".."), E.l("x", "a/up/../outside/new.txt"));
            case "dotLinkClimbDangling" -> List.of(E.l("d", "."), E.l("x", "d/d/../outside/new.txt"));
            default -> throw new IllegalArgumentException(attack);
        };
        Path target = tmp.resolve("release");
        assertThrows(IOException.class, () -> new SafeExtractor().extract(archive(entries), target), attack);
        assertFalse(Files.exists(target), "nothing half-extracted is left");
        try (var s = Files.list(outside)) {
            assertEquals(0, s.count(), "nothing written outside");
        }
        assertFalse(Files.exists(tmp.resolve("escaped.txt")));
    }

    @Test
    void tooManyEntriesOrBytesAreRefused() throws Exception {
        List<E> many = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            many.add(E.f("f" + i, "x"));
        }
        assertThrows(SafeExtractor.Refused.class, () -> new SafeExtractor(10, 1000).extract(archive(many), tmp.resolve("r1")));
        assertThrows(SafeExtractor.Refused.class, () -> new SafeExtractor(10, 1000)
                .extract(archive(List.of(E.f("big", "x".repeat(1001)))), tmp.resolve("r2")));
        assertFalse(Files.exists(tmp.resolve("r1")));
        assertFalse(Files.exists(tmp.resolve("r2")));
    }

    @Test
    void theTargetMustNotExistSoALiveReleaseIsNeverOverwritten() throws Exception {
        Path live = Files.createDirectories(tmp.resolve("live"));
        Files.writeString(live.resolve("keep.txt"), "keep");
        assertThrows(IOException.class, () -> new SafeExtractor().extract(archive(List.of(E.f("keep.txt", "new"))), live));
        assertEquals("keep", Files.readString(live.resolve("keep.txt")));
    }

    private Path archive(List<E> entries) throws IOException {
        Path file = Files.createTempFile(tmp, "a", ".tar.gz");
        try (OutputStream out = new GzipCompressorOutputStream(Files.newOutputStream(file));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (E e : entries) {
                TarArchiveEntry t = switch (e.type()) {
                    case 'd' -> new TarArchiveEntry(e.name(), TarArchiveEntry.LF_DIR, true);
                    case 'l' -> {
                        TarArchiveEntry l = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_SYMLINK, true);
                        l.setLinkName(e.content());
                        yield l;
                    }
                    case 'h' -> {
                        TarArchiveEntry h = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_LINK, true);
                        h.setLinkName(e.content());
                        yield h;
                    }
                    case 'p' -> new TarArchiveEntry(e.name(), TarArchiveEntry.LF_FIFO, true);
                    case 'c' -> new TarArchiveEntry(e.name(), TarArchiveEntry.LF_CHR, true);
                    default -> new TarArchiveEntry(e.name(), true);
                };
                byte[] content = e.type() == 'f' || e.type() == 'x' ? e.content().getBytes(StandardCharsets.UTF_8) : new byte[0];
                if (e.type() == 'f' || e.type() == 'x') {
                    t.setSize(content.length);
                    t.setMode(e.type() == 'x' ? 0100755 : 0100644);
                }
                tar.putArchiveEntry(t);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return file;
    }
}
