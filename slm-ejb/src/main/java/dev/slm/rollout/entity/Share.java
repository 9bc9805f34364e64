package dev.slm.rollout.entity;

/**
 * A number of nodes given as a count ({@code 3}) or a percentage of the rollout's targets ({@code "10%"}): batch_size
 * and max_failures. A percentage rounds up and is at least one node (10% of 5 nodes is 1), so a small fleet still moves
 * and a limit of "1%" still allows one failure to stop it.
 */
public record Share(int value, boolean percent) {

    public Share {
        if (value < 1 || (percent && value > 100)) {
            throw new IllegalArgumentException("out of range: " + value + (percent ? "%" : ""));
        }
    }

    /**
     * @param text {@code "3"} or {@code "10%"} (spaces around allowed)
     * @throws IllegalArgumentException with a message for the operator when it is neither, or out of range
     */
    public static Share parse(String text) {
        String t = text == null ? "" : text.strip();
        boolean percent = t.endsWith("%");
        String digits = percent ? t.substring(0, t.length() - 1).strip() : t;
        if (!digits.matches("[0-9]{1,7}")) {
            throw new IllegalArgumentException("must be a count of nodes (1 or more) or a percentage (\"1%\" to \"100%\")");
        }
        int value = Integer.parseInt(digits);
        if (value < 1 || (percent && value > 100)) {
            throw new IllegalArgumentException(percent ? "must be between 1% and 100%" : "must be 1 or more");
        }
        return new Share(value, percent);
    }

    /** The number of nodes out of {@code total}, at least one. */
    public int of(int total) {
        if (!percent) {
            return value;
        }
        // integers: 100 * 0.1 in doubles is 10.000000000000002, which rounds up to 11
        return Math.max(1, (int) ((total * (long) value + 99) / 100));
    }

    @Override
    public String toString() {
        return value + (percent ? "%" : "");
    }
}
