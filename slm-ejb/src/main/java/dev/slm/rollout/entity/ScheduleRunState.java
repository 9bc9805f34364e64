package dev.slm.rollout.entity;

/** What became of one firing time of a schedule (db/V15's schedule_run). */
public enum ScheduleRunState {
    /** claimed: its operations or rollout are being created */
    FIRING,
    /** it sent nodes: a rollout, or operations (as a bulk action) */
    FIRED,
    /** every target ran the desired commit already, was offline or busy: nothing sent, each node's reason kept */
    NOTHING_TO_DO,
    /** the server was not running at the time, nor within the grace after it (setting schedule_missed_grace_s) */
    MISSED,
    /** the server stopped while it fired: what it had created stands, the rest was not sent */
    INTERRUPTED,
    /** it could not fire (the desired commit cannot be installed, the repository was not fetched yet...) */
    FAILED
}
