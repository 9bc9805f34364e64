package dev.slm.agent.update;

import java.util.Locale;
import dev.slm.agent.Backoff;
import dev.slm.agent.VersionFile;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The agent's update state machine. One table says what follows each stage; the stage is saved to
 * {@code state.json} before its side effect, so {@link #resume()} after a kill repeats the interrupted stage
 * (every stage is idempotent). Before the swap a failure touches nothing (FAILED); after it, the previous release
 * is put back, restarted and checked (ROLLED_BACK). {@code version.json} is written only once the new release is
 * healthy: the node reports the new commit only when it really runs it.
 */
public final class Updater {

    private static final Logger LOG = Logger.getLogger(Updater.class.getName());
    /**
     * Pauses of 1, 2, 4, 8, 16 and 32 s between them: a minute, which outlasts a server restarted mid-rollout (Payara
     * Micro answers 404 for 12 to 30 s on the 2-core machine until the application is deployed again).
     */
    private static final int DOWNLOAD_ATTEMPTS = 7;
    /** An immediate restart gives the service a second to exit on SIGTERM, then it is killed. */
    private static final Duration IMMEDIATE_STOP = Duration.ofSeconds(1);
    /** Before a rollback the failed release gets this long to exit by itself. */
    private static final Duration ROLLBACK_STOP = Duration.ofSeconds(5);

    public enum Stage { DOWNLOADING, VERIFYING, EXTRACTING, SWAPPING, RESTARTING, HEALTH_CHECK, ROLLING_BACK }

    /** The transitions on success; a stage missing here is the last one. */
    private static final Map<Stage, Stage> NEXT = new EnumMap<>(Map.of(
            Stage.DOWNLOADING, Stage.VERIFYING,
            Stage.VERIFYING, Stage.EXTRACTING,
            Stage.EXTRACTING, Stage.SWAPPING,
            Stage.SWAPPING, Stage.RESTARTING,
            Stage.RESTARTING, Stage.HEALTH_CHECK));

    /** What the server sees of each stage. */
    private static final Map<Stage, ReportedStage> REPORTED = new EnumMap<>(Map.of(
            Stage.DOWNLOADING, ReportedStage.DOWNLOADING, Stage.VERIFYING, ReportedStage.APPLYING,
            Stage.EXTRACTING, ReportedStage.APPLYING, Stage.SWAPPING, ReportedStage.APPLYING,
            Stage.RESTARTING, ReportedStage.RESTARTING, Stage.HEALTH_CHECK, ReportedStage.HEALTH_CHECK,
            Stage.ROLLING_BACK, ReportedStage.ROLLING_BACK));

    public record Job(Command command, String previous, Stage stage, String failure) {
        Job at(Stage s) {
            return new Job(command, previous, s, failure);
        }

        Job failing(String reason) {
            return new Job(command, previous, Stage.ROLLING_BACK, reason);
        }
    }

    /** The server side of an update: fetching the package and hearing about the stages. */
    public interface Server {
        /**
         * Appends to {@code partFile} what it lacks of the package, never more than {@code maxBytes} in all.
         *
         * @throws DownloadRefused when trying again cannot help (the server refused, or sent too much)
         */
        void download(URI packageUrl, Path partFile, long maxBytes) throws IOException, InterruptedException;

        void report(long operationId, ReportedStage stage, Integer percent, String message);
    }

    /** Everything an update needs from the node's configuration. */
    public record Settings(URI serverUrl, String nodeId, Path stateDir, Releases releases, PackageVerifier verifier,
                           ServiceController service, HealthCheck health, Duration drain, String drainCommand,
                           Duration hookTimeout, int keepReleases) {
    }

    /** A download that must not be tried again: the reason is final. */
    public static class DownloadRefused extends IOException {
        public DownloadRefused(String message) {
            super(message);
        }
    }

    /**
     * Kept free beyond what a package needs, so that an update never takes the node's last bytes (logs, state.json):
     * 16 MiB is a few days of a busy service's log and far more than the agent's own files.
     */
    static final long DISK_RESERVE = 16L * 1024 * 1024;

    private final Settings s;
    private final Server server;
    private final StateFile state;
    private final CommandLog commands;

    public Updater(Settings settings, Server server) {
        this.s = settings;
        this.server = server;
        this.state = new StateFile(settings.stateDir().resolve("state.json"));
        this.commands = new CommandLog(settings.stateDir().resolve("commands.json"));
    }

    /** The releases kept on this node, most recently activated first (for the heartbeat). */
    public List<String> releases() throws IOException {
        return s.releases().list();
    }

    /**
     * Takes a command from the server. Every field is checked, the command's and the manifest's signatures verified
     * and the command looked up among those already taken (a replay) before anything on disk is created, moved or
     * deleted; a command that fails is reported FAILED with the reason and dropped.
     */
    public void start(Command command) throws IOException, InterruptedException {
        Optional<String> refused = command.problem(s.serverUrl());
        Instant issuedAt = null;
        if (refused.isEmpty()) {
            try {
                issuedAt = s.verifier().verifyCommand(command, s.nodeId());
                if (commands.taken(command.operationId(), issuedAt)) {
                    // resent while it runs (its agent restarted) or replayed: that operation has had its answer
                    LOG.info("operation " + command.operationId() + " was taken before: the command is not run again");
                    return;
                }
                s.verifier().manifest(command);
                refused = commands.replayProblem(issuedAt);
            } catch (PackageVerifier.Rejected e) {
                refused = Optional.of(e.getMessage());
            }
        }
        if (refused.isPresent()) {
            LOG.warning("refused sync command " + command.operationId() + ": " + refused.get());
            server.report(command.operationId(), ReportedStage.FAILED, null, "refused the command: " + refused.get());
            return;
        }
        try {
            commands.record(command.operationId(), issuedAt);
        } catch (IOException e) {
            server.report(command.operationId(), ReportedStage.FAILED, null, "cannot note the command in "
                    + s.stateDir().resolve("commands.json") + ": " + Reasons.of(e));
            return;
        }
        String previous = s.releases().current().orElse(null);
        run(new Job(command, previous, Stage.DOWNLOADING, null));
    }

    public void resume() throws IOException, InterruptedException {
        Optional<Job> job = state.load();
        if (job.isPresent()) {
            LOG.info("resuming update " + job.get().command().operationId() + " at " + job.get().stage());
            run(job.get());
        }
    }

    private void run(Job job) throws IOException, InterruptedException {
        while (true) {
            try {
                state.save(job);
            } catch (IOException e) {
                stateNotSaved(job, e);
                return;
            }
            server.report(job.command().operationId(), REPORTED.get(job.stage()), percent(job.stage()),
                    job.stage() == Stage.ROLLING_BACK ? job.failure() : job.stage().name().toLowerCase(Locale.ROOT).replace('_', ' '));
            if (job.stage() == Stage.ROLLING_BACK) {
                rollBack(job);
                return;
            }
            String failure;
            try {
                failure = execute(job);
            } catch (IOException e) {
                failure = job.stage().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + Reasons.of(e);
            }
            if (failure != null) {
                if (job.stage().ordinal() < Stage.SWAPPING.ordinal()) {
                    finish(job, ReportedStage.FAILED, failure, false);
                    return;
                }
                job = job.failing(failure);
                continue;
            }
            Stage next = NEXT.get(job.stage());
            if (next == null || manual(job) && job.stage() == Stage.SWAPPING) {
                commit(job);
                return;
            }
            job = job.at(next);
        }
    }

    /**
     * state.json could not be saved (a full disk, most often): no step may run without it, since a kill could not be
     * resumed. Before the swap the operation fails with the reason and leaves nothing; after it, the reason is
     * reported and the job stays where it was, resumed when the agent starts again. Without this the operation
     * stayed unanswered until the server timed it out.
     */
    private void stateNotSaved(Job job, IOException e) throws IOException {
        String reason = "cannot save the update's state (state.json): " + Reasons.of(e);
        if (job.stage().ordinal() < Stage.SWAPPING.ordinal()) {
            finish(job, ReportedStage.FAILED, reason, false);
            return;
        }
        server.report(job.command().operationId(), REPORTED.get(job.stage()), null,
                reason + "; the update resumes when the agent starts again");
        throw e;
    }

    /** Runs one stage; returns a failure reason, or null when it succeeded. */
    private String execute(Job job) throws IOException, InterruptedException {
        Command c = job.command();
        // checked by start(); again for a resumed job. Past EXTRACTING the release is verified and in place (and a job
        // saved by an agent from before the manifest, resumed after a self-update, has none)
        PackageManifest manifest = job.stage().compareTo(Stage.EXTRACTING) <= 0 ? s.verifier().manifest(c) : null;
        Path pkg = packageFile(c);
        switch (job.stage()) {
            case DOWNLOADING -> {
                Files.createDirectories(pkg.getParent());
                if (!Files.exists(pkg) && kept(c, manifest)) {
                    LOG.info("update " + c.operationId() + ": the release of " + c.targetCommit()
                            + " is kept on this node: activated without a download");
                } else if (!Files.exists(pkg)) {
                    Path part = pkg.resolveSibling(pkg.getFileName() + ".part");
                    long have = Files.exists(part) ? Files.size(part) : 0;
                    String noSpace = spaceProblem(pkg.getParent(), manifest.size() - have, "download the package");
                    if (noSpace != null) {
                        Files.deleteIfExists(part);
                        return noSpace;
                    }
                    downloadWithRetries(c.packageUri(s.serverUrl()), part, manifest.size());
                    // on disk before VERIFYING reads it: a power cut cannot leave a verified name with lost bytes
                    DurableFiles.syncFile(part);
                    DurableFiles.rename(part, pkg);
                }
            }
            case VERIFYING -> {
                if (!Files.exists(pkg) && kept(c, manifest)) {
                    return null; // verified when it was installed; its version.json is checked again in kept()
                }
                try {
                    s.verifier().verifyPackage(pkg, manifest);
                } catch (PackageVerifier.Rejected e) {
                    Files.deleteIfExists(pkg);
                    return e.getMessage();
                }
            }
            case EXTRACTING -> {
                Path release = s.releases().dirOf(c.targetCommit());
                if (!c.targetCommit().equals(s.releases().current().orElse(null)) && !kept(c, manifest)) {
                    String noSpace = spaceProblem(release.getParent(), manifest.unpackedSize(), "unpack the release");
                    if (noSpace != null) {
                        return noSpace;
                    }
                    // a release left by a killed extraction is never trusted: extract afresh, then rename into place
                    SafeExtractor.deleteTree(release);
                    Path fresh = release.resolveSibling("." + c.targetCommit() + ".extracting");
                    SafeExtractor.deleteTree(fresh);
                    try {
                        // the files of a package are fewer bytes than its tar stream, which the manifest declares
                        new SafeExtractor(SafeExtractor.MAX_ENTRIES,
                                Math.min(SafeExtractor.MAX_TOTAL_BYTES, manifest.unpackedSize())).extract(pkg, fresh);
                        s.verifier().verifyVersionFile(fresh, manifest);
                    } catch (SafeExtractor.Refused | PackageVerifier.Rejected e) {
                        SafeExtractor.deleteTree(fresh);
                        return e.getMessage();
                    }
                    String hookFailure = runHook(fresh);
                    if (hookFailure != null) {
                        SafeExtractor.deleteTree(fresh);
                        return hookFailure;
                    }
                    // every file and directory on disk before the release takes its name, and that name before the
                    // swap: current never points at a release whose files a power cut emptied
                    DurableFiles.syncTree(fresh);
                    DurableFiles.rename(fresh, release);
                }
            }
            case SWAPPING -> {
                switch (c.restartType()) {
                    case GRACEFUL -> drain();
                    case IMMEDIATE -> s.service().stop(IMMEDIATE_STOP);
                    case MANUAL -> {
                        // the service keeps running the previous release until someone restarts it
                    }
                }
                s.releases().activate(c.targetCommit());
            }
            case RESTARTING -> {
                String moved = movedAway(c);
                if (moved != null) {
                    return moved;
                }
                s.service().start();
            }
            case HEALTH_CHECK -> {
                String moved = movedAway(c);
                return moved != null ? moved : s.health().await().orElse(null);
            }
            case ROLLING_BACK -> throw new IllegalStateException("rollback is not a forward stage");
        }
        return null;
    }

    /**
     * Graceful stop: with a drain command, the service is first asked to finish its in-flight work (the command
     * returns when it has); then, as without one, it gets SIGTERM (or systemd's stop) and what is left of the drain
     * time to exit by itself (at least a second).
     */
    private void drain() throws IOException, InterruptedException {
        if (s.drainCommand() == null) {
            s.service().stop(s.drain());
            return;
        }
        long started = System.nanoTime();
        Path dir = s.releases().current().map(s.releases()::dirOf).orElse(s.stateDir());
        String failure = run(List.of("sh", "-c", s.drainCommand()), dir, s.drain(), "drain command");
        if (failure != null) {
            LOG.warning(failure + "; stopping the service anyway");
        }
        Duration left = s.drain().minusNanos(System.nanoTime() - started);
        s.service().stop(left.compareTo(IMMEDIATE_STOP) > 0 ? left : IMMEDIATE_STOP);
    }

    /**
     * After the swap {@code current} must still point at the target. When it does not, something else moved it —
     * for the agent's own code, the launcher going back after failed starts ({@code launcher-reverted} says why).
     */
    private String movedAway(Command c) throws IOException {
        String current = s.releases().current().orElse(null);
        if (c.targetCommit().equals(current)) {
            return null;
        }
        String why = s.service().takeRevertNote().orElse("current was changed by someone else");
        return "current points at " + (current == null ? "nothing" : current) + ", not the new release: " + why;
    }

    /**
     * The target's release is kept on this node from an earlier install (a rollback to the previous release, or a
     * rollout back): it is activated as it is, without a download. Whole by construction — a release takes its name
     * only once extracted and synced, and {@link Releases#prune} renames one away before it deletes it — and its
     * version.json must still name the signed commit.
     */
    private boolean kept(Command c, PackageManifest manifest) throws IOException {
        if (c.targetCommit().equals(s.releases().current().orElse(null))) {
            return false;
        }
        Path release = s.releases().dirOf(c.targetCommit());
        if (!Files.isDirectory(release, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            s.verifier().verifyVersionFile(release, manifest);
            return true;
        } catch (PackageVerifier.Rejected e) {
            LOG.warning("the kept release of " + c.targetCommit() + " is not whole (" + e.getMessage()
                    + "): it is downloaded again");
            return false;
        }
    }

    /**
     * A broken download is resumed (the .part file keeps what arrived) a few times, with growing pauses. One that
     * finally fails, or is refused, leaves no .part behind: nothing half-downloaded stays on the node's disk.
     */
    private void downloadWithRetries(URI url, Path part, long size) throws IOException, InterruptedException {
        Backoff backoff = new Backoff();
        for (int attempt = 1; ; attempt++) {
            try {
                server.download(url, part, size);
                return;
            } catch (DownloadRefused e) {
                Files.deleteIfExists(part);
                throw e;
            } catch (IOException e) {
                if (attempt == DOWNLOAD_ATTEMPTS) {
                    Files.deleteIfExists(part);
                    throw new IOException("failed " + attempt + " times, the last: " + Reasons.of(e), e);
                }
                Duration pause = backoff.failed();
                LOG.warning("download attempt " + attempt + " failed (" + Reasons.of(e) + "); resuming in "
                        + pause.toSeconds() + " s");
                Thread.sleep(pause.toMillis());
            }
        }
    }

    private void rollBack(Job job) throws IOException, InterruptedException {
        String reason = job.failure();
        if (job.previous() == null) {
            s.service().stop(ROLLBACK_STOP);
            finish(job, ReportedStage.FAILED, reason + "; no previous release to roll back to", false);
            return;
        }
        s.service().stop(ROLLBACK_STOP);
        s.releases().activate(job.previous());
        s.service().start();
        Optional<String> stillSick = s.health().await();
        finish(job, ReportedStage.ROLLED_BACK, reason + (stillSick.isPresent() ? "; after the rollback too: " + stillSick.get() : ""),
                false);
    }

    private void commit(Job job) throws IOException {
        String commit = job.command().targetCommit();
        if (manual(job)) {
            // before version.json: once the node reports the new commit, the operation has ended
            server.report(job.command().operationId(), ReportedStage.APPLYING, 100,
                    "restart pending: swapped, the service still runs the previous release");
        }
        // durable before anything reports it: the heartbeat that tells the server reads this file
        VersionFile.write(s.stateDir().resolve(VersionFile.NAME), commit, Instant.now(), manual(job));
        s.service().confirm();
        finish(job, null, null, true);
    }

    private void finish(Job job, ReportedStage reportedStage, String message, boolean success) throws IOException {
        if (reportedStage != null) {
            server.report(job.command().operationId(), reportedStage, null, message);
        } else if (message != null) {
            server.report(job.command().operationId(), ReportedStage.APPLYING, 100, message);
        }
        state.delete();
        Path pkg = packageFile(job.command());
        Files.deleteIfExists(pkg);
        // a resumed job refused before its download ended (say, signing.key changed meanwhile) leaves no .part either
        Files.deleteIfExists(pkg.resolveSibling(pkg.getFileName() + ".part"));
        if (success) {
            s.releases().prune(s.keepReleases(), job.previous());
        }
        LOG.info("update " + job.command().operationId() + " to " + job.command().targetCommit() + " ended: "
                + (success ? "deployed" : reportedStage + " (" + message + ")"));
    }

    private Path packageFile(Command c) {
        return s.stateDir().resolve("staging").resolve(c.targetCommit() + ".tar.gz");
    }

    /** {@code .slm/pre-activate} in the package, if present and executable, must exit 0 within the hook timeout. */
    private String runHook(Path release) throws IOException, InterruptedException {
        Path hook = release.resolve(".slm/pre-activate");
        if (!Files.isRegularFile(hook)) {
            return null;
        }
        return run(List.of(hook.toString()), release, s.hookTimeout(), "pre-activation hook");
    }

    /** Runs a command of the node's; returns why it failed, or null. Its output goes to a file, never blocks it. */
    private String run(List<String> command, Path dir, Duration timeout, String what)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(s.stateDir(), "command", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return what + " timed out after " + timeout.toSeconds() + " s";
            }
            return p.exitValue() == 0 ? null
                    : what + " exited " + p.exitValue() + ": " + abbreviate(Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Why {@code bytes} (and the reserve) do not fit in {@code dir}'s file system, with the figures; or null. */
    private static String spaceProblem(Path dir, long bytes, String what) throws IOException {
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free - DISK_RESERVE >= bytes) {
            return null;
        }
        return "not enough disk space to " + what + ": " + mib(bytes) + " needed (and " + mib(DISK_RESERVE)
                + " kept free), " + mib(free) + " free on the file system of " + dir;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static boolean manual(Job job) {
        return job.command().restartType() == Restart.MANUAL;
    }

    private static Integer percent(Stage stage) {
        return switch (stage) {
            case DOWNLOADING -> 10;
            case VERIFYING -> 30;
            case EXTRACTING -> 45;
            case SWAPPING -> 60;
            case RESTARTING -> 75;
            case HEALTH_CHECK -> 90;
            case ROLLING_BACK -> null;
        };
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 300 ? one.substring(0, 300) + "…" : one;
    }
}
