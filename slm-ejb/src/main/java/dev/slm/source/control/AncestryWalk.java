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
 * One that is visited reaches {@code ancestors(V)} of the walked commits; the commits it lacks are
 * {@code all walked - ancestors(V)}, which is what {@code git rev-list --count latest ^V} counts, merges included.
 * Cost: one pass over the history plus, per walked commit, one step per reported commit that reaches it — for 1,000
 * versions spread over 20,000 commits about ten million increments, instead of a walk back to each version.
 * The subjects of the newest missing commits come from a walk per version that stops after
 * {@link Classification#MAX_SUBJECTS}, all in one second walker (the newest commits are parsed once).
 */
final class AncestryWalk {

    private AncestryWalk() {
    }

    /** @param reported distinct commit ids, none null nor equal to {@code latest} */
    static Map<String, Classification> classify(Repository repository, Collection<String> reported, String latest) {
        Map<String, Classification> answers = new HashMap<>();
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit tip = parse(walk, repository, latest);
            Map<String, RevCommit> commits = new HashMap<>();
            Map<RevCommit, Integer> bits = new HashMap<>();
            for (String r : reported) {
                RevCommit c = tip == null ? null : parse(walk, repository, r);
                if (c == null) {
                    answers.put(r, Classification.UNKNOWN);
                } else {
                    commits.put(r, c);
                    bits.putIfAbsent(c, bits.size());
                }
            }
            if (commits.isEmpty()) {
                return answers;
            }
            int[] reached = new int[bits.size()];
            int walked = walkAncestors(walk, tip, bits, reached);
            // a walker of its own: marking a commit uninteresting in the one above would carry the mark through every
            // ancestor it has parsed, the whole history (1.6 s for 1,000 versions over 20,000 commits)
            try (RevWalk recent = new RevWalk(repository)) {
                RevCommit recentTip = recent.parseCommit(tip);
                // versions far behind share their newest missing commits: each is described once
                Map<RevCommit, CommitInfo> described = new HashMap<>();
                for (Map.Entry<String, RevCommit> e : commits.entrySet()) {
                    int reachedByIt = reached[bits.get(e.getValue())];
                    answers.put(e.getKey(), reachedByIt == 0 ? new Classification(CodeStatus.DIVERGED, null, List.of())
                            : new Classification(CodeStatus.OUTDATED, walked - reachedByIt, newestMissing(recent,
                                    recentTip, e.getValue(), walked - reachedByIt, described)));
                }
            }
            return answers;
        } catch (IOException e) {
            // as classify: a mirror that cannot be read knows nothing (and UNKNOWN is never cached)
            reported.forEach(r -> answers.put(r, Classification.UNKNOWN));
            return answers;
        }
    }

    /**
     * Walks every ancestor of {@code tip}; {@code reached[bit]} ends as the number of them the commit with that bit
     * reaches (itself included, 0 when it is not an ancestor).
     *
     * @return how many commits were walked
     */
    private static int walkAncestors(RevWalk walk, RevCommit tip, Map<RevCommit, Integer> bits, int[] reached)
            throws IOException {
        int words = (reached.length + 63) >>> 6;
        // which reported commits reach a commit the walk has not come to yet; arrays are shared, never changed
        Map<RevCommit, long[]> reachedBy = new HashMap<>();
        walk.setRetainBody(false); // only parents are needed here; subjects come from another walker
        walk.sort(RevSort.TOPO);
        walk.markStart(tip);
        int walked = 0;
        for (RevCommit c : walk) {
            walked++;
            long[] set = reachedBy.remove(c);
            Integer own = bits.get(c);
            if (own != null) {
                set = set == null ? new long[words] : set.clone();
                set[own >>> 6] |= 1L << own;
            }
            if (set == null) {
                continue;
            }
            for (int w = 0; w < words; w++) {
                for (long b = set[w]; b != 0; b &= b - 1) {
                    reached[(w << 6) + Long.numberOfTrailingZeros(b)]++;
                }
            }
            for (RevCommit parent : c.getParents()) {
                long[] known = reachedBy.get(parent);
                reachedBy.put(parent, known == null || known == set ? set : or(known, set));
            }
        }
        return walked;
    }

    /** The first commits of {@code git log latest ^reported}, in the order classify lists them. */
    private static List<CommitInfo> newestMissing(RevWalk walk, RevCommit tip, ObjectId reported, int missing,
                                                  Map<RevCommit, CommitInfo> described) throws IOException {
        int limit = Math.min(missing, Classification.MAX_SUBJECTS);
        List<CommitInfo> subjects = new ArrayList<>(limit);
        if (limit == 0) {
            return List.of();
        }
        walk.reset();
        walk.sort(RevSort.NONE);
        walk.markStart(tip);
        walk.markUninteresting(walk.lookupCommit(reported));
        for (RevCommit c : walk) {
            subjects.add(described.computeIfAbsent(c, GitMirror::info));
            if (subjects.size() == limit) {
                break;
            }
        }
        return List.copyOf(subjects);
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
