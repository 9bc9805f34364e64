package dev.slm.packages.control;

import dev.slm.packages.control.PackageTree.Entry;
import dev.slm.packages.control.PackageTree.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether an agent can install a package: the owner of the rule "a commit no agent can install is not deployable".
 * It refuses, before anything is built, every tree the agent's {@code SafeExtractor} would refuse (or fail on):
 * an absolute symlink; a relative one that leaves the distributed directory, written out ({@code ../x}) or through
 * other symlinks of the tree ({@code x -> a/up/..} with {@code a/up -> ..}), resolved component by component as
 * Linux does, at most 40 links deep (Linux's own limit); names the agent refuses (backslash, a drive letter, empty,
 * {@code .}, {@code ..}) or a file system cannot hold (over 255 bytes, a name twice in one directory); names and
 * targets that are not UTF-8 (the package could not carry them unchanged); and the agent's caps on entries and bytes.
 * There is no opt-in: an agent would refuse the package anyway, only later and on every node.
 */
public final class PackageRules {

    /** The agent's {@code SafeExtractor.MAX_ENTRIES} (version.json included): keep them equal. */
    public static final int MAX_ENTRIES = 100_000;
    /** The agent's {@code SafeExtractor.MAX_TOTAL_BYTES}: keep them equal. */
    public static final long MAX_TOTAL_BYTES = 4L * 1024 * 1024 * 1024;
    /** Linux's MAXSYMLINKS: a path that needs more links fails there with ELOOP. */
    static final int MAX_LINKS_FOLLOWED = 40;
    /** Bounds the work one link costs (a hostile tree can chain 40 links of 2,000 components each). */
    private static final int MAX_RESOLUTION_STEPS = 4096;
    private static final int NAME_MAX = 255;
    /**
     * Linux's PATH_MAX (4,096 bytes with the NUL) less the shortest directory the agent extracts into,
     * {@code /x/releases/.<commit>.extracting/} (65 bytes, 89 with a SHA-256 commit id): a longer path in the package
     * fails with ENAMETOOLONG under every install directory, though each of its names fits.
     */
    static final int MAX_PATH = 4095 - 89;
    private static final int SHOWN_TARGET = 80;
    private static final Pattern DRIVE_LETTER = Pattern.compile("^[A-Za-z]:.*", Pattern.DOTALL);

    private PackageRules() {
    }

    /** A package no agent could install; the message is the reason (first offending path in git's order). */
    public static class Refused extends IOException {
        public Refused(String reason) {
            super(reason);
        }
    }

    /**
     * @param extraBytes the bytes the package adds to the tree (its version.json), one entry
     * @return the reason the first offending entry makes the package uninstallable, or empty
     */
    public static Optional<String> check(PackageTree tree, long extraBytes) {
        return check(tree, extraBytes, MAX_ENTRIES, MAX_TOTAL_BYTES);
    }

