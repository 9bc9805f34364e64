package dev.slm.source.entity;

/**
 * The commit nodes are measured against changed, and everything derived from it is stored (every node's code status:
 * observers of {@link LatestCommitStored}): a new tip was fetched, or an operator pinned the fleet to a commit or
 * lifted the pin ({@code pin} then says which, "pinned" or "unpinned"; null for a fetch). Fired synchronously by the
 * instance that made the change, outside any transaction.
 */
public record LatestCommitChanged(String previous, String latest, String pin) {

    public LatestCommitChanged(String previous, String latest) {
        this(previous, latest, null);
    }
}
