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
     * Issue 12: nodes get the tracked subdirectory (and the .gitattributes that decide what of it is packaged), so a
     * commit that leaves those as they are changes nothing for them: a node with the latest's content is up to date,
     * even on another branch, and only commits that change the content count as behind and are listed. A merge that
     * takes one side's subdirectory as it is does not count again; a commit before the subdirectory existed is behind
     * by every commit that changed it since. classifyAll answers the same.
     */
    @Test
    void onlyCommitsThatChangeTheTrackedSubdirectoryCount() throws Exception {
        History h = new History(upstream.getRepository());
        Map<String, String> files = new java.util.HashMap<>(Map.of("README.md", "docs 0"));
        String docsOnly = h.commit("docs only", files);
        files.put("app/index.html", "v1");
        String v1 = h.commit("app v1", files, docsOnly);
        files.put("README.md", "docs 1");
        String docs1 = h.commit("docs 1", files, v1);
        files.put("app/index.html", "v2");
        String v2 = h.commit("app v2", files, docs1);
        files.put(".gitattributes", "*.log export-ignore\n");
        String attributes = h.commit("attributes at the root", files, v2);
        files.put("docs/guide.md", "guide");
        String docs2 = h.commit("docs 2", files, attributes);
        // a feature branch changes the app; main changes the docs; the merge takes the feature's app as it is
        Map<String, String> feature = new java.util.HashMap<>(files);
        feature.put("app/feature.js", "f");
        String featureCommit = h.commit("feature", feature, docs2);
        files.put("README.md", "docs 3");
        String docs3 = h.commit("docs 3", files, docs2);
        Map<String, String> merged = new java.util.HashMap<>(feature);
        merged.put("README.md", "docs 3");
        String merge = h.commit("merge feature", merged, docs3, featureCommit);
        merged.put("CHANGELOG.md", "c");
        String latest = h.commit("changelog", merged, merge);
        // another branch with the latest's files under app/ and its .gitattributes, but its own history and docs
        Map<String, String> sameApp = new java.util.HashMap<>(merged);
        sameApp.put("README.md", "other docs");
        String sameContentElsewhere = h.commit("same app, other branch", sameApp, docs1);
        h.branch("main", latest);
        h.branch("other", sameContentElsewhere);
        fetch();

        try (GitMirror app = new GitMirror(tmp.resolve("mirror.git"), "/app/")) {
            assertEquals(CodeStatus.UP_TO_DATE, app.classify(merge, latest).status(), "a docs-only commit changes nothing");
            assertEquals(CodeStatus.UP_TO_DATE, app.classify(featureCommit, latest).status(), "same content as the latest");
            assertEquals(CodeStatus.UP_TO_DATE, app.classify(sameContentElsewhere, latest).status(),
                    "another branch with the same content is up to date, not diverged");
            Classification fromV1 = app.classify(v1, latest);
            assertEquals(CodeStatus.OUTDATED, fromV1.status());
            assertEquals(List.of("feature", "attributes at the root", "app v2"),
                    fromV1.behind().stream().map(CommitInfo::subject).toList(), "the merge and the docs are not listed");
            assertEquals(3, fromV1.commitsBehind());
            assertEquals(1, app.classify(docs2, latest).commitsBehind(), "the feature commit only");
            assertEquals(2, app.classify(v2, latest).commitsBehind(), "the root .gitattributes decides what is packaged");
            assertEquals(4, app.classify(docsOnly, latest).commitsBehind(), "before app/ existed: every commit that made it");

            List<String> versions = List.of(docsOnly, v1, docs1, v2, attributes, docs2, featureCommit, docs3, merge,
                    latest, sameContentElsewhere);
            Map<String, Classification> all = app.classifyAll(versions, latest);
            try (GitMirror alone = new GitMirror(tmp.resolve("mirror.git"), "app")) {
                for (String v : versions) {
                    assertEquals(alone.classify(v, latest), all.get(v), v);
                }
            }
        }
        // the whole tree tracked: every one of these commits changes it
        assertEquals(8, mirror.classify(v1, latest).commitsBehind());
        assertEquals(CodeStatus.DIVERGED, mirror.classify(sameContentElsewhere, latest).status());
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
            return commit(message, Map.of("file.txt", message), parents);
        }

        /** A commit whose tree holds {@code files} (path with slashes -> content), nothing else. */
        String commit(String message, Map<String, String> files, String... parents) throws Exception {
            try (ObjectInserter inserter = repo.newObjectInserter()) {
                CommitBuilder c = new CommitBuilder();
                c.setTreeId(tree(inserter, files));
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

        private static ObjectId tree(ObjectInserter inserter, Map<String, String> files) throws Exception {
            java.util.TreeMap<String, Map<String, String>> dirs = new java.util.TreeMap<>();
            java.util.TreeMap<String, String> blobs = new java.util.TreeMap<>();
            files.forEach((path, content) -> {
                int slash = path.indexOf('/');
                if (slash < 0) {
                    blobs.put(path, content);
                } else {
                    dirs.computeIfAbsent(path.substring(0, slash), d -> new java.util.HashMap<>())
                            .put(path.substring(slash + 1), content);
                }
            });
            // git sorts a tree's entries by name, a directory's name as if it ended in '/'
            java.util.TreeMap<String, Object[]> entries = new java.util.TreeMap<>();
            for (Map.Entry<String, String> b : blobs.entrySet()) {
                entries.put(b.getKey(), new Object[] {FileMode.REGULAR_FILE,
                        inserter.insert(Constants.OBJ_BLOB, b.getValue().getBytes(StandardCharsets.UTF_8))});
            }
            for (Map.Entry<String, Map<String, String>> d : dirs.entrySet()) {
                entries.put(d.getKey() + "/", new Object[] {FileMode.TREE, tree(inserter, d.getValue())});
            }
            TreeFormatter tree = new TreeFormatter();
            for (Map.Entry<String, Object[]> e : entries.entrySet()) {
                tree.append(e.getKey().replaceAll("/$", ""), (FileMode) e.getValue()[0], (ObjectId) e.getValue()[1]);
            }
            return inserter.insert(tree);
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
