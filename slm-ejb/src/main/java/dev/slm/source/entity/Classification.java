package dev.slm.source.entity;

import java.util.List;

/**
 * How a reported commit stands against the latest one. {@code commitsBehind} is set for OUTDATED (and 0 for
 * UP_TO_DATE); {@code behindSubjects} lists the newest missing commits' subjects, at most {@link #MAX_SUBJECTS}.
 */
public record Classification(CodeStatus status, Integer commitsBehind, List<CommitInfo> behind) {

    public static final int MAX_SUBJECTS = 20;
    public static final Classification UNKNOWN = new Classification(CodeStatus.UNKNOWN, null, List.of());
    public static final Classification UP_TO_DATE = new Classification(CodeStatus.UP_TO_DATE, 0, List.of());
}
