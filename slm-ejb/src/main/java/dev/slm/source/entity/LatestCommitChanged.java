package dev.slm.source.entity;

/**
 * The latest commit changed, and everything derived from it is stored (every node's code status: observers of
 * {@link LatestCommitStored}). Fired synchronously by the instance that fetched, outside any transaction.
 */
public record LatestCommitChanged(String previous, String latest) {
}
