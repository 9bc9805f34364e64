package dev.slm.source.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.source.entity.CodeStatus;
import dev.slm.source.entity.Classification;
import dev.slm.source.entity.CommitInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevWalk;
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

    /**
     * One walk for all versions gives, for every kind of version, exactly what classifying each alone gives: the latest
     * itself, ancestors near and far (more missing commits than subjects listed), commits inside merged branches and
     * merges themselves, a commit on another branch, one ahead of the latest, a force-pushed-away one, a commit the
     * mirror lacks, a tree id, an id in capitals, not an id at all, and null — against several latest commits.
     */
    @Test
    void classifyingAllVersionsInOneWalkAnswersWhatClassifyingEachAnswers() throws Exception {
        History h = new History(upstream.getRepository());
        List<String> versions = new ArrayList<>();
        String root = h.commit("root");
        versions.add(root);
        String tip = root;
        for (int i = 1; i <= 60; i++) {
            tip = h.commit("main " + i, tip);
            if (i % 7 == 0) {
                versions.add(tip);
            }
        }
        String forkPoint = tip;
        String feature = forkPoint;
        for (int i = 1; i <= 5; i++) {
            feature = h.commit("feature " + i, feature);
            versions.add(feature);
        }
        String hotfix = h.commit("hotfix", forkPoint);
        String afterHotfix = h.commit("after hotfix", hotfix);
        String merge = h.commit("merge feature", afterHotfix, feature);
        String other = h.commit("other 1", forkPoint);
        String otherTip = h.commit("other 2", other);
        String octopus = h.commit("octopus", merge, otherTip, h.commit("side", root));
        String latest = octopus;
        for (int i = 1; i <= 3; i++) {
            latest = h.commit("after merges " + i, latest);
        }
        String ahead = h.commit("ahead of main", latest);
        String abandoned = h.commit("abandoned", merge);
        String unrelated = h.commit("unrelated root");
        String diverged = h.commit("another branch", h.commit("another base", forkPoint));
        h.branch("main", latest);
        h.branch("ahead", ahead);
        h.branch("abandoned", abandoned);
        h.branch("unrelated", unrelated);
        h.branch("diverged", diverged);
        fetch();
        versions.addAll(List.of(hotfix, afterHotfix, merge, other, otherTip, octopus, latest, ahead, abandoned,
                unrelated, diverged, latest.toUpperCase(), h.treeOf(latest), "0123456789abcdef0123456789abcdef01234567",
                "not a commit id"));
        versions.add(null);

        for (String against : List.of(latest, merge, feature, forkPoint, otherTip, "0123456789abcdef0123456789abcdef01234567")) {
            try (GitMirror alone = new GitMirror(tmp.resolve("mirror.git")); GitMirror together = new GitMirror(tmp.resolve("mirror.git"))) {
                Map<String, Classification> all = together.classifyAll(versions, against);
                for (String v : versions) {
                    assertEquals(alone.classify(v, against), all.get(v), v + " against " + against);
                }
                assertEquals(new HashSet<>(versions), all.keySet());
            }
        }
        Classification far = mirror.classifyAll(List.of(root, forkPoint), latest).get(root);
        assertEquals(CodeStatus.OUTDATED, far.status());
        assertEquals(Classification.MAX_SUBJECTS, far.behind().size());
        assertEquals(CodeStatus.DIVERGED, mirror.classifyAll(List.of(ahead, diverged), latest).get(ahead).status());
    }

    /**
     * The cache is full of answers against earlier latest commits when a new one comes: those go, not the answers being
     * stored for the new one (they used to be cleared along with everything else halfway through a walk's answers, and
     * each heartbeat batch then walked the history again), nor those against the previous latest commit that heartbeat
     * batches still classify against until they see the new one.
     */
    @Test
    void aNewLatestCommitsAnswersStayCachedWhateverTheCacheHeldBefore() throws Exception {
        History h = new History(upstream.getRepository());
        List<String> commits = new ArrayList<>();
        String tip = h.commit("root");
        commits.add(tip);
        int versions = 1_000;
        int latestCommits = GitMirror.CACHE_LIMIT / versions + 2;
        for (int i = 1; i < versions + latestCommits; i++) {
            tip = h.commit("commit " + i, tip);
            commits.add(tip);
        }
        h.branch("main", tip);
        fetch();
        List<String> reported = commits.subList(0, versions);
        String previous = null;
        Map<String, Classification> previousAnswers = Map.of();
        for (String latest : commits.subList(versions, commits.size())) {
            Map<String, Classification> answers = mirror.classifyAll(reported, latest);
            for (String v : reported) {
                assertEquals(answers.get(v), mirror.cached(v, latest), v + " against the latest " + latest);
                if (previous != null) {
                    assertEquals(previousAnswers.get(v), mirror.cached(v, previous), v + " against the previous " + previous);
                }
            }
            previous = latest;
            previousAnswers = answers;
        }
    }

    /** Commits made directly in the object database: any parents, and commit times one second apart. */
    private static final class History {
        private final org.eclipse.jgit.lib.Repository repo;
        private long seconds = 1_700_000_000L;

        History(org.eclipse.jgit.lib.Repository repo) {
            this.repo = repo;
        }

        String commit(String message, String... parents) throws Exception {
            try (ObjectInserter inserter = repo.newObjectInserter()) {
                TreeFormatter tree = new TreeFormatter();
                tree.append("file.txt", FileMode.REGULAR_FILE,
                        inserter.insert(Constants.OBJ_BLOB, message.getBytes(StandardCharsets.UTF_8)));
                CommitBuilder c = new CommitBuilder();
                c.setTreeId(inserter.insert(tree));
                for (String p : parents) {
                    c.addParentId(ObjectId.fromString(p));
                }
                PersonIdent who = new PersonIdent("T", "t@t", Instant.ofEpochSecond(seconds++), ZoneOffset.UTC);
                c.setAuthor(who);
                c.setCommitter(who);
                c.setMessage(message);
                ObjectId id = inserter.insert(c);
                inserter.flush();
                return id.name();
            }
        }

        void branch(String name, String commit) throws Exception {
            RefUpdate u = repo.updateRef("refs/heads/" + name);
            u.setNewObjectId(ObjectId.fromString(commit));
            u.forceUpdate();
        }

        String treeOf(String commit) throws Exception {
            try (RevWalk walk = new RevWalk(repo)) {
                return walk.parseCommit(ObjectId.fromString(commit)).getTree().name();
            }
        }
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
