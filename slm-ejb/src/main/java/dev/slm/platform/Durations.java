package dev.slm.platform;

import java.util.Locale;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses operator-friendly durations: {@code 300}, {@code 45s}, {@code 5m}, {@code 2h} or ISO-8601 {@code PT5M}. */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    private Durations() {
    }

    public static Duration parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("pt") || value.startsWith("p")) {
            return positive(Duration.parse(value.toUpperCase(Locale.ROOT)), text);
        }
        Matcher m = SIMPLE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 30s, 5m, 1h or PT5M)");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
        return positive(d, text);
    }

    /**
     * The setting {@code name}'s duration: {@link #parse}, with the setting's name in the refusal, which also covers what
     * {@code parse} lets through as other exceptions ({@code P}: a parse error; {@code 9999999999999999h}: an overflow).
     */
    public static Duration setting(String name, String text) {
        try {
            return parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " must be a duration " + EXAMPLES + ", not '" + text + "'", e);
        }
    }

    /** {@link #setting(String, String)} between {@code min} and {@code max}. */
    public static Duration setting(String name, String text, Duration min, Duration max) {
        Duration d;
        try {
            d = parse(text);
        } catch (RuntimeException e) {
            d = null;
        }
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be a duration from " + describe(min) + " to "
                    + describe(max) + " " + EXAMPLES + ", not '" + text + "'");
        }
        return d;
    }

    private static final String EXAMPLES = "(e.g. 30s, 5m, 1h or PT5M)";

    private static String describe(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + " h" : s % 60 == 0 ? s / 60 + " min" : s + " s";
    }

    private static Duration positive(Duration d, String text) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("duration must be positive: '" + text + "'");
        }
        return d;
    }
}
