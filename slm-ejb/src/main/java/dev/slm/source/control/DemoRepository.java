package dev.slm.source.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;

/** A small repository made on first start when no git URL is configured, so a new server has something to track. */
public final class DemoRepository {

    public static final String BRANCH = "main";
    public static final String PATH = "app";

    private DemoRepository() {
    }

    /** Creates the repository at {@code dir} unless it exists; returns its URL. */
    public static String ensure(Path dir) {
        if (Files.isDirectory(dir.resolve(".git"))) {
            return dir.toUri().toString();
        }
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch(BRANCH).call()) {
            Path app = Files.createDirectories(dir.resolve(PATH));
            Files.writeString(app.resolve("index.html"),
                    "<!doctype html><title>SLM demo</title><h1>Hello from the SLM demo application</h1>\n");
            Files.writeString(dir.resolve("README.md"),
                    "# SLM demo repository\n\nCommit to this repository and press Refresh to see nodes become outdated.\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Demo application, first version")
                    .setAuthor("SLM", "slm@localhost").setCommitter("SLM", "slm@localhost")
                    .setSign(false).call();
            return dir.toUri().toString();
        } catch (GitAPIException e) {
            throw new IllegalStateException("cannot create the demo repository at " + dir, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
