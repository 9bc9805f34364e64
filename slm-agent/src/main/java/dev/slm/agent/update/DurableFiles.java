package dev.slm.agent.update;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * How the agent makes a file or a directory outlive a power cut: the data is forced to disk (fsync) before it is
 * renamed into place, and the directory that holds the new name is forced after the rename. Without the first, a
 * power cut can leave the new name pointing at an empty file (ext4's delayed allocation); without the second, the
 * rename itself can be lost and the node comes back with what it had before it reported success. Everything the
 * agent reports rests on this order: made durable first, reported after.
 */
public final class DurableFiles {

    /** The points of {@link #write} a test can stop at (like a kill there). */
    enum Step { TEMP_WRITTEN, TEMP_SYNCED, RENAMED, DIRECTORY_SYNCED }

    /** Called after each {@link Step}; the agent's does nothing. */
    interface StepHook {
        void after(Step step);
    }

    private DurableFiles() {
    }

    /** Replaces {@code file} with {@code bytes}: a reader, even after a power cut, finds the old content or the new. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, bytes, step -> { });
    }

    static void write(Path file, byte[] bytes, StepHook hook) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        hook.after(Step.TEMP_WRITTEN);
        syncFile(tmp);
        hook.after(Step.TEMP_SYNCED);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        hook.after(Step.RENAMED);
        syncDirectory(file.getParent());
        hook.after(Step.DIRECTORY_SYNCED);
    }

    /** Renames {@code from} to {@code to} atomically (a file, a directory or a symlink) and makes the rename durable. */
    public static void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(to.getParent());
        if (!from.getParent().equals(to.getParent())) {
            syncDirectory(from.getParent());
        }
    }

    /** Deletes {@code file} if it is there, durably: it does not come back after a power cut. */
    public static void delete(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            syncDirectory(file.getParent());
        }
    }

    /** Forces {@code file}'s bytes to disk; opened for reading, so a read-only file (mode 444) is forced too. */
    public static void syncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Forces every regular file and directory under {@code root} (root included), files first and each directory
     * after its entries. Symlinks are left alone: their target is in the directory entry, which the directory's
     * fsync covers.
     */
    public static void syncTree(Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                syncFile(p);
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                syncDirectory(p);
            }
        }
    }

    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignoredOnFileSystemsThatCannotSyncDirectories) {
            // Linux file systems sync a directory opened for reading; where one cannot, the rename is still atomic and
            // only its durability across a power cut is weaker
        }
    }
}
