package dev.slm.rollout.entity;

/**
 * How the agent restarts the service after the swap (DESIGN.md, restart strategies). On the wire to the agent it is
 * lower case ({@code restart}: immediate|graceful|manual, docs/protocol.md), and signed so: {@link #wire()} is the one
 * place that spells it; the database keeps {@link #name()}.
 */
public enum RestartType {
    IMMEDIATE, GRACEFUL, MANUAL;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The type an operator named, in any case; @throws IllegalArgumentException for another name */
    public static RestartType fromWire(String name) {
        return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
