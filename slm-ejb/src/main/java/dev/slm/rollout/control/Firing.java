package dev.slm.rollout.control;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a schedule does when the scheduler finds it due: the policy for times the server did not see.
 * <p>
 * Every firing time from the stored one ({@code due}) up to now is planned. The latest of them runs if it is at most
 * {@code grace} old (the setting {@code schedule_missed_grace_s}, 15 minutes by default: a restart, a deploy of the
 * server or a long garbage collection is forgiven); all the others are <em>missed</em> and recorded as such, never
 * run late: after a night's outage a 02:00 sync fired at 09:00 would update nodes during the working day the window
 * was chosen to avoid. Several missed times make one record (a per-minute schedule down for a week would make
 * 10,080). {@code next} is the first time after now.
 *
 * @param run         the time that fires now, if any
 * @param missed      how many times did not fire (at most {@link #MAX_COUNTED}; {@code moreMissed} when there were more)
 * @param firstMissed the oldest of them, null when none
 * @param lastMissed  the newest of them, null when none
 */
public record Firing(Optional<Instant> run, int missed, Instant firstMissed, Instant lastMissed, boolean moreMissed,
                     Optional<Instant> next) {

    /** Missed times counted one by one: a per-minute schedule down for a week is "more than 10000". */
    public static final int MAX_COUNTED = 10_000;

    /** @param due the stored next firing time, at or before {@code now} */
    public static Firing decide(CronSchedule cron, Instant due, Instant now, Duration grace) {
        Instant windowStart = now.minus(grace);
        // the newest time within the grace (a day at most: 1,440 times of a per-minute cron, fewer than MAX_COUNTED)
        List<Instant> recent = cron.between(max(due, windowStart.minusNanos(1)), now, MAX_COUNTED);
        Optional<Instant> run = !recent.isEmpty() ? Optional.of(recent.get(recent.size() - 1))
                : due.isBefore(windowStart) ? Optional.empty() : Optional.of(due);
        List<Instant> missed = new ArrayList<>();
        if (run.isEmpty() || !run.get().equals(due)) {
            missed.add(due);
        }
        for (Instant t : cron.between(due, now, MAX_COUNTED)) {
            if (run.isPresent() && !t.isBefore(run.get())) {
                break;
            }
            missed.add(t);
        }
        boolean more = missed.size() > MAX_COUNTED;
        return new Firing(run, Math.min(missed.size(), MAX_COUNTED), missed.isEmpty() ? null : missed.get(0),
                missed.isEmpty() ? null : missed.get(missed.size() - 1), more, cron.nextAfter(now));
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** What the record of the missed times says. */
    public String missedDetail(Duration grace) {
        String count = moreMissed ? "more than " + MAX_COUNTED + " firing times" : missed == 1 ? "1 firing time"
                : missed + " firing times";
        return count + " missed" + (missed > 1 ? " (" + firstMissed + " to " + lastMissed + ")" : "")
                + ": the server was not running then, and a firing is not made up more than " + grace.toSeconds()
                + " s late (setting schedule_missed_grace_s)";
    }
}
