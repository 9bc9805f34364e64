package dev.slm.rollout.control;

import dev.slm.platform.Conflict;
import java.time.Instant;

/** A sync refused because of the node's maintenance windows (409): which window, and when it next opens. */
public class OutsideWindow extends Conflict {

    private final String window;
    private final Instant opens;

    public OutsideWindow(Windows.Verdict verdict) {
        super(verdict.reason() + "; set override_window to true to sync it now");
        this.window = verdict.window().name();
        this.opens = verdict.from();
    }

    public String window() {
        return window;
    }

    /** When the node may be synced (null: no window ahead allows it). */
    public Instant opens() {
        return opens;
    }
}
