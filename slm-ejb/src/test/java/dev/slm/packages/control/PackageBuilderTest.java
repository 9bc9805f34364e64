package dev.slm.packages.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageBuilderTest {

    @TempDir
    Path tmp;

    @Test
    void thePackageIsGitArchiveOfTheSubdirectoryPlusVersionJsonAndAlwaysTheSameBytes() throws Exception {
        Path work = tmp.resolve("repo");
        git(tmp, "init", "-q", "-b", "main", work.toString());
        Files.createDirectories(work.resolve("app/bin"));
        Files.createDirectories(work.resolve("app/static/deep/er"));
        Files.writeString(work.resolve("app/index.html"), "<h1>hello</h1>\n");
        Files.writeString(work.resolve("app/bin/run.sh"), "#!/bin/sh\necho run\n");
        Files.setPosixFilePermissions(work.resolve("app/bin/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(work.resolve("app/static/deep/er/" + "x".repeat(120) + ".txt"), "long name\n");
        Files.createSymbolicLink(work.resolve("app/current.html"), Path.of("index.html"));
        Files.writeString(work.resolve("app/version.json"), "{\"commit\":\"not ours\"}");
        Files.writeString(work.resolve("outside.txt"), "not in the package\n");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "first");
        String commit = git(work, "rev-parse", "HEAD").trim();

        byte[] first;
        byte[] second;
        try (Repository repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build()) {
            first = build(repo, commit);
            second = build(repo, commit);
        }
        assertArrayEquals(first, second, "the same commit must give the same bytes");

        Map<String, String> ours = describe(new GzipCompressorInputStream(new ByteArrayInputStream(first)));
        String versionJson = ours.remove("version.json");
        assertTrue(versionJson.contains("\"commit\":\"" + commit + "\""), versionJson);
        assertTrue(versionJson.contains("\"branch\":\"main\""), versionJson);

        Process archive = new ProcessBuilder("git", "-c", "tar.umask=022", "archive", "--format=tar", commit + ":app")
                .directory(work.toFile()).start();
        byte[] tar = archive.getInputStream().readAllBytes();
        assertTrue(archive.waitFor(30, TimeUnit.SECONDS) && archive.exitValue() == 0);
        Map<String, String> theirs = describe(new ByteArrayInputStream(tar));
        theirs.remove("version.json"); // replaced by ours
        assertEquals(theirs, ours);
        assertTrue(ours.get("current.html").startsWith("symlink -> index.html"), ours.toString());
        assertTrue(ours.get("bin/run.sh").startsWith("file 755"), ours.toString());
    }

    @Test
    void aCommitOrPathTheRepositoryLacksIsReportedAsMissing() throws Exception {
        Path work = tmp.resolve("repo2");
        git(tmp, "init", "-q", "-b", "main", work.toString());
        Files.writeString(work.resolve("a.txt"), "a");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "one");
        String commit = git(work, "rev-parse", "HEAD").trim();
        try (Repository repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build()) {
            assertThrows(PackageBuilder.MissingCommit.class, () -> PackageBuilder.write(repo,
                    "0123456789abcdef0123456789abcdef01234567", "main", "", new ByteArrayOutputStream()));
            assertThrows(PackageBuilder.MissingCommit.class,
                    () -> PackageBuilder.write(repo, commit, "main", "app", new ByteArrayOutputStream()));
        }
    }

    private static byte[] build(Repository repo, String commit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PackageBuilder.write(repo, commit, "main", "app/", out);
        return out.toByteArray();
    }

    /** name → "type mode content-or-target" for every entry, directories without a trailing slash. */
    private static Map<String, String> describe(InputStream tarStream) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(tarStream)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.getName().equals("pax_global_header")) {
                    continue;
                }
                String name = e.getName().endsWith("/") ? e.getName().substring(0, e.getName().length() - 1) : e.getName();
                String mode = Integer.toOctalString(e.getMode() & 0777);
                if (e.isSymbolicLink()) {
                    entries.put(name, "symlink -> " + e.getLinkName());
                } else if (e.isDirectory()) {
                    entries.put(name, "dir " + mode);
                } else {
                    entries.put(name, "file " + mode + " " + new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return entries;
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-c", "user.name=T", "-c", "user.email=t@t",
                "-c", "commit.gpgsign=false"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return out;
    }
}
