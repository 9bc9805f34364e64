package dev.slm.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A git repository made in the test with the real {@code git} command. */
public final class GitRepo {

    private final Path dir;

    private GitRepo(Path dir) {
        this.dir = dir;
    }

    public static GitRepo init(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        GitRepo repo = new GitRepo(dir);
        repo.git("init", "-q", "-b", "main");
        return repo;
    }

    public Path dir() {
        return dir;
    }

    public String commit(String message, String path, String content) throws IOException, InterruptedException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        git("add", "-A");
        git("commit", "-q", "-m", message);
        return head();
    }

    /** Commits an executable file (a script). */
    public String commitExecutable(String message, String path, String content) throws IOException, InterruptedException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        file.toFile().setExecutable(true);
        git("add", "-A");
        git("commit", "-q", "-m", message);
        return head();
    }

    /** Copies a directory tree (modes kept) into {@code into} and commits it. */
    public String commitTree(String message, String into, Path source) throws IOException, InterruptedException {
        Path target = dir.resolve(into);
        Files.createDirectories(target);
        Process p = new ProcessBuilder("cp", "-a", source + "/.", target.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("cp failed: " + out);
        }
        git("add", "-A");
        git("commit", "-q", "-m", message);
        return head();
    }

    public String head() throws IOException, InterruptedException {
        return git("rev-parse", "HEAD").trim();
    }

    /** Rewrites the branch, as a force-push to the remote would. */
    public void resetHard(String commit) throws IOException, InterruptedException {
        git("reset", "-q", "--hard", commit);
    }

    public String git(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-c", "commit.gpgsign=false",
                "-c", "user.name=SLM Test", "-c", "user.email=test@slm.invalid"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
