package dev.slm.agent.update;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How the service is restarted after the swap; on the wire in lower case ({@code restart}: immediate|graceful|manual,
 * docs/protocol.md), and signed as such. Only {@link #fromWire} reads it and only {@link #wire} writes it.
 */
public enum Restart {
    /** Stopped (a second to exit on SIGTERM), swapped, started. */
    IMMEDIATE,
    /** Drained first (drain.command, then SIGTERM and what is left of drain.timeout.s), swapped, started. */
    GRACEFUL,
    /** Swapped only: the service keeps running the previous release until someone restarts it. */
    MANUAL;

    /** What a command without {@code restart} means. */
    public static final Restart DEFAULT = GRACEFUL;

    /** The values a command may carry, for a refusal's reason: "immediate, graceful, manual". */
    public static final String ALLOWED = Arrays.stream(values()).map(Restart::wire).collect(Collectors.joining(", "));

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The restart a wire value names exactly (lower case), or empty. */
    public static Optional<Restart> fromWire(String value) {
        return Arrays.stream(values()).filter(r -> r.wire().equals(value)).findFirst();
    }
}
