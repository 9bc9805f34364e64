package dev.slm.source.entity;

/** Fired synchronously, inside the transaction that stores a new latest commit. */
public record LatestCommitChanged(String previous, String latest) {
}
