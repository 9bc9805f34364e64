package dev.slm.rollout.control;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A standard 5-field cron (minute hour day-of-month month day-of-week) read in an IANA time zone, and the instants it
 * fires at. cron-utils parses the fields and finds the next matching <em>wall-clock</em> time; this class alone decides
 * how a wall-clock time becomes an instant across daylight-saving changes, the way Vixie cron does:
 * <ul>
 * <li>a schedule at <b>fixed hours</b> (the hour field is not {@code *} nor {@code *}/n) fires once a day at each
 * of its times: a time the spring-forward gap skips fires when the clock has jumped, the gap's length later (02:30
 * Europe/Berlin on the last Sunday of March fires at 03:30 CEST, 01:30 UTC); a time the fall-back hour repeats fires
 * at its first occurrence only (02:30 CEST, 00:30 UTC), not again an hour later;</li>
 * <li>a schedule over <b>every hour</b> ({@code *} or {@code *}/n) follows real time: the minutes the gap skips do
 * not exist and are not made up (the next time that exists comes next), the repeated hour runs twice.</li>
 * </ul>
 * Times a cron can never reach (31 February) are refused when parsed, not discovered at run time.
 */
public final class CronSchedule {

    public static final int MAX_EXPRESSION = 200;

    /** How far ahead a cron must fire at least once: "0 0 29 2 1" (29 February that is a Monday) is every 28 years. */
    private static final int HORIZON_YEARS = 30;

    /** The default zone, by its IANA name ("UTC", where ZoneOffset.UTC would be shown as "Z"). */
    public static final ZoneId UTC = ZoneId.of("UTC");

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime execution;
    private final boolean everyHour;

    private CronSchedule(String expression, ZoneId zone, ExecutionTime execution, boolean everyHour) {
        this.expression = expression;
        this.zone = zone;
        this.execution = execution;
        this.everyHour = everyHour;
    }

    /**
     * @param zone an IANA zone id ({@code Europe/Berlin}, {@code UTC}; a fixed offset such as {@code +02:00} is taken
     *             too); null or blank: UTC
     * @throws IllegalArgumentException saying which of the two is wrong and why, as an operator can act on it
     */
    public static CronSchedule parse(String expression, String zone) {
        return new CronSchedule(expression == null ? null : expression.strip(), zone(zone),
                execution(expression), isEveryHour(expression));
    }

    /** The zone of a schedule or window. @throws IllegalArgumentException naming the zone */
    public static ZoneId zone(String zone) {
        if (zone == null || zone.isBlank()) {
            return UTC;
        }
        if (zone.length() > 64 || !zone.matches("[A-Za-z0-9_+\\-/:]+")) {
            throw new IllegalArgumentException("zone must be an IANA time zone such as Europe/Berlin or UTC");
        }
        try {
            return ZoneId.of(zone); // without ZoneId.SHORT_IDS: "IST" or "CST" name several zones

        } catch (DateTimeException e) {
            throw new IllegalArgumentException("zone '" + zone + "' is not a known IANA time zone (such as Europe/Berlin,"
                    + " America/New_York or UTC)");
        }
    }

    private static ExecutionTime execution(String expression) {
        String[] fields = fields(expression);
        com.cronutils.model.Cron cron;
        try {
            cron = PARSER.parse(String.join(" ", fields)).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cron '" + String.join(" ", fields) + "' is not valid: " + reason(e));
        }
        ExecutionTime execution = ExecutionTime.forCron(cron);
        ZonedDateTime from = ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        Optional<ZonedDateTime> next = execution.nextExecution(from);
        if (next.isEmpty() || next.get().isAfter(from.plusYears(HORIZON_YEARS))) {
            throw new IllegalArgumentException("cron '" + String.join(" ", fields) + "' never fires (no such day)");
        }
        return execution;
    }

