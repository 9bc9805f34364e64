package dev.slm.packages.control;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Writes the tar.gz of one subdirectory at one commit straight from the git object database (no checkout).
 * Deterministic: entries in git's order, every time the commit time, uid/gid 0 without names, modes 644/755 for
 * files and directories, symlinks as stored, POSIX long names, a gzip header without time or name. The root holds
 * {@code version.json} ({@code commit}, {@code branch}, {@code built_at} = the commit time, so that the same
 * commit always gives the same bytes); a {@code version.json} in the repository's subdirectory is replaced by it.
 */
public final class PackageBuilder {

    public static final String VERSION_FILE = "version.json";

    private PackageBuilder() {
    }

    /**
     * @return the bytes of the uncompressed tar stream: an upper bound of what the package takes once unpacked,
     *         which the manifest declares so that an agent can check its free space before extracting
     * @throws MissingCommit when the commit or the subdirectory is not in the repository
     */
    public static long write(Repository repo, String commitId, String branch, String path, OutputStream out)
            throws IOException {
        String prefix = normalise(path);
        try (RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader()) {
            ObjectId id = ObjectId.fromString(commitId);
            if (!repo.getObjectDatabase().has(id)) {
                throw new MissingCommit("the server's mirror has no commit " + commitId);
            }
            RevCommit commit = walk.parseCommit(id);
            Date time = Date.from(Instant.ofEpochSecond(commit.getCommitTime()));
            ObjectId tree = subtree(reader, commit, prefix);
            GzipParameters gzip = new GzipParameters();
            gzip.setModificationTime(0);
            gzip.setCompressionLevel(6);
            gzip.setOperatingSystem(3);
            try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(new NonClosing(out), gzip);
                 Counting counted = new Counting(gz);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(counted, StandardCharsets.UTF_8.name())) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                byte[] version = versionJson(commitId, branch, commit.getCommitTime());
                putFile(tar, VERSION_FILE, 0644, time, version);
                writeTree(reader, tree, tar, time);
                tar.finish();
                return counted.count;
            }
        }
    }

    private static void writeTree(ObjectReader reader, ObjectId tree, TarArchiveOutputStream tar, Date time)
            throws IOException {
        try (TreeWalk tw = new TreeWalk(reader)) {
            tw.addTree(tree);
            tw.setRecursive(false);
            while (tw.next()) {
                String name = tw.getPathString();
                FileMode mode = tw.getFileMode(0);
                if (tw.isSubtree()) {
                    TarArchiveEntry dir = new TarArchiveEntry(name + "/", TarArchiveEntry.LF_DIR);
                    stamp(dir, 0755, time);
                    tar.putArchiveEntry(dir);
                    tar.closeArchiveEntry();
                    tw.enterSubtree();
                } else if (mode == FileMode.SYMLINK) {
                    TarArchiveEntry link = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    link.setLinkName(new String(reader.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
                    stamp(link, 0777, time);
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                } else if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
                    if (name.equals(VERSION_FILE)) {
                        continue; // ours, written first, describes the package
                    }
                    ObjectLoader blob = reader.open(tw.getObjectId(0));
                    TarArchiveEntry file = new TarArchiveEntry(name);
                    stamp(file, mode == FileMode.EXECUTABLE_FILE ? 0755 : 0644, time);
                    file.setSize(blob.getSize());
                    tar.putArchiveEntry(file);
                    blob.copyTo(tar);
                    tar.closeArchiveEntry();
                }
                // submodules (gitlinks) have no content in this repository: left out, as git archive does
            }
        }
    }

    private static ObjectId subtree(ObjectReader reader, RevCommit commit, String prefix) throws IOException {
        if (prefix.isEmpty()) {
            return commit.getTree();
        }
        try (TreeWalk tw = TreeWalk.forPath(reader, prefix, commit.getTree())) {
            if (tw == null || !tw.isSubtree()) {
                throw new MissingCommit("commit " + commit.getName() + " has no directory '" + prefix + "'");
            }
            return tw.getObjectId(0);
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

    static byte[] versionJson(String commit, String branch, int commitTime) {
        String json = "{\"commit\":\"" + commit + "\",\"branch\":\"" + escape(branch) + "\",\"built_at\":\""
                + Instant.ofEpochSecond(commitTime) + "\"}\n";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The subdirectory as the package and its manifest name it: no leading or trailing slashes. */
    public static String normalise(String path) {
        String p = path == null ? "" : path.trim();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
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
