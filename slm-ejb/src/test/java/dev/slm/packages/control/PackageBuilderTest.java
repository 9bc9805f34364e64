package dev.slm.packages.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PackageBuilderTest {

    @TempDir
    Path tmp;

    @Test
    void thePackageIsGitArchiveOfThePathWithExportIgnoreAndSubmodulesPlusVersionJsonAndAlwaysTheSameBytes()
            throws Exception {
        Path work = tmp.resolve("repo");
        git(tmp, "init", "-q", "-b", "main", work.toString());
        Files.createDirectories(work.resolve("app/bin"));
        Files.createDirectories(work.resolve("app/static/deep/er"));
        Files.writeString(work.resolve("app/index.html"), "<h1>hello</h1>\n");
        Files.writeString(work.resolve("app/bin/run.sh"), "#!/bin/sh\necho run\n");
        Files.setPosixFilePermissions(work.resolve("app/bin/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(work.resolve("app/static/deep/er/" + "x".repeat(120) + ".txt"), "long name\n");
        Files.createSymbolicLink(work.resolve("app/current.html"), Path.of("index.html"));
        // safe relative links: up and back into the tree, to a directory, and one that points at nothing yet
        Files.createSymbolicLink(work.resolve("app/static/home.html"), Path.of("../index.html"));
        Files.createSymbolicLink(work.resolve("app/static/shortcut"), Path.of("deep/er"));
        Files.createSymbolicLink(work.resolve("app/static/later"), Path.of("../logs/today.log"));
        Files.writeString(work.resolve("app/version.json"), "{\"commit\":\"not ours\"}");
        Files.writeString(work.resolve("outside.txt"), "not in the package\n");
        // export-ignore from the repository's root and from inside the tracked directory
        Files.writeString(work.resolve(".gitattributes"), "app/docs export-ignore\n*.tmp export-ignore\n");
        Files.createDirectories(work.resolve("app/docs"));
        Files.writeString(work.resolve("app/docs/internal.md"), "internal\n");
        Files.createDirectories(work.resolve("app/cache"));
        Files.writeString(work.resolve("app/cache/build.tmp"), "scratch\n");
        Files.createDirectories(work.resolve("app/keep"));
        Files.writeString(work.resolve("app/keep/.gitattributes"), "secret.txt export-ignore\n");
        Files.writeString(work.resolve("app/keep/secret.txt"), "secret\n");
        Files.writeString(work.resolve("app/keep/public.txt"), "public\n");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "first");
        // a submodule (gitlink) without cloning one
        git(work, "update-index", "--add", "--cacheinfo", "160000," + git(work, "rev-parse", "HEAD").trim() + ",app/vendor/lib");
        git(work, "commit", "-q", "-m", "submodule");
        String commit = git(work, "rev-parse", "HEAD").trim();

        byte[] first;
        byte[] second;
        try (Repository repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build()) {
            assertEquals(Optional.empty(), PackageBuilder.refusal(repo, commit, "main", "app"));
            first = build(repo, commit);
            second = build(repo, commit);
        }
        assertArrayEquals(first, second, "the same commit must give the same bytes");

        Map<String, String> ours = describe(new GzipCompressorInputStream(new ByteArrayInputStream(first)));
        String versionJson = ours.remove("version.json");
        assertTrue(versionJson.contains("\"commit\":\"" + commit + "\""), versionJson);
        assertTrue(versionJson.contains("\"branch\":\"main\""), versionJson);

        Map<String, String> theirs = gitArchive(work, commit, "app");
        theirs.remove("version.json"); // replaced by ours
        assertEquals(theirs, ours);
        assertFalse(ours.containsKey("docs"), ours.toString());
        assertFalse(ours.containsKey("cache/build.tmp"), ours.toString());
        assertFalse(ours.containsKey("keep/secret.txt"), ours.toString());
        assertEquals("dir 755", ours.get("cache"), "a directory whose files are all ignored stays, as in git archive");
        assertEquals("dir 755", ours.get("vendor/lib"), "a submodule is an empty directory");
        assertTrue(ours.get("current.html").startsWith("symlink -> index.html"), ours.toString());
        assertTrue(ours.get("bin/run.sh").startsWith("file 755"), ours.toString());
    }

    /** Trees git archive ships as they are and no agent would install: refused, naming the first offending path. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "absolute      | app/conf/link -> /etc/passwd: an absolute symlink",
        "escaping      | app/conf/up -> ../../outside.txt: leaves the distributed directory",
        "throughLink   | app/x -> a/up/..: leaves the distributed directory through the symlink app/a/up",
        "throughChain  | app/y -> b/..: leaves the distributed directory through the symlink app/b",
        "loop          | app/loop -> loop: more than 40 symlinks to follow (a loop?)",
        "missingThenUp | app/x -> up/missing/../..: leaves the distributed directory through the symlink app/up",
        "fileThenUp    | app/x -> up/f/../..: leaves the distributed directory through the symlink app/up",
        "backslashName | app/..\\evil.txt: a backslash in the name (the agent refuses it)",
        "backslashLink | app/l -> ..\\..\\x: a backslash in the symlink target (the agent refuses it)",
        "driveLetter   | app/C:evil.txt: a name that starts like a drive letter (the agent refuses it)",
        "longName      | app/%s: a name longer than 255 bytes (no Linux file system holds it)",
        "duplicate     | app/d: the name appears twice in its directory",
    })
    void aTreeNoAgentCouldInstallIsRefusedWithItsFirstOffendingPathWhereGitArchiveShipsIt(String kind, String reason)
            throws Exception {
        Path work = tmp.resolve(kind);
        git(tmp, "init", "-q", "-b", "main", work.toString());
        Files.createDirectories(work.resolve("app/conf"));
        Files.writeString(work.resolve("app/index.html"), "ok\n");
        Files.writeString(work.resolve("outside.txt"), "outside\n");
        String longName = "n".repeat(256);
        String offending = switch (kind) {
            case "absolute" -> link(work, "app/conf/link", "/etc/passwd");
            case "escaping" -> link(work, "app/conf/up", "../../outside.txt");
            case "throughLink" -> {
                Files.createDirectories(work.resolve("app/a"));
                link(work, "app/a/up", ".."); // alone harmless: app/a/.. is app
                yield link(work, "app/x", "a/up/..");
            }
            case "throughChain" -> {
                link(work, "app/b", "conf/c2"); // app/b is app/conf/c2, which is app: harmless alone
                link(work, "app/conf/c2", "..");
                yield link(work, "app/y", "b/.."); // written inside, but b/.. is app/..
            }
            case "loop" -> link(work, "app/loop", "loop");
            case "missingThenUp" -> {
                // the agent resolves what exists (app/up is app) and appends the rest as written: app/missing/../..
                link(work, "app/up", ".");
                yield link(work, "app/x", "up/missing/../..");
            }
            case "fileThenUp" -> {
                link(work, "app/up", "."); // likewise past a file: app/f/../.. is outside
                file(work, "app/f");
                yield link(work, "app/x", "up/f/../..");
            }
            case "backslashName" -> file(work, "app/..\\evil.txt");
            case "backslashLink" -> link(work, "app/l", "..\\..\\x");
            case "driveLetter" -> file(work, "app/C:evil.txt");
            case "longName" -> "app/" + longName; // no file system here holds it: put in the index below
            case "duplicate" -> "app/d"; // a symlink d -> sub and a directory d: written through the link
            default -> throw new IllegalArgumentException(kind);
        };
        git(work, "add", "-A");
        if (kind.equals("longName")) {
            hostileEntry(work, offending);
        }
        git(work, "commit", "-q", "-m", kind);
        if (kind.equals("duplicate")) {
            String sub = gitIn(work, "100644 blob " + blob(work, "x\n") + "\tf\n", "mktree");
            handMadeCommit(work, "120000 blob " + blob(work, "sub") + "\td\n040000 tree " + sub + "\td\n");
        }
        String commit = git(work, "rev-parse", "HEAD").trim();
        String expected = reason.replace("%s", longName);

        assertTrue(gitArchive(work, commit, "app").containsKey(offending.substring("app/".length())),
                "git archive ships " + offending);
        try (Repository repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build()) {
            assertEquals(Optional.of(expected), PackageBuilder.refusal(repo, commit, "main", "app"));
            PackageRules.Refused refused = assertThrows(PackageRules.Refused.class, () -> build(repo, commit));
            assertEquals(expected, refused.getMessage());
        }
    }

    @Test
    void aHandMadeTreeWithADotDotNameIsRefusedAsGitArchiveRefusesIt() throws Exception {
        Path work = tmp.resolve("dotdot");
        git(tmp, "init", "-q", "-b", "main", work.toString());
        String commit = handMadeCommit(work, "100644 blob " + blob(work, "x\n") + "\t..\n");
        try (Repository repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build()) {
            assertEquals(Optional.of("app/..: a malformed name ('..')"), PackageBuilder.refusal(repo, commit, "main", "app"));
        }
    }

    @Test
    void aPathTooLongForAnyInstallDirectoryIsRefusedThoughEachNameFits() throws Exception {
        Path work = tmp.resolve("deep");
        git(tmp, "init", "-q", "-b", "main", work.toString());
        // 17 directories of 250-byte names: every name fits, the path (over 4,000 bytes) does not
        String tree = gitIn(work, "100644 blob " + blob(work, "x\n") + "\tf\n", "mktree");
        String dirs = "";
        for (int i = 16; i >= 0; i--) {
            String name = "d".repeat(248) + String.format("%02d", i);
            tree = gitIn(work, "040000 tree " + tree + "\t" + name + "\n", "mktree");
            dirs = name + "/" + dirs;
        }
        String commit = handMadeCommit(work, "040000 tree " + tree + "\tdeep\n");
        // the first entry past the bound: deep/ and 16 of the directories (4,020 bytes)
        String first = "app/deep/" + dirs.substring(0, 16 * 251 - 1);
        try (Repository repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build()) {
            assertEquals(Optional.of(first + ": a path longer than 4006 bytes (no agent's install directory leaves room for it)"),
                    PackageBuilder.refusal(repo, commit, "main", "app"));
        }
    }

    /** git honours C-quoted patterns in .gitattributes, JGit does not: shipping what git archive leaves out is refused. */
    @Test
    void aQuotedExportIgnorePatternIsRefusedRatherThanShippingWhatGitArchiveLeavesOut() throws Exception {
        Path work = tmp.resolve("quoted");
        git(tmp, "init", "-q", "-b", "main", work.toString());
        Files.createDirectories(work.resolve("app/keep out"));
        Files.createDirectories(work.resolve("app/sub"));
        Files.writeString(work.resolve("app/keep out/secret.txt"), "s\n");
        Files.writeString(work.resolve("app/sub/b c.txt"), "s\n");
        Files.writeString(work.resolve("app/index.html"), "ok\n");
        Files.writeString(work.resolve(".gitattributes"), "\"app/keep out\" export-ignore\n");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "quoted");
        String commit = git(work, "rev-parse", "HEAD").trim();
        assertFalse(gitArchive(work, commit, "app").containsKey("keep out/secret.txt"), "git archive leaves it out");
        // a macro in a subdirectory's file, and a quoted line without export-ignore (harmless)
        Files.writeString(work.resolve(".gitattributes"), "[attr]private export-ignore\n\"app/x y\" text\n");
        Files.writeString(work.resolve("app/sub/.gitattributes"), "\"b c.txt\" private\n");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "macro");
        String macro = git(work, "rev-parse", "HEAD").trim();
        assertFalse(gitArchive(work, macro, "app").containsKey("sub/b c.txt"), "git archive leaves it out");
        try (Repository repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build()) {
            assertEquals(Optional.of(".gitattributes: the quoted pattern in '\"app/keep out\" export-ignore' (git archive"
                    + " honours it, this server cannot: write the pattern unquoted, e.g. with ? for a space)"),
                    PackageBuilder.refusal(repo, commit, "main", "app"));
            assertEquals(Optional.of("app/sub/.gitattributes: the quoted pattern in '\"b c.txt\" private' (git archive"
                    + " honours it, this server cannot: write the pattern unquoted, e.g. with ? for a space)"),
                    PackageBuilder.refusal(repo, macro, "main", "app"));
        }
    }

    @Test
    void theAgentsCapsOnEntriesAndBytesAreApplied() throws Exception {
        Path work = tmp.resolve("caps");
        git(tmp, "init", "-q", "-b", "main", work.toString());
        Files.writeString(work.resolve("a.txt"), "12345");
        Files.writeString(work.resolve("b.txt"), "67890");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "two files");
        String commit = git(work, "rev-parse", "HEAD").trim();
        try (Repository repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build();
             var walk = new org.eclipse.jgit.revwalk.RevWalk(repo)) {
            var c = walk.parseCommit(repo.resolve(commit));
            PackageTree all = PackageTree.read(repo.newObjectReader(), c, "", 10);
            assertEquals(Optional.empty(), PackageRules.check(all, 100, 3, 110));
            assertEquals(Optional.of("more than 2 files, directories and links (the agent's limit)"),
                    PackageRules.check(all, 100, 2, 110));
            assertEquals(Optional.of("more than 109 bytes of files (the agent's limit), at b.txt"),
                    PackageRules.check(all, 100, 3, 109));
            assertTrue(PackageTree.read(repo.newObjectReader(), c, "", 1).truncated());
        }
    }

    @Test
    void aCommitTheMirrorLacksIsMissingAndACommitWithoutTheDirectoryIsNotDeployable() throws Exception {
        Path work = tmp.resolve("repo2");
        git(tmp, "init", "-q", "-b", "main", work.toString());
        Files.writeString(work.resolve("a.txt"), "a");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "one");
        String commit = git(work, "rev-parse", "HEAD").trim();
        Files.createDirectories(work.resolve("other"));
        Files.writeString(work.resolve("other/o.txt"), "o");
        link(work, "app", "other");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "app is a symlink");
        String symlinked = git(work, "rev-parse", "HEAD").trim();
        try (Repository repo = new FileRepositoryBuilder().setGitDir(work.resolve(".git").toFile()).build()) {
            // another instance may have fetched it: this server cannot tell
            assertThrows(PackageBuilder.MissingCommit.class, () -> PackageBuilder.write(repo,
                    "0123456789abcdef0123456789abcdef01234567", "main", "", new ByteArrayOutputStream()));
            // the commit is here and has no directory to install (deleted, or a symlink): no agent can install it
            for (String c : List.of(commit, symlinked)) {
                PackageRules.Refused refused = assertThrows(PackageRules.Refused.class,
                        () -> PackageBuilder.write(repo, c, "main", "app", new ByteArrayOutputStream()));
                assertEquals("app: not a directory in this commit (deleted, renamed, or a symlink, file or submodule)",
                        refused.getMessage());
                assertEquals(Optional.of(refused.getMessage()), PackageBuilder.refusal(repo, c, "main", "app"));
            }
        }
    }

    private static String link(Path work, String path, String target) throws IOException {
        Files.createDirectories(work.resolve(path).getParent());
        Files.createSymbolicLink(work.resolve(path), Path.of(target));
        return path;
    }

    private static String file(Path work, String path) throws IOException {
        Files.writeString(work.resolve(path), "x\n");
        return path;
    }

    /** An entry no file system here can hold: written into the index by hand. */
    private static String hostileEntry(Path work, String path) throws Exception {
        Files.writeString(work.resolve("blob.txt"), "x\n");
        String blob = git(work, "hash-object", "-w", "blob.txt").trim();
        Files.delete(work.resolve("blob.txt"));
        git(work, "update-index", "--add", "--cacheinfo", "100644," + blob + "," + path);
        return path;
    }

    /** A commit whose {@code app} holds the tree {@code git mktree} makes of the lines (git checks few names). */
    private static String handMadeCommit(Path work, String appTreeLines) throws Exception {
        String app = gitIn(work, appTreeLines, "mktree");
        String root = gitIn(work, "040000 tree " + app + "\tapp\n", "mktree");
        String commit = git(work, "commit-tree", root, "-m", "hand-made").trim();
        git(work, "update-ref", "refs/heads/main", commit);
        return commit;
    }

    private static String blob(Path work, String content) throws Exception {
        return gitIn(work, content, "hash-object", "-w", "--stdin");
    }

    private static String gitIn(Path dir, String input, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
        try (var in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", args) + ": "
                + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        return out.trim();
    }

    /** What {@code git archive <commit> <path>} gives, relative to the path (whose own entry is left out). */
    private static Map<String, String> gitArchive(Path work, String commit, String path) throws Exception {
        Process archive = new ProcessBuilder("git", "-c", "tar.umask=022", "-c", "core.attributesFile=/dev/null", "archive", "--format=tar", commit, path)
                .directory(work.toFile()).start();
        byte[] tar = archive.getInputStream().readAllBytes();
        assertTrue(archive.waitFor(30, TimeUnit.SECONDS) && archive.exitValue() == 0);
        Map<String, String> theirs = new TreeMap<>();
        describe(new ByteArrayInputStream(tar)).forEach((name, what) -> {
            if (name.startsWith(path + "/")) {
                theirs.put(name.substring(path.length() + 1), what);
            }
        });
        return theirs;
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
