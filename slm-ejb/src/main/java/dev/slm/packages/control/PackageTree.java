package dev.slm.packages.control;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jgit.attributes.Attributes;
import org.eclipse.jgit.attributes.AttributesNode;
import org.eclipse.jgit.attributes.AttributesNodeProvider;
import org.eclipse.jgit.errors.LargeObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.AbstractTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;

/**
 * What a package holds, in git's order, before anything is written: the entries {@code git archive <commit> <path>}
 * gives, relative to {@code path}. Like git archive it leaves out what a {@code .gitattributes} of the commit marks
 * {@code export-ignore} (files in the tracked directory and in its parents count, as they do for git archive) and
 * gives a submodule as an empty directory. Unlike git archive it reads no attributes from outside the commit
 * ({@code $GIT_DIR/info/attributes}, {@code core.attributesFile}): the same commit gives the same package on every
 * server. Whatever the tree holds at {@code version.json} is left out: the package's own takes its place.
 */
public final class PackageTree {

    public enum Kind { DIRECTORY, FILE, EXECUTABLE, SYMLINK, SUBMODULE, UNKNOWN }

    /**
     * One entry. {@code rawName} is the last name as stored (bytes; a hostile tree may hold anything), {@code size}
     * the blob's size for files, {@code linkTarget} the stored target of a symlink ({@code null} when longer than
     * {@link #MAX_LINK_TARGET} bytes).
     */
    public record Entry(String path, String repoPath, byte[] rawName, Kind kind, ObjectId id, long size, byte[] linkTarget) {
    }

    /** Linux's PATH_MAX is 4096 bytes with the terminating NUL: no longer target can be created on a node. */
    public static final int MAX_LINK_TARGET = 4095;

    private final String prefix;
    private final List<Entry> entries;
    private final boolean truncated;
    private String attributesProblem;

    private PackageTree(String prefix, List<Entry> entries, boolean truncated) {
        this.prefix = prefix;
        this.entries = entries;
        this.truncated = truncated;
    }

    /**
     * A {@code .gitattributes} line that counts for the package and that git archive would read otherwise than this
     * server: {@code "path with space" export-ignore}. Git honours C-quoted patterns; JGit takes the quotes as part of
     * the pattern, so the package would ship what git archive leaves out (a file its author meant to keep off the
     * nodes). Null when there is none.
     */
    public String attributesProblem() {
        return attributesProblem;
    }