    static Optional<String> check(PackageTree tree, long extraBytes, int maxEntries, long maxBytes) {
        List<Entry> entries = tree.entries();
        if (tree.truncated() || entries.size() + 1 > maxEntries) {
            return Optional.of("more than " + maxEntries + " files, directories and links (the agent's limit)");
        }
        if (tree.attributesProblem() != null) {
            return Optional.of(tree.attributesProblem());
        }
        Map<String, Entry> byPath = new HashMap<>();
        Set<Integer> duplicates = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            if (byPath.putIfAbsent(entries.get(i).path(), entries.get(i)) != null) {
                duplicates.add(i);
            }
        }
        long bytes = extraBytes;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            Optional<String> problem = duplicates.contains(i) ? Optional.of(": the name appears twice in its directory")
                    : nameProblem(e);
            if (problem.isEmpty() && e.kind() == Kind.SYMLINK) {
                problem = linkProblem(e, byPath);
            }
            if (problem.isPresent()) {
                return Optional.of(e.repoPath() + problem.get());
            }
            bytes += e.size();
            if (bytes > maxBytes) {
                return Optional.of("more than " + maxBytes + " bytes of files (the agent's limit), at " + e.repoPath());
            }
        }
        return Optional.empty();
    }

    /** The problem with the entry's own name, as ": why". */
    private static Optional<String> nameProblem(Entry e) {
        byte[] raw = e.rawName();
        String name = utf8(raw);
        if (name == null) {
            return Optional.of(": the name is not valid UTF-8");
        }
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.contains("\0")) {
            return Optional.of(": a malformed name ('" + printable(name) + "')");
        }
        if (name.contains("\\")) {
            return Optional.of(": a backslash in the name (the agent refuses it)");
        }
        if (raw.length > NAME_MAX) {
            return Optional.of(": a name longer than " + NAME_MAX + " bytes (no Linux file system holds it)");
        }
        if (e.path().getBytes(StandardCharsets.UTF_8).length > MAX_PATH) {
            return Optional.of(": a path longer than " + MAX_PATH + " bytes (no agent's install directory leaves room for it)");
        }
        if (DRIVE_LETTER.matcher(e.path()).matches()) {
            return Optional.of(": a name that starts like a drive letter (the agent refuses it)");
        }
        if (e.kind() == Kind.UNKNOWN) {
            return Optional.of(": an entry of a type git does not define");
        }
        return Optional.empty();
    }

    /** The problem with a symlink's target, as " -> target: why". */
    private static Optional<String> linkProblem(Entry link, Map<String, Entry> byPath) {
        if (link.linkTarget() == null) {
            return Optional.of(": a symlink target longer than " + PackageTree.MAX_LINK_TARGET + " bytes");
        }
        String target = utf8(link.linkTarget());
        if (target == null) {
            return Optional.of(": a symlink target that is not valid UTF-8");
        }
        String shown = " -> " + printable(target);
        if (target.isEmpty()) {
            return Optional.of(" -> '': an empty symlink target");
        }
        if (target.contains("\0")) {
            return Optional.of(shown + ": a NUL byte in the symlink target");
        }
        if (target.startsWith("/")) {
            return Optional.of(shown + ": an absolute symlink");
        }
        if (target.contains("\\")) {
            return Optional.of(shown + ": a backslash in the symlink target (the agent refuses it)");
        }
        if (leavesLexically(parent(link.path()), target)) {
            return Optional.of(shown + ": leaves the distributed directory");
        }
        return new Resolution(byPath).escape(link).map(why -> shown + ": " + why);
    }

    /** The agent's first check: the target written out from the link's directory, ".." taken as written. */
    private static boolean leavesLexically(List<String> dir, String target) {
        Deque<String> at = new ArrayDeque<>(dir);
        for (String part : target.split("/", -1)) {
            if (part.equals("..")) {
                if (at.isEmpty()) {
                    return true;
                }
                at.removeLast();
            } else if (!part.isEmpty() && !part.equals(".")) {
                at.addLast(part);
            }
        }
        return false;
    }

    /**
     * Where a link really ends up once extracted (the agent's second check, {@code toRealPath} of every link):
     * components resolved one by one against the tree, a symlink met on the way replaced by its target, ".." taken
     * from the real directory reached. From a missing entry or a file met before the end on, the rest is taken
     * as written, as the agent does (it resolves the part that exists and appends the rest, normalised: a dangling
     * link is where the service may create a file): {@code up/missing/../..} with {@code up -> .} leaves, though
     * Linux would not resolve it.
     */
    private static final class Resolution {
        private final Map<String, Entry> byPath;

        Resolution(Map<String, Entry> byPath) {
            this.byPath = byPath;
        }

        Optional<String> escape(Entry link) {
            List<String> at = new ArrayList<>(parent(link.path()));
            Deque<String> todo = new ArrayDeque<>(List.of(utf8(link.linkTarget()).split("/", -1)));
            String through = null;
            boolean asWritten = false;
            int followed = 0;
            int steps = 0;
            while (!todo.isEmpty()) {
                if (++steps > MAX_RESOLUTION_STEPS) {
                    return Optional.of("more than " + MAX_RESOLUTION_STEPS + " path components to resolve");
                }
                String part = todo.removeFirst();
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    if (at.isEmpty()) {
                        return Optional.of(through == null ? "leaves the distributed directory"
                                : "leaves the distributed directory through the symlink " + through);
                    }
                    at.remove(at.size() - 1);
                    continue;
                }
                at.add(part);
                if (asWritten) {
                    continue;
                }
                Entry e = byPath.get(String.join("/", at));
                if (e == null) {
                    asWritten = true; // dangling from here: the rest as written
                    continue;
                }
                if (e.kind() == Kind.SYMLINK) {
                    String target = e.linkTarget() == null ? null : utf8(e.linkTarget());
                    if (target == null || target.startsWith("/")) {
                        // refused on its own; through it this one would leave too
                        return Optional.of("leaves the distributed directory through the symlink " + e.repoPath());
                    }
                    if (++followed > MAX_LINKS_FOLLOWED) {
                        return Optional.of("more than " + MAX_LINKS_FOLLOWED + " symlinks to follow (a loop?)");
                    }
                    through = through == null ? e.repoPath() : through;
                    at.remove(at.size() - 1);
                    String[] parts = target.split("/", -1);
                    for (int i = parts.length - 1; i >= 0; i--) {
                        todo.addFirst(parts[i]);
                    }
                } else if (e.kind() != Kind.DIRECTORY && e.kind() != Kind.SUBMODULE) {
                    asWritten = true; // a file in the middle of a path (ENOTDIR): the rest as written
                }
            }
            return Optional.empty();
        }
    }

    private static List<String> parent(String path) {
        List<String> parts = new ArrayList<>(List.of(path.split("/")));
        parts.remove(parts.size() - 1);
        return parts;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Short enough for a banner, and no control characters. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(SHOWN_TARGET).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return s.codePointCount(0, s.length()) > SHOWN_TARGET ? b + "…" : b.toString();
    }
}
