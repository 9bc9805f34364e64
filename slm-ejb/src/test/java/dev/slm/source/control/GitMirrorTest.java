package dev.slm.source.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.fleet.entity.CodeStatus;
import dev.slm.source.entity.Classification;
import dev.slm.source.entity.CommitInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitMirrorTest {

    @TempDir
    Path tmp;

    Git upstream;
    GitMirror mirror;

    @BeforeEach
    void setUp() throws Exception {
        upstream = Git.init().setDirectory(tmp.resolve("upstream").toFile()).setInitialBranch("main").call();
        mirror = new GitMirror(tmp.resolve("mirror.git"));
    }

    @AfterEach
    void tearDown() {
        mirror.close();
        upstream.close();
    }

    @Test
    void classifiesUpToDateOutdatedWithSubjectsDivergedAndUnknown() throws Exception {
        String c1 = commit("one");
        String c2 = commit("two");
        String c3 = commit("three");
        CommitInfo latest = fetch();
        assertEquals(c3, latest.id());
        assertEquals("three", latest.subject());

        assertEquals(CodeStatus.UP_TO_DATE, mirror.classify(c3, c3).status());
        Classification behind = mirror.classify(c1, c3);
        assertEquals(CodeStatus.OUTDATED, behind.status());
        assertEquals(2, behind.commitsBehind());
        assertEquals("three", behind.behind().get(0).subject());
        assertEquals("two", behind.behind().get(1).subject());

        upstream.reset().setMode(ResetCommand.ResetType.HARD).setRef(c1).call();
        String rewritten = commit("rewritten");
        assertEquals(rewritten, fetch().id());
        assertEquals(CodeStatus.DIVERGED, mirror.classify(c2, rewritten).status(), "old commits stay in the mirror");
        assertEquals(CodeStatus.UNKNOWN, mirror.classify("0123456789abcdef0123456789abcdef01234567", rewritten).status());
        assertEquals(CodeStatus.UNKNOWN, mirror.classify(null, rewritten).status());
        assertEquals(CodeStatus.UNKNOWN, mirror.classify(c1, null).status());
    }

    @Test
    void aMissingBranchOrRemoteIsReportedWithoutLosingWhatTheMirrorHas() throws Exception {
        String c1 = commit("one");
        fetch();
        GitMirror.SourceUnavailable noBranch = assertThrows(GitMirror.SourceUnavailable.class,
                () -> mirror.fetch(upstream.getRepository().getDirectory().toString(), "release", null));
        assertTrue(noBranch.getMessage().contains("branch 'release'"), noBranch.getMessage());
        GitMirror.SourceUnavailable noRemote = assertThrows(GitMirror.SourceUnavailable.class,
                () -> mirror.fetch(tmp.resolve("nowhere").toString(), "main", null));
        assertTrue(noRemote.getMessage().contains("failed"), noRemote.getMessage());
        assertTrue(mirror.commit(c1).isPresent());
    }

    @Test
    void credentialsInAUrlNeverReachAnErrorMessage() {
        GitMirror.SourceUnavailable e = assertThrows(GitMirror.SourceUnavailable.class,
                () -> mirror.fetch("http://user:s3cret-token@127.0.0.1:1/repo.git", "main", null));
        assertFalse(e.getMessage().contains("s3cret-token"), e.getMessage());
    }

    private String commit(String message) throws Exception {
        Path file = upstream.getRepository().getWorkTree().toPath().resolve("app/file.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, message + System.nanoTime());
        upstream.add().addFilepattern(".").call();
        return upstream.commit().setMessage(message).setAuthor("T", "t@t").setCommitter("T", "t@t")
                .setSign(false).call().getName();
    }

    private CommitInfo fetch() {
        return mirror.fetch(upstream.getRepository().getDirectory().toString(), "main", null);
    }
}
