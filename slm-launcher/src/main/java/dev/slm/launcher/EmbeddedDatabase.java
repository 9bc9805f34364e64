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
 * made for throw-away test databases, turn synchronous commit off) and it does not trust every local user (zonky's
 * initdb does): its superuser has a generated password kept owner-only in the data directory, and every connection
 * must give it. A PostgreSQL that an earlier run left behind — its launcher killed with SIGKILL — is stopped first:
 * it would hold the data directory, and the new one would fail after a minute with only "Gave up waiting" to show.
 */
final class EmbeddedDatabase {

    /** The running database and the password to connect with (user postgres). */
    record Started(EmbeddedPostgres postgres, String password) {
    }

    private EmbeddedDatabase() {
    }

    static Started start(Path dir, Path passwordFile) throws IOException, InterruptedException, LaunchSettings.Refused {
        Files.createDirectories(dir);
        stopLeftover(dir);
        Path hba = dir.resolve("pg_hba.conf");
        if (Files.exists(hba) && !trusts(hba) && !Files.exists(passwordFile)) {
            throw new LaunchSettings.Refused("the embedded PostgreSQL in " + dir + " asks for the password kept in "
                    + passwordFile + ", which is missing: restore that file (or move " + dir + " away to start afresh)");
        }
        String password = readOrCreate(passwordFile);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setConnectConfig("password", password) // zonky's own readiness check logs in too
                .start();
        if (trusts(hba)) {
            requirePassword(postgres, hba, password);
        }
        return new Started(postgres, password);
    }

    /** Whether pg_hba.conf lets someone in without a password (zonky's initdb writes "trust" everywhere). */
    private static boolean trusts(Path hba) throws IOException {
        return Files.readAllLines(hba).stream().map(String::trim)
                .anyMatch(l -> !l.startsWith("#") && l.matches(".*\\btrust\\b.*"));
    }

    /** Sets the password, then lets in only who gives it: every trust line becomes scram-sha-256, and the server reloads. */
    private static void requirePassword(EmbeddedPostgres postgres, Path hba, String password) throws IOException {
        try (java.sql.Connection c = postgres.getPostgresDatabase().getConnection();
             java.sql.Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("ALTER ROLE postgres PASSWORD '" + password + "'"); // generated: [A-Za-z0-9_-] only
            List<String> lines = Files.readAllLines(hba).stream()
                    .map(l -> l.trim().startsWith("#") ? l : l.replaceAll("\\btrust\\b", "scram-sha-256"))
                    .toList();
            Files.write(hba, lines);
            s.execute("SELECT pg_reload_conf()");
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot set the embedded PostgreSQL's password: " + e.getMessage(), e);
        }
        System.out.println("slm: the embedded PostgreSQL now asks for a password (kept owner-only beside its data)");
    }

    private static String readOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, password + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return password;
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
