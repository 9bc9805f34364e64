package dev.slm.agent.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code <install dir>/releases/<commit>/} and the {@code current} symlink (the Capistrano layout). {@code current} is
 * switched by renaming a new symlink over it, which is atomic: a reader sees the old release or the new one, never
 * neither; the directory is forced after the rename, so the switch also outlives a power cut. Old releases are deleted beyond the newest {@code keep}, never the current or the previous one.
 */
public final class Releases {

    private final Path root;
    private final Path releases;
    private final Path current;

    public Releases(Path installDir) throws IOException {
        this.root = installDir;
        this.releases = Files.createDirectories(installDir.resolve("releases"));
        this.current = installDir.resolve("current");
    }

    public Path dirOf(String commit) {
        return releases.resolve(commit);
    }

    /** The commit {@code current} points at, if any. */
    public Optional<String> current() throws IOException {
        if (!Files.isSymbolicLink(current)) {
            return Optional.empty();
        }
        return Optional.of(Files.readSymbolicLink(current).getFileName().toString());
    }

    /** Points {@code current} at the release of {@code commit} by an atomic rename. */
    public void activate(String commit) throws IOException {
        Path release = dirOf(commit);
        if (!Files.isDirectory(release, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("no release " + commit + " to activate");
        }
        Path next = root.resolve(".current.next");
        Files.deleteIfExists(next);
        Files.createSymbolicLink(next, root.relativize(release));
        // durable before the caller reports the switch: a power cut cannot bring the old current back
        DurableFiles.rename(next, current);
        Files.setLastModifiedTime(release, FileTime.fromMillis(System.currentTimeMillis()));
    }

    /** The releases on disk (whole ones: no half-extracted directory), most recently activated first. */
    public List<String> list() throws IOException {
        try (Stream<Path> s = Files.list(releases)) {
            // only what the updater made (a full commit id): an admin's "backup" directory there was reported and
            // refused by the server (400), every heartbeat, until the node went offline
            return s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && p.getFileName().toString().matches("[0-9a-f]{40}"))
                    .sorted(Comparator.comparing(Releases::modified).reversed())
                    .map(p -> p.getFileName().toString())
                    .toList();
        }
    }

    /** Deletes the oldest releases beyond {@code keep}; the current release and {@code alsoKeep} always stay. */
    public List<String> prune(int keep, String alsoKeep) throws IOException {
        String active = current().orElse(null);
        List<Path> all;
        try (Stream<Path> s = Files.list(releases)) {
            all = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.comparing(Releases::modified).reversed())
                    .toList();
        }
        List<String> deleted = new ArrayList<>();
        int kept = 0;
        for (Path p : all) {
            String name = p.getFileName().toString();
            if (name.startsWith(".")) {
                continue; // what a killed extraction or prune left: deleted below
            }
            if (name.equals(active) || name.equals(alsoKeep) || kept < keep) {
                kept++;
                continue;
            }
            // renamed away first: a release under its own name is always whole, so the updater may activate a kept
            // one without a download (a kill halfway through deleteTree would otherwise leave half a release there)
            Path doomed = p.resolveSibling("." + name + ".deleting");
            SafeExtractor.deleteTree(doomed);
            DurableFiles.rename(p, doomed);
            SafeExtractor.deleteTree(doomed);
            deleted.add(name);
        }
        try (Stream<Path> s = Files.list(releases)) {
            // prune runs when a job has ended, so no extraction is in progress: a dot-name is what a killed
            // extraction or prune left
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".")).toList()) {
                SafeExtractor.deleteTree(p);
            }
        }
        return deleted;
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
