package dev.slm.fleet.entity;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The commit each node should run (issue 13): its own pin, else the pin of one of its roles, else the fleet's desired
 * commit (the fleet's pin, else the branch tip). When several of a node's roles are pinned, the most recent pin wins:
 * the latest decision an operator took about that node. The one definition of the rule — heartbeats, the code status
 * recalculation, syncs and rollouts all ask it.
 *
 * @param fleet the fleet's desired commit (null before the first fetch)
 * @param pinsVersion db/V17's {@code tracked_source.pins_version} these pins were read at
 */
public record DesiredCommits(String fleet, long pinsVersion, Map<String, Pin> nodePins, List<Pin> rolePins) {

    /** A node's or a role's pin. */
    public record Pin(Scope scope, String subject, String commit, String by, Instant at, String reason) {
    }

    public enum Scope { NODE, ROLE }

    /** Nothing pinned but perhaps the fleet. */
    public static DesiredCommits fleetOnly(String fleet) {
        return new DesiredCommits(fleet, 0, Map.of(), List.of());
    }

    public DesiredCommits {
        nodePins = Map.copyOf(nodePins);
        // newest first, so the first pin of a node's roles is the one that holds it; ties by role name, so two reads
        // of the same pins always agree
        rolePins = rolePins.stream()
                .sorted(Comparator.comparing(Pin::at).reversed().thenComparing(Pin::subject))
                .toList();
    }

    /** The pins as read, in any order: the node pins are keyed by node id here. */
    public static DesiredCommits of(String fleet, long pinsVersion, Collection<Pin> pins) {
        Map<String, Pin> nodes = new HashMap<>();
        List<Pin> roles = new java.util.ArrayList<>();
        for (Pin p : pins) {
            if (p.scope() == Scope.NODE) {
                nodes.put(p.subject(), p);
            } else {
                roles.add(p);
            }
        }
        return new DesiredCommits(fleet, pinsVersion, nodes, roles);
    }

    /** The pin that holds this node, if any (the fleet's own pin is not one of these: see {@link #fleet}). */
    public Optional<Pin> pinOf(String nodeId, Collection<String> roles) {
        Pin own = nodePins.get(nodeId);
        if (own != null) {
            return Optional.of(own);
        }
        if (roles == null || roles.isEmpty() || rolePins.isEmpty()) {
            return Optional.empty();
        }
        return rolePins.stream().filter(p -> roles.contains(p.subject())).findFirst();
    }

    /** The commit this node should run: null only before the first fetch, for a node nothing pins. */
    public String forNode(String nodeId, Collection<String> roles) {
        return pinOf(nodeId, roles).map(Pin::commit).orElse(fleet);
    }

    public boolean anyPins() {
        return !nodePins.isEmpty() || !rolePins.isEmpty();
    }
}