    private static String[] fields(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("cron is required: five fields, minute hour day-of-month month"
                    + " day-of-week, such as '30 2 * * 1-5'");
        }
        if (expression.length() > MAX_EXPRESSION || expression.codePoints().anyMatch(c -> c > 126 || (c < 32 && c != ' '))) {
            throw new IllegalArgumentException("cron must be at most " + MAX_EXPRESSION + " printable ASCII characters");
        }
        String[] fields = expression.strip().split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("cron must have five fields (minute hour day-of-month month day-of-week),"
                    + " not " + fields.length + ": '" + expression.strip() + "'");
        }
        // cron-utils reads SUN as 7, so "SUN-SAT" was refused as the range 7-6: Sunday opens a range as 0 and closes
        // one as 7, as Vixie cron reads it ("SUN-SAT", "MON-SUN")
        fields[4] = fields[4].replaceAll("(?i)-SUN\\b", "-7").replaceAll("(?i)\\bSUN\\b", "0");
        return fields;
    }

    private static String reason(IllegalArgumentException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        return m.isBlank() ? "check each field's range (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-7)" : m;
    }

    private static boolean isEveryHour(String expression) {
        return fields(expression)[1].startsWith("*");
    }

    public String expression() {
        return expression;
    }

    /** The cron in English words ("at 02:30 every day"), as the form shows it beside the field. */
    public String describe() {
        String said = com.cronutils.descriptor.CronDescriptor.instance(java.util.Locale.UK)
                .describe(PARSER.parse(String.join(" ", fields(expression))));
        return said + " (" + zone.getId() + ")";
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first firing strictly after {@code after}; empty only past the year 9999. */
    public Optional<Instant> nextAfter(Instant after) {
        Optional<Instant> forward = forward(after);
        if (!everyHour) {
            return forward;
        }
        // every hour follows real time: when the clock is about to fall back, the repeated hour's times come again
        // after the transition; the forward search, moving on in wall-clock time, would not return to them
        java.time.zone.ZoneOffsetTransition fall = zone.getRules().nextTransition(after);
        if (fall == null || !fall.isOverlap() || forward.isPresent() && !fall.getInstant().isBefore(forward.get())) {
            return forward;
        }
        Optional<ZonedDateTime> again = execution.nextExecution(fall.getDateTimeAfter().minusSeconds(1).atZone(ZoneOffset.UTC));
        if (again.isEmpty() || !again.get().toLocalDateTime().isBefore(fall.getDateTimeBefore())) {
            return forward;
        }
        Instant repeated = again.get().toLocalDateTime().toInstant(fall.getOffsetAfter());
        return repeated.isAfter(after) && (forward.isEmpty() || repeated.isBefore(forward.get())) ? Optional.of(repeated) : forward;
    }

    private Optional<Instant> forward(Instant after) {
        Optional<Instant> found = forward(LocalDateTime.ofInstant(after, zone), after);
        if (everyHour) {
            return found;
        }
        // just after a spring-forward jump, the skipped wall-clock times still to be made up lie before the clock's
        // reading (at 03:00 CEST, 02:30 is "behind" and fires at 03:30): look from the gap as well, and take the sooner
        java.time.zone.ZoneOffsetTransition jump = zone.getRules().previousTransition(after.plusNanos(1));
        if (jump != null && jump.isGap() && after.isBefore(jump.getInstant().plus(jump.getDuration()))) {
            Optional<Instant> inGap = forward(LocalDateTime.ofInstant(after, jump.getOffsetBefore()), after);
            if (inGap.isPresent() && (found.isEmpty() || inGap.get().isBefore(found.get()))) {
                return inGap;
            }
        }
        return found;
    }

    private Optional<Instant> forward(LocalDateTime from, Instant after) {
        // a wall-clock time the DST rules skip or repeat moves on to the next one; 10,000 is far more than the
        // times of one day (1,440) a cron may skip in a row
        for (int i = 0; i < 10_000; i++) {
            Optional<ZonedDateTime> match = execution.nextExecution(from.atZone(ZoneOffset.UTC));
            if (match.isEmpty()) {
                return Optional.empty();
            }
            LocalDateTime local = match.get().toLocalDateTime();
            List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
            if (offsets.isEmpty()) {
                if (!everyHour) {
                    // in the gap: java.time moves it on by the gap's length (02:30 → 03:30 CEST)
                    Instant moved = ZonedDateTime.ofLocal(local, zone, null).toInstant();
                    if (moved.isAfter(after)) {
                        return Optional.of(moved);
                    }
                }
            } else {
                List<Instant> instants = offsets.stream().map(local::toInstant).sorted().toList();
                // fixed hours: the first occurrence only; every hour: each occurrence, as real time passes
                for (Instant t : everyHour ? instants : instants.subList(0, 1)) {
                    if (t.isAfter(after)) {
                        return Optional.of(t);
                    }
                }
            }
            from = local;
        }
        return Optional.empty();
    }

    /** The next {@code count} firings after {@code after}, in the schedule's zone (with the offset each has). */
    public List<ZonedDateTime> next(Instant after, int count) {
        List<ZonedDateTime> out = new ArrayList<>();
        Instant t = after;
        while (out.size() < count) {
            Optional<Instant> n = nextAfter(t);
            if (n.isEmpty()) {
                break;
            }
            out.add(n.get().atZone(zone));
            t = n.get();
        }
        return out;
    }

    /** Every firing in {@code (after, until]}, oldest first, at most {@code limit}. */
    public List<Instant> between(Instant after, Instant until, int limit) {
        List<Instant> out = new ArrayList<>();
        Instant t = after;
        while (out.size() < limit) {
            Optional<Instant> n = nextAfter(t);
            if (n.isEmpty() || n.get().isAfter(until)) {
                break;
            }
            out.add(n.get());
            t = n.get();
        }
        return out;
    }
}
