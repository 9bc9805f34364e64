package dev.slm.source.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrackedSourceTest {

    /**
     * A node's status depends on the tracked subdirectory (issue 12), and the server computes again only the statuses
     * not computed against the latest commit: a server restarted with another SLM_GIT_PATH (a typo corrected) must say
     * so, or every stored status stays the old path's until upstream gets a new commit.
     */
    @Test
    void followingAnotherSubdirectorySaysSoTheSameOneWrittenOtherwiseDoesNot() {
        TrackedSource s = new TrackedSource("file:///repo", "main", "ap");
        assertTrue(s.follow("file:///repo", "main", "app"), "ap -> app");
        assertEquals("app", s.path());
        assertFalse(s.follow("file:///repo", "main", "/app/"), "the same directory");
        assertFalse(s.follow("https://example.com/repo.git", "release", "app"), "another URL or branch: its own latest");
        assertTrue(s.follow("https://example.com/repo.git", "release", null), "the whole tree");
        assertFalse(s.follow("https://example.com/repo.git", "release", ""));
    }
}
