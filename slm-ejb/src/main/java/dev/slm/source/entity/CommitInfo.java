package dev.slm.source.entity;

import java.time.Instant;

/** One commit as the UI and API show it; {@code id} is always the full 40-hex id. */
public record CommitInfo(String id, String subject, String author, Instant committedAt) {

    public String shortId() {
        return id.substring(0, 7);
    }
}
