package dev.slm.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded PostgreSQL of the run command. It holds the fleet's history, so it is durable (zonky's defaults,
 * made for throw-away test databases, turn synchronous commit off), and a PostgreSQL that an earlier run left behind
 * — its launcher killed with SIGKILL — is stopped first: it would hold the data directory, and the new one would
 * fail after a minute with only "Gave up waiting" to show for it.
 */
final class EmbeddedDatabase {

    private EmbeddedDatabase() {
    }

    static EmbeddedPostgres start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        stopLeftover(dir);
        return EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .start();
    }

    /**
     * Stops the postmaster named in {@code postmaster.pid} if it still runs (fast shutdown: its old clients are
     * disconnected, the data is flushed). A lock file whose process is gone is left alone: PostgreSQL removes it.
     */
    static void stopLeftover(Path dir) throws IOException, InterruptedException {
        Path lock = dir.resolve("postmaster.pid");
        if (!Files.exists(lock)) {
            return;
        }
        List<String> lines = Files.readAllLines(lock);
        Optional<ProcessHandle> postmaster = lines.isEmpty() ? Optional.empty() : parsePid(lines.get(0))
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (postmaster.isEmpty()) {
            return;
        }
        long pid = postmaster.get().pid();
        System.out.println("slm: a PostgreSQL left by an earlier run (pid " + pid + ") still uses " + dir
                + ": stopping it");
        new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
        try {
            postmaster.get().onExit().get(60, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // no fast shutdown within a minute: kill it; the next start recovers from the write-ahead log
            postmaster.get().destroyForcibly();
            postmaster.get().onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).join();
        }
    }

    private static Optional<Long> parsePid(String line) {
        try {
            return Optional.of(Long.parseLong(line.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