    /** The directory the package is made of, in the repository ({@code ""}: the whole tree). */
    public String prefix() {
        return prefix;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** True when the tree holds more than the {@code limit} entries asked for (only that many were read). */
    public boolean truncated() {
        return truncated;
    }

    /**
     * @param limit at most this many entries are read (a hostile tree may hold millions): memory stays bounded
     * @throws PackageRules.Refused when the commit has no such directory
     */
    public static PackageTree read(ObjectReader reader, RevCommit commit, String prefix, int limit) throws IOException {
        List<Entry> entries = new ArrayList<>();
        QuotedPatterns quoted = new QuotedPatterns();
        if (!prefix.isEmpty()) {
            // the .gitattributes of the root and of the directories above the tracked one: outside the walk below
            String[] parts = prefix.split("/");
            String dir = "";
            for (int i = 0; i < parts.length; i++) {
                String path = dir.isEmpty() ? ".gitattributes" : dir + "/.gitattributes";
                try (TreeWalk one = TreeWalk.forPath(reader, path, commit.getTree())) {
                    if (one != null && !one.isSubtree()) {
                        quoted.check(reader, one.getObjectId(0), path);
                    }
                }
                dir = dir.isEmpty() ? parts[i] : dir + "/" + parts[i];
            }
        }
        try (TreeWalk tw = new TreeWalk(reader)) {
            tw.setAttributesNodeProvider(NO_OUTSIDE_ATTRIBUTES);
            tw.setOperationType(TreeWalk.OperationType.CHECKOUT_OP);
            tw.addTree(commit.getTree());
            tw.setRecursive(false);
            if (!prefix.isEmpty()) {
                tw.setFilter(PathFilter.create(prefix));
            }
            boolean found = prefix.isEmpty();
            boolean ignored = false;
            while (tw.next()) {
                String repoPath = tw.getPathString();
                boolean inside = prefix.isEmpty() || repoPath.startsWith(prefix + "/");
                if (!inside) {
                    // an ancestor of the tracked directory, or the directory itself
                    if (tw.isSubtree()) {
                        ignored |= exportIgnored(tw);
                        found |= repoPath.equals(prefix);
                        tw.enterSubtree();
                    }
                    continue;
                }
                if (!ignored && !tw.isSubtree() && tw.getNameString().equals(".gitattributes")) {
                    quoted.check(reader, tw.getObjectId(0), repoPath); // counts even when itself export-ignored
                }
                if (ignored || exportIgnored(tw)) {
                    continue;
                }
                String path = prefix.isEmpty() ? repoPath : repoPath.substring(prefix.length() + 1);
                if (path.equals(PackageBuilder.VERSION_FILE)) {
                    continue; // the package's own version.json takes its place
                }
                if (entries.size() == limit) {
                    PackageTree cut = new PackageTree(prefix, entries, true);
                    cut.attributesProblem = quoted.first;
                    return cut;
                }
                entries.add(entry(reader, tw, path, repoPath));
                if (tw.isSubtree()) {
                    tw.enterSubtree();
                }
            }
            if (!found) {
                // the commit is here: a sync of it would fail on every node, so it is not deployable (not "unknown")
                throw new PackageRules.Refused(prefix + ": not a directory in this commit (deleted, renamed, or a symlink,"
                        + " file or submodule)");
            }
        }
        PackageTree tree = new PackageTree(prefix, entries, false);
        tree.attributesProblem = quoted.first;
        return tree;
    }

    /** Finds the first .gitattributes line with a C-quoted pattern that sets export-ignore (itself or by a macro). */
    private static final class QuotedPatterns {
        private static final int MAX_READ = 1 << 20;
        private final java.util.Set<String> exportMacros = new java.util.HashSet<>();
        String first;

        void check(ObjectReader reader, ObjectId blob, String path) throws IOException {
            if (first != null) {
                return;
            }
            byte[] bytes;
            try {
                bytes = reader.open(blob, Constants.OBJ_BLOB).getCachedBytes(MAX_READ);
            } catch (LargeObjectException tooLarge) {
                return;
            }
            String[] lines = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).split("\\r?\\n");
            for (String line : lines) {
                String l = line.strip();
                if (l.startsWith("[attr]") && mentionsExportIgnore(l.substring(6).split("\\s+"), 1)) {
                    exportMacros.add(l.substring(6).split("\\s+")[0]); // git allows macros in the root's only
                }
            }
            for (String line : lines) {
                String l = line.strip();
                int close = l.startsWith("\"") ? closingQuote(l) : -1;
                if (close > 0 && mentionsExportIgnore(l.substring(close + 1).strip().split("\\s+"), 0)) {
                    first = path + ": the quoted pattern in '" + l + "' (git archive honours it, this server cannot:"
                            + " write the pattern unquoted, e.g. with ? for a space)";
                    return;
                }
            }
        }

        private boolean mentionsExportIgnore(String[] attrs, int from) {
            for (int i = from; i < attrs.length; i++) {
                String a = attrs[i].replaceFirst("^[-!]", "").replaceFirst("=.*", "");
                if (a.equals("export-ignore") || exportMacros.contains(a)) {
                    return true;
                }
            }
            return false;
        }

        private static int closingQuote(String l) {
            for (int i = 1; i < l.length(); i++) {
                if (l.charAt(i) == '\\') {
                    i++;
                } else if (l.charAt(i) == '"') {
                    return i;
                }
            }
            return -1;
        }
    }

    private static Entry entry(ObjectReader reader, TreeWalk tw, String path, String repoPath) throws IOException {
        byte[] raw = tw.getRawPath();
        int nameLength = tw.getTree(0, AbstractTreeIterator.class).getNameLength();
        byte[] name = Arrays.copyOfRange(raw, raw.length - nameLength, raw.length);
        FileMode mode = tw.getFileMode(0);
        ObjectId id = tw.getObjectId(0);
        if (tw.isSubtree()) {
            return new Entry(path, repoPath, name, Kind.DIRECTORY, id, 0, null);
        } else if (mode == FileMode.GITLINK) {
            return new Entry(path, repoPath, name, Kind.SUBMODULE, id, 0, null);
        } else if (mode == FileMode.SYMLINK) {
            byte[] target;
            try {
                target = reader.open(id, Constants.OBJ_BLOB).getCachedBytes(MAX_LINK_TARGET);
                target = target.length > MAX_LINK_TARGET ? null : target;
            } catch (LargeObjectException tooLong) {
                target = null;
            }
            return new Entry(path, repoPath, name, Kind.SYMLINK, id, 0, target);
        } else if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
            return new Entry(path, repoPath, name, mode == FileMode.EXECUTABLE_FILE ? Kind.EXECUTABLE : Kind.FILE, id,
                    reader.getObjectSize(id, Constants.OBJ_BLOB), null);
        }
        return new Entry(path, repoPath, name, Kind.UNKNOWN, id, 0, null);
    }

    private static boolean exportIgnored(TreeWalk tw) {
        Attributes attributes = tw.getAttributes();
        return attributes.isSet("export-ignore");
    }

    /** Only the {@code .gitattributes} files of the commit count: none of this server's own. */
    private static final AttributesNodeProvider NO_OUTSIDE_ATTRIBUTES = new AttributesNodeProvider() {
        @Override
        public AttributesNode getInfoAttributesNode() {
            return null;
        }

        @Override
        public AttributesNode getGlobalAttributesNode() {
            return null;
        }
    };
}
