package dev.slm.source.control;

import dev.slm.source.entity.Classification;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link GitMirror#classify}'s answers, grouped by the latest commit they were given against, at most {@code limit} of
 * them. When it is full, the answers against the latest commit used longest ago go first, all of them: they are the
 * ones nothing asks for any more. It used to be emptied whole instead, also halfway through storing a new latest
 * commit's 1,000 answers, after which every heartbeat batch walked the history again for the answers lost (issue 10).
 * Answers against one latest commit never push each other out: past the limit the rest are not kept.
 */
final class ClassificationCache {

    private final int limit;
    /** In order of use, the latest commit used longest ago first. */
    private final LinkedHashMap<String, Map<String, Classification>> byLatest = new LinkedHashMap<>(16, 0.75f, true);
    private int size;

    ClassificationCache(int limit) {
        this.limit = limit;
    }

    synchronized Classification get(String reported, String latest) {
        Map<String, Classification> answers = byLatest.get(latest);
        return answers == null ? null : answers.get(reported);
    }

    synchronized void put(String reported, String latest, Classification answer) {
        Map<String, Classification> answers = byLatest.computeIfAbsent(latest, l -> new HashMap<>());
        if (answers.containsKey(reported)) {
            answers.put(reported, answer);
            return;
        }
        for (Iterator<Map<String, Classification>> older = byLatest.values().iterator(); size >= limit && older.hasNext(); ) {
            Map<String, Classification> other = older.next();
            if (other != answers) {
                size -= other.size();
                older.remove();
            }
        }
        if (size < limit) {
            answers.put(reported, answer);
            size++;
        }
    }
}
