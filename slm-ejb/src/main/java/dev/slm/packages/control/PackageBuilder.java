package dev.slm.packages.control;

import dev.slm.platform.ServerSettings;
import jakarta.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Writes the tar.gz of one subdirectory at one commit straight from the git object database (no checkout).
 * The entries are those {@code git archive <commit> <path>} gives ({@link PackageTree}: export-ignore honoured, a
 * submodule as an empty directory), relative to the subdirectory, and only when {@link PackageRules} finds nothing an
 * agent would refuse. Deterministic: entries in git's order, every time the commit time, uid/gid 0 without names,
 * modes 644/755 for files and directories, symlinks as stored, POSIX long names, a gzip header without time or name.
 * The root holds {@code version.json} ({@code commit}, {@code branch}, {@code built_at} = the commit time, so that the
 * same commit always gives the same bytes); whatever the repository's subdirectory has at that name is replaced by it.
 * The differences from git archive, and why, are in {@code docs/packages.md}.
 */
public final class PackageBuilder {

    public static final String VERSION_FILE = "version.json";
    /**
     * Part of the cache key: a package built by an earlier builder (other contents for the same commit) is not reused.
     * Also raised when {@link PackageRules} refuses more: a package cached before would otherwise still be served.
     */
    public static final int FORMAT = 3;

    private PackageBuilder() {
    }

    /**
     * @return the bytes of the uncompressed tar stream: an upper bound of what the package takes once unpacked,
     *         which the manifest declares so that an agent can check its free space before extracting
     * @throws MissingCommit when the commit is not in the repository
     * @throws PackageRules.Refused when no agent could install the package (the message says why), also when the
     *         commit has no such subdirectory
     */
    public static long write(Repository repo, String commitId, String branch, String path, OutputStream out)
            throws IOException {
        try (RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader()) {
            RevCommit commit = parse(repo, walk, commitId);
            PackageTree tree = PackageTree.read(reader, commit, ServerSettings.normaliseGitPath(path), PackageRules.MAX_ENTRIES);
            byte[] version = versionJson(commitId, branch, commit.getCommitTime());
            Optional<String> refused = PackageRules.check(tree, version.length);
            if (refused.isPresent()) {
                throw new PackageRules.Refused(refused.get());
            }
            Date time = Date.from(Instant.ofEpochSecond(commit.getCommitTime()));
            GzipParameters gzip = new GzipParameters();
            gzip.setModificationTime(0);
            gzip.setCompressionLevel(6);
            gzip.setOperatingSystem(3);
            try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(new NonClosing(out), gzip);
                 Counting counted = new Counting(gz);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(counted, StandardCharsets.UTF_8.name())) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                putFile(tar, VERSION_FILE, 0644, time, version);
                for (PackageTree.Entry e : tree.entries()) {
                    writeEntry(reader, e, tar, time);
                }
                tar.finish();
                return counted.count;
            }
        }
    }

    /**
     * The reason no agent could install the package of {@code path} at the commit, or empty when one can. Reads the
     * trees and the symlinks, not the files' contents: cheap next to a build.
     *
     * @throws MissingCommit when the commit is not in the repository
     */
    public static Optional<String> refusal(Repository repo, String commitId, String branch, String path) throws IOException {
        try (RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader()) {
            RevCommit commit = parse(repo, walk, commitId);
            PackageTree tree = PackageTree.read(reader, commit, ServerSettings.normaliseGitPath(path), PackageRules.MAX_ENTRIES);
            return PackageRules.check(tree, versionJson(commitId, branch, commit.getCommitTime()).length);
        } catch (PackageRules.Refused noDirectory) {
            return Optional.of(noDirectory.getMessage());
        }
    }

    private static RevCommit parse(Repository repo, RevWalk walk, String commitId) throws IOException {
        ObjectId id = ObjectId.fromString(commitId);
        if (!repo.getObjectDatabase().has(id)) {
            throw new MissingCommit("the server's mirror has no commit " + commitId);
        }
        return walk.parseCommit(id);
    }

    private static void writeEntry(ObjectReader reader, PackageTree.Entry e, TarArchiveOutputStream tar, Date time)
            throws IOException {
        switch (e.kind()) {
            case DIRECTORY, SUBMODULE -> {
                // a submodule's content is in another repository: an empty directory, as git archive gives
                TarArchiveEntry dir = new TarArchiveEntry(e.path() + "/", TarArchiveEntry.LF_DIR);
                stamp(dir, 0755, time);
                tar.putArchiveEntry(dir);
                tar.closeArchiveEntry();
            }
            case SYMLINK -> {
                TarArchiveEntry link = new TarArchiveEntry(e.path(), TarArchiveEntry.LF_SYMLINK);
                link.setLinkName(new String(e.linkTarget(), StandardCharsets.UTF_8));
                stamp(link, 0777, time);
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
            case FILE, EXECUTABLE -> {
                ObjectLoader blob = reader.open(e.id(), Constants.OBJ_BLOB);
                TarArchiveEntry file = new TarArchiveEntry(e.path());
                stamp(file, e.kind() == PackageTree.Kind.EXECUTABLE ? 0755 : 0644, time);
                file.setSize(blob.getSize());
                tar.putArchiveEntry(file);
                blob.copyTo(tar);
                tar.closeArchiveEntry();
            }
            default -> throw new PackageRules.Refused(e.repoPath() + ": an entry of a type git does not define");
        }
    }

    private static void putFile(TarArchiveOutputStream tar, String name, int mode, Date time, byte[] content)
            throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        stamp(e, mode, time);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void stamp(TarArchiveEntry e, int mode, Date time) {
        e.setMode((e.isDirectory() ? 0040000 : e.isSymbolicLink() ? 0120000 : 0100000) | mode);
        e.setModTime(time);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
    }

    /**
     * Through JSON-P, which escapes what JSON requires: a branch name may hold any character git allows, and the
     * control characters U+0000–U+001F (escaped only as quote and backslash were, before) made the file invalid JSON.
     */
    static byte[] versionJson(String commit, String branch, int commitTime) {
        return (Json.createObjectBuilder().add("commit", commit).add("branch", branch)
                .add("built_at", Instant.ofEpochSecond(commitTime).toString()).build() + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    public static class MissingCommit extends IOException {
        public MissingCommit(String message) {
            super(message);
        }
    }

    /** Counts what goes into the gzip stream: the unpacked size. */
    private static final class Counting extends java.io.FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** The caller owns the stream: finishing the gzip trailer must not close it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
