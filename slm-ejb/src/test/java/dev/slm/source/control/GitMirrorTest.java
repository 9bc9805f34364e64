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
     * A side branch whose changes a merge left out ({@code merge -s ours}), or that it reverted itself before the merge,
     * brought nothing nodes get: {@code git log latest ^base -- app} does not list its commits (history simplification
     * follows the parent whose subdirectory the merge took). Before, they counted as behind and were listed as missing.
     */
    @Test
    void aSideThatAMergeLeftOutDoesNotCountAsBehind() throws Exception {
        History h = new History(upstream.getRepository());
        String base = h.commit("base", Map.of("app/f", "1"));
        String discarded = h.commit("feature change, discarded", Map.of("app/f", "2"), base);
        String ours = h.commit("merge -s ours", Map.of("app/f", "1"), base, discarded);
        String tried = h.commit("tried", Map.of("app/f", "3"), ours);
        String reverted = h.commit("revert tried", Map.of("app/f", "1"), tried);
        String docs = h.commit("docs on main", Map.of("app/f", "1", "README", "d"), ours);
        String merged = h.commit("merge the reverted branch", Map.of("app/f", "1", "README", "d"), docs, reverted);
        String latest = h.commit("main change", Map.of("app/f", "4", "README", "d"), merged);
        h.branch("main", latest);
        fetch();
        List<String> versions = List.of(base, discarded, ours, tried, reverted, docs, merged);
        try (GitMirror app = new GitMirror(tmp.resolve("mirror.git"), "app");
             GitMirror together = new GitMirror(tmp.resolve("mirror.git"), "app")) {
            Classification fromBase = app.classify(base, latest);
            assertEquals(1, fromBase.commitsBehind(), "only the change on main: " + fromBase);
            assertEquals(List.of("main change"), fromBase.behind().stream().map(CommitInfo::subject).toList());
            assertEquals(1, app.classify(reverted, latest).commitsBehind());
            Map<String, Classification> all = together.classifyAll(versions, latest);
            for (String v : versions) {
                assertEquals(app.classify(v, latest), all.get(v), v);
                assertEquals(1, all.get(v).commitsBehind(), v);
            }
        }
    }

    /**
     * classify and classifyAll agree, and both agree with git's rules read another way (TreeWalk.forPath for each name,
     * a breadth-first walk), over random histories: merges that take one side as it is, octopus merges, several roots,
     * the subdirectory deleted and restored, a file, a symlink or a submodule where the subdirectory is, a file where
     * a directory above it is, .gitattributes at every level, equal commit times — for several tracked paths.
     */
    @Test
    void classifyAndClassifyAllAgreeWithGitsRulesOverRandomHistories() throws Exception {
        List<String> paths = List.of("", "app", "/app/", "a/b/c", "a/b", "docs/readme.md", "absent");
        for (long seed = 1; seed <= 6; seed++) {
            java.util.Random random = new java.util.Random(seed);
            Path dir = tmp.resolve("random-" + seed);
            try (Git git = Git.init().setDirectory(dir.resolve("upstream").toFile()).setInitialBranch("main").call()) {
                List<String> commits = randomHistory(git.getRepository(), random);
                try (GitMirror m = new GitMirror(tmp.resolve("mirror-" + seed))) {
                    m.fetch(git.getRepository().getDirectory().toString(), "main", null);
                }
                for (String path : paths) {
                    for (int t = 0; t < 3; t++) {
                        String latest = t == 0 ? commits.get(commits.size() - 1) : commits.get(random.nextInt(commits.size()));
                        try (GitMirror alone = new GitMirror(tmp.resolve("mirror-" + seed), path);
                             GitMirror together = new GitMirror(tmp.resolve("mirror-" + seed), path)) {
                            Map<String, Classification> all = together.classifyAll(commits, latest);
                            Oracle oracle = new Oracle(alone.repository(), dev.slm.platform.ServerSettings.normaliseGitPath(path), latest);
                            for (String v : commits) {
                                String where = "seed " + seed + ", path '" + path + "', " + v + " against " + latest;
                                Classification one = alone.classify(v, latest);
                                assertEquals(one, all.get(v), where);
                                oracle.check(v, one, where);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * A mirror that lost an object (a damaged disk, a hand-made repair) makes classify answer UNKNOWN: the one walk
     * for many versions answers the same instead of throwing JGit's unchecked RevWalkException — which the new latest
     * commit's recalculation did not survive, leaving every stored status as it was.
     */
    @Test
    void aMirrorThatLostACommitAnswersUnknownInOneWalkAsAlone() throws Exception {
        History h = new History(mirror.repository());
        String a = h.commit("a", Map.of("app/f", "a"));
        String b = h.commit("b", Map.of("app/f", "b"), a);
        String c = h.commit("c", Map.of("app/f", "c"), b);
        String d = h.commit("d", Map.of("app/f", "d"), c);
        Path lost = mirror.repository().getDirectory().toPath().resolve("objects").resolve(b.substring(0, 2))
                .resolve(b.substring(2));
        assertTrue(Files.deleteIfExists(lost), "the commit is a loose object");
        try (GitMirror together = new GitMirror(tmp.resolve("mirror.git"))) {
            Map<String, Classification> all = together.classifyAll(List.of(a, c), d);
            assertEquals(mirror.classify(a, d), all.get(a));
            assertEquals(CodeStatus.UNKNOWN, all.get(a).status());
            assertEquals(CodeStatus.UNKNOWN, all.get(c).status());
        }
    }

    /**
     * What TrackedContent calls the same content gives the same package: over random histories, every two commits with
     * one key get the same entries from PackageTree (or the same refusal) — the .gitattributes above the subdirectory,
     * which decide what is packaged, are part of the key. (The converse need not hold: a change to an export-ignored
     * file still counts as behind.)
     */
    @Test
    void commitsWithTheSameContentGiveTheSamePackage() throws Exception {
        for (long seed = 11; seed <= 14; seed++) {
            try (Git git = Git.init().setDirectory(tmp.resolve("package-" + seed).toFile()).setInitialBranch("main").call()) {
                org.eclipse.jgit.lib.Repository repo = git.getRepository();
                List<String> commits = randomHistory(repo, new java.util.Random(seed));
                for (String path : List.of("", "app", "a/b/c")) {
                    Map<String, String> packageByKey = new java.util.HashMap<>();
                    int withContent = 0;
                    try (TrackedContent content = new TrackedContent(repo, path); RevWalk walk = new RevWalk(repo);
                         org.eclipse.jgit.lib.ObjectReader reader = repo.newObjectReader()) {
                        for (String c : commits) {
                            String key = content.key(ObjectId.fromString(c));
                            if (key == null) {
                                continue;
                            }
                            withContent++;
                            String pkg = packageOf(reader, walk.parseCommit(ObjectId.fromString(c)), path);
                            String before = packageByKey.putIfAbsent(key, pkg);
                            if (before != null) {
                                assertEquals(before, pkg, "seed " + seed + ", path '" + path + "', " + c);
                            }
                        }
                    }
                    assertTrue(packageByKey.size() < withContent, "some commits share their content: " + path);
                }
            }
        }
    }

    private static String packageOf(org.eclipse.jgit.lib.ObjectReader reader, org.eclipse.jgit.revwalk.RevCommit c,
                                    String path) throws Exception {
        try {
            dev.slm.packages.control.PackageTree t = dev.slm.packages.control.PackageTree.read(reader, c, path, 10_000);
            StringBuilder b = new StringBuilder(String.valueOf(t.attributesProblem()));
            t.entries().forEach(e -> b.append('\n').append(e.path()).append(' ').append(e.kind()).append(' ')
                    .append(e.id().name()).append(' ').append(e.size()));
            return b.toString();
        } catch (dev.slm.packages.control.PackageRules.Refused refused) {
            return "refused: " + refused.getMessage();
        }
    }

    /**
     * 70 random commits, each on a branch of its own, the last on main: merges (octopus too) taking one side as it is or
     * changed, several roots, app/ deleted and restored or a file, symlink or submodule, a file at a/b, .gitattributes
     * (export-ignore lines among them) at every level, equal commit times.
     */
    private static List<String> randomHistory(org.eclipse.jgit.lib.Repository repo, java.util.Random random) throws Exception {
        History h = new History(repo);
        List<String> commits = new ArrayList<>();
        List<Map<String, String>> trees = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            h.seconds -= random.nextInt(2); // equal commit times now and then
            double r = random.nextDouble();
            Map<String, String> files;
            String[] parents;
            if (i == 0 || r < 0.04) {
                files = new java.util.HashMap<>();
                parents = new String[0];
            } else if (r < 0.3 && i > 2) {
                int n = random.nextDouble() < 0.2 ? 3 : 2;
                java.util.LinkedHashSet<Integer> chosen = new java.util.LinkedHashSet<>();
                while (chosen.size() < n) {
                    chosen.add(Math.max(0, i - 1 - random.nextInt(Math.min(i, 12))));
                }
                List<Integer> ps = new ArrayList<>(chosen);
                parents = ps.stream().map(commits::get).toArray(String[]::new);
                // one side as it is, or the first parent's with changes
                files = new java.util.HashMap<>(trees.get(ps.get(random.nextInt(ps.size()))));
            } else {
                int p = Math.max(0, i - 1 - random.nextInt(Math.min(i, 6)));
                parents = new String[] {commits.get(p)};
                files = new java.util.HashMap<>(trees.get(p));
            }
            int changes = parents.length > 1 ? random.nextInt(2) * random.nextInt(3) : 1 + random.nextInt(2);
            for (int k = 0; k < changes; k++) {
                mutate(files, random);
            }
            trees.add(files);
            commits.add(h.commit("c" + i, files, parents));
            h.branch("b" + i, commits.get(i));
        }
        h.branch("main", commits.get(commits.size() - 1));
        return commits;
    }

    /** One random change: a value of a file (often one it had: content comes back), a deletion, or a kind change. */
    private static void mutate(Map<String, String> files, java.util.Random random) {
        List<String> names = List.of("app/x", "app/sub/y", "app/.gitattributes", ".gitattributes", "a/.gitattributes",
                "a/b/.gitattributes", "a/b/c/z", "a/b/c/.gitattributes", "docs/readme.md", "top");
        String value = String.valueOf(random.nextInt(3));
        int op = random.nextInt(14);
        if (op < names.size()) {
            String name = names.get(op);
            if (name.endsWith(".gitattributes")) {
                List<String> lines = List.of("x export-ignore\n", "sub export-ignore\n", "y export-ignore\n",
                        "c export-ignore\n", "app export-ignore\n", "* -export-ignore\n", "# nothing\n");
                value = lines.get(random.nextInt(lines.size()));
            }
            // no file where a directory of this name goes, and no directory under a file
            files.keySet().removeIf(f -> name.startsWith(f + "/"));
            files.put(name, value);
        } else if (op == 10) {
            files.keySet().removeIf(f -> f.equals("app") || f.startsWith("app/"));
        } else if (op == 11) {
            files.keySet().removeIf(f -> f.equals("app") || f.startsWith("app/"));
            String[] kinds = {"file " + value, "link:../top", "gitlink:" + "0123456789abcdef0123456789abcdef0123456" + value};
            files.put("app", kinds[random.nextInt(kinds.length)]);
        } else if (op == 12) {
            files.keySet().removeIf(f -> f.equals("a/b") || f.startsWith("a/b/"));
            files.put("a/b", value);
        } else {
            files.keySet().removeIf(f -> f.startsWith("docs/") || f.equals("top"));
        }
    }

    /**
     * git's rules, read independently of TrackedContent and AncestryWalk: a commit's content is what TreeWalk.forPath
     * finds at the path and at each .gitattributes above it; a node with the latest's content is up to date; otherwise
     * an ancestor is behind by the commits that differ from every parent among those reached from the latest through
     * the parent a merge took as it is (git log's history simplification), less its own ancestors.
     */
    private static final class Oracle {
        private final org.eclipse.jgit.lib.Repository repo;
        private final String path;
        private final RevWalk walk;
        private final org.eclipse.jgit.revwalk.RevCommit tip;
        private final java.util.Set<String> ancestorsOfTip;
        private final java.util.Set<String> counted = new HashSet<>();

        Oracle(org.eclipse.jgit.lib.Repository repo, String path, String latest) throws Exception {
            this.repo = repo;
            this.path = path;
            this.walk = new RevWalk(repo);
            this.tip = walk.parseCommit(ObjectId.fromString(latest));
            this.ancestorsOfTip = ancestors(latest);
            java.util.ArrayDeque<org.eclipse.jgit.revwalk.RevCommit> todo = new java.util.ArrayDeque<>(List.of(tip));
            java.util.Set<String> kept = new HashSet<>(List.of(latest));
            while (!todo.isEmpty()) {
                org.eclipse.jgit.revwalk.RevCommit c = walk.parseCommit(todo.poll());
                List<String> own = content(c);
                List<org.eclipse.jgit.revwalk.RevCommit> next = null;
                for (org.eclipse.jgit.revwalk.RevCommit p : c.getParents()) {
                    if (next == null && java.util.Objects.equals(own, content(walk.parseCommit(p)))) {
                        next = List.of(p); // git follows the first parent the commit is TREESAME to, only
                    }
                }
                if (next == null) {
                    next = List.of(c.getParents());
                    if (c.getParentCount() > 0 || own != null) {
                        counted.add(c.name());
                    }
                }
                for (org.eclipse.jgit.revwalk.RevCommit p : next) {
                    if (kept.add(p.name())) {
                        todo.add(p);
                    }
                }
            }
        }

        void check(String version, Classification answer, String where) throws Exception {
            org.eclipse.jgit.revwalk.RevCommit v = walk.parseCommit(ObjectId.fromString(version));
            List<String> own = content(v);
            if (version.equals(tip.name()) || own != null && own.equals(content(tip))) {
                assertEquals(CodeStatus.UP_TO_DATE, answer.status(), where);
                return;
            }
            if (!ancestorsOfTip.contains(version)) {
                assertEquals(CodeStatus.DIVERGED, answer.status(), where);
                return;
            }
            java.util.Set<String> behind = new HashSet<>(counted);
            behind.removeAll(ancestors(version));
            assertEquals(CodeStatus.OUTDATED, answer.status(), where);
            assertEquals(behind.size(), answer.commitsBehind(), where);
            assertEquals(Math.min(behind.size(), Classification.MAX_SUBJECTS), answer.behind().size(), where);
            for (CommitInfo missing : answer.behind()) {
                assertTrue(behind.contains(missing.id()), where + ": " + missing.subject() + " is not behind");
            }
        }

        private java.util.Set<String> ancestors(String id) throws Exception {
            java.util.Set<String> seen = new HashSet<>();
            try (RevWalk w = new RevWalk(repo)) {
                w.markStart(w.parseCommit(ObjectId.fromString(id)));
                w.forEach(c -> seen.add(c.name()));
            }
            return seen;
        }

        private List<String> content(org.eclipse.jgit.revwalk.RevCommit c) throws Exception {
            try (org.eclipse.jgit.lib.ObjectReader reader = repo.newObjectReader()) {
                List<String> key = new ArrayList<>();
                String[] parts = path.isEmpty() ? new String[0] : path.split("/");
                String dir = "";
                for (int i = 0; i < Math.max(1, parts.length); i++) {
                    try (org.eclipse.jgit.treewalk.TreeWalk a = org.eclipse.jgit.treewalk.TreeWalk.forPath(reader,
                            dir + ".gitattributes", c.getTree())) {
                        key.add(a == null ? "-" : a.getObjectId(0).name());
                    }
                    dir = parts.length == 0 ? "" : dir + parts[i] + "/";
                }
                if (path.isEmpty()) {
                    key.add(c.getTree().name());
                    return key;
                }
                try (org.eclipse.jgit.treewalk.TreeWalk t = org.eclipse.jgit.treewalk.TreeWalk.forPath(reader, path, c.getTree())) {
                    if (t == null) {
                        return null;
                    }
                    key.add(t.getObjectId(0).name());
                    return key;
                }
            }
        }
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
                // "link:target" is a symlink, "gitlink:<commit id>" a submodule, anything else a file's content
                String v = b.getValue();
                entries.put(b.getKey(), v.startsWith("gitlink:")
                        ? new Object[] {FileMode.GITLINK, ObjectId.fromString(v.substring(8))}
                        : new Object[] {v.startsWith("link:") ? FileMode.SYMLINK : FileMode.REGULAR_FILE,
                                inserter.insert(Constants.OBJ_BLOB, (v.startsWith("link:") ? v.substring(5) : v)
                                        .getBytes(StandardCharsets.UTF_8))});
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
