package dev.slm.source.entity;

/**
 * A fetch succeeded and its head is stored as the latest commit — changed or not, so that observers also finish
 * work a crash interrupted. Fired synchronously by the instance that fetched, outside any transaction, after the
 * commit is stored and before {@link LatestCommitChanged}.
 */
public record LatestCommitStored(String latest) {
}
