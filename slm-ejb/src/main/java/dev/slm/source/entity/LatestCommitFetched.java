package dev.slm.source.entity;

/**
 * A fetch found a new head of the tracked branch. Fired synchronously by the instance that fetched, outside any
 * transaction and before the commit is stored as the latest, so that observers can do slow work for it (classify
 * every node's version: a walk of the history) while nothing is locked and heartbeats go on against the previous one.
 */
public record LatestCommitFetched(String previous, String latest) {
}
