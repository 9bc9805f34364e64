package dev.slm.source.entity;

import java.time.Instant;

/** One commit as the UI and API show it; {@code id} is always the full 40-hex id. */
public record CommitInfo(String id, String subject, String author, Instant committedAt) {

    /** A full commit id as the server stores and compares them: 40 lower-case hex digits (SHA-1 repositories). */
    public static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[0-9a-f]{40}");

    public String shortId() {
        return id.substring(0, 7);
    }
}
