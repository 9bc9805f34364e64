package dev.slm.source.control;

import dev.slm.source.entity.CodeStatus;
import dev.slm.source.entity.Classification;
import dev.slm.source.entity.CommitInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.errors.RevWalkException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Classifies many reported commits against the latest one with a single walk of the latest commit's history, giving
 * for each what {@link GitMirror#classify} gives (GitMirrorTest compares them). One possible difference: where clock
 * skew makes a parent newer than its child, classify's date-ordered walk may stop early and count commits the
 * reported one does reach; this walk's count does not depend on commit times.
 *
 * The walk visits the latest commit's ancestors children first (topological order) and carries down, as a bit set,
 * which reported commits reach each ancestor. A reported commit that is never visited is not an ancestor: DIVERGED.
 * Only commits that change what nodes get (the tracked subdirectory, {@link TrackedContent}) and that git's history
 * simplification keeps ({@link TrackedContent#followed}: not those on a side a merge left out) count: one that is
 * visited lacks {@code all changing walked - changing ancestors(V)}, which is what {@code git rev-list --count
 * latest ^V} counts when every commit changes the subdirectory, merges included. A reported commit with the latest's
 * content is UP_TO_DATE, whatever the history between them.
 * Cost: one pass over the history (one tree lookup per commit) plus, per walked commit, one step per reported commit
 * that reaches it — for 1,000 versions spread over 20,000 commits about ten million increments, instead of a walk
 * back to each version. The subjects of the newest missing commits come from the same pass: a commit is missed by
 * every reported commit not in its set, and each is described once.
 */
final class AncestryWalk {

    private AncestryWalk() {
    }

    /**
     * @param path     the tracked subdirectory, normalised: only commits that change it count (TrackedContent)
     * @param contents the commits' contents known from earlier walks (the mirror's)
     * @param reported distinct commit ids, none null nor equal to {@code latest}
     */
    static Map<String, Classification> classify(Repository repository, String path, TrackedContent.Keys contents,
                                                Collection<String> reported, String latest) {
        Map<String, Classification> answers = new HashMap<>();
        try (RevWalk walk = new RevWalk(repository); TrackedContent content = new TrackedContent(repository, path, contents);
             RevWalk described = new RevWalk(repository)) {
            RevCommit tip = parse(walk, repository, latest);
            Map<String, RevCommit> commits = new HashMap<>();
            Map<RevCommit, Integer> bits = new HashMap<>();
            for (String r : reported) {
                RevCommit c = tip == null ? null : parse(walk, repository, r);
                if (c == null) {
                    answers.put(r, Classification.UNKNOWN);
                } else if (content.same(c, tip)) {
                    answers.put(r, Classification.UP_TO_DATE); // the same files, whatever the history between them
                } else {
                    commits.put(r, c);
                    bits.putIfAbsent(c, bits.size());
                }
            }
            if (commits.isEmpty()) {
                return answers;
            }
            Walked w = walkAncestors(walk, tip, bits, content, described);
            for (Map.Entry<String, RevCommit> e : commits.entrySet()) {
                int bit = bits.get(e.getValue());
                answers.put(e.getKey(), !w.found[bit] ? new Classification(CodeStatus.DIVERGED, null, List.of())
                        : new Classification(CodeStatus.OUTDATED, w.changing - w.reached[bit], List.copyOf(w.missing[bit])));
            }
            return answers;
        } catch (IOException | RevWalkException e) {
            // as classify: a mirror that cannot be read knows nothing (and UNKNOWN is never cached); the walk's
            // iterator throws a missing object unchecked
            reported.forEach(r -> answers.put(r, Classification.UNKNOWN));
            return answers;
        }
    }

    /** What one walk learned, per reported commit by its bit. */
    private record Walked(int changing, int[] reached, boolean[] found, List<CommitInfo>[] missing) {
    }

    /**
     * Walks every ancestor of {@code tip}, children first. {@code reached[bit]} ends as the number of commits that
     * change the content among those the reported commit reaches (itself included), {@code found[bit]} says whether it
     * is an ancestor at all, and {@code missing[bit]} lists the first commits that change the content and that it does
     * not reach (the newest it lacks, at most {@link Classification#MAX_SUBJECTS}): a commit visited here is reached
     * by exactly the reported commits already visited whose set it is in, as its descendants come before it.
     */
    @SuppressWarnings("unchecked")
    private static Walked walkAncestors(RevWalk walk, RevCommit tip, Map<RevCommit, Integer> bits,
                                        TrackedContent content, RevWalk described) throws IOException {
        int versions = bits.size();
        int[] reached = new int[versions];
        boolean[] found = new boolean[versions];
        List<CommitInfo>[] missing = new List[versions];
        for (int i = 0; i < versions; i++) {
            missing[i] = new ArrayList<>();
        }
        int open = versions; // lists not full yet
        int words = (versions + 63) >>> 6;
        long[] none = new long[words];
        // which reported commits reach a commit the walk has not come to yet; arrays are shared, never changed
        Map<RevCommit, long[]> reachedBy = new HashMap<>();
        walk.setRetainBody(false); // only parents and trees are needed here; subjects come from another walker
        // newest first where the topology allows it, as classify lists the commits a version lacks
        walk.sort(RevSort.COMMIT_TIME_DESC);
        walk.sort(RevSort.TOPO, true);
        walk.markStart(tip);
        int changing = 0;
        // the commits git's history simplification keeps (TrackedContent.followed): only those can count
        java.util.Set<RevCommit> kept = new java.util.HashSet<>();
        kept.add(tip);
        for (RevCommit c : walk) {
            long[] set = reachedBy.remove(c);
            Integer own = bits.get(c);
            if (own != null) {
                found[own] = true;
                set = set == null ? new long[words] : set.clone();
                set[own >>> 6] |= 1L << own;
            }
            boolean changes = false;
            if (kept.remove(c)) {
                RevCommit[] followed = content.followed(c);
                changes = followed == null;
                java.util.Collections.addAll(kept, followed == null ? c.getParents() : followed);
            }
            if (changes) {
                changing++;
                long[] by = set == null ? none : set;
                if (open > 0) {
                    CommitInfo info = null;
                    for (int v = 0; v < versions; v++) {
                        if (missing[v].size() < Classification.MAX_SUBJECTS && (by[v >>> 6] & (1L << v)) == 0) {
                            info = info == null ? GitMirror.info(described.parseCommit(c)) : info;
                            missing[v].add(info);
                            if (missing[v].size() == Classification.MAX_SUBJECTS) {
                                open--;
                            }
                        }
                    }
                }
                if (set != null) {
                    for (int w = 0; w < words; w++) {
                        for (long b = set[w]; b != 0; b &= b - 1) {
                            reached[(w << 6) + Long.numberOfTrailingZeros(b)]++;
                        }
                    }
                }
            }
            if (set == null) {
                continue;
            }
            for (RevCommit parent : c.getParents()) {
                long[] known = reachedBy.get(parent);
                reachedBy.put(parent, known == null || known == set ? set : or(known, set));
            }
        }
        return new Walked(changing, reached, found, missing);
    }

    private static long[] or(long[] a, long[] b) {
        long[] union = a.clone();
        for (int i = 0; i < union.length; i++) {
            union[i] |= b[i];
        }
        return union;
    }

    /** The commit, or null where classify answers UNKNOWN: not a commit id, not in the mirror, not a commit. */
    private static RevCommit parse(RevWalk walk, Repository repository, String id) {
        try {
            ObjectId oid = ObjectId.fromString(id);
            return repository.getObjectDatabase().has(oid) ? walk.parseCommit(oid) : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
