package dev.slm.fleet.entity;

import java.util.Set;

/** Nodes whose reported commit or code status changed (heartbeats); fired after the change is committed. */
public record NodesChanged(Set<String> nodeIds) {
}
