package dev.slm.web.ui;

/**
 * What a part of a live page was last drawn from, so that it is drawn anew only when that changes. Pages redraw at
 * every live batch and every poll (5 s); a button drawn anew each time lost the click of an operator whose click was
 * on its way, because Flow drops an event for a component no longer attached (WebAppIT: a summary chip's click right
 * after a reload did nothing in two runs of five). The value compared is made of plain values, never entities: a page
 * lives as long as its browser.
 */
final class DrawnFrom {

    private Object last;
    private boolean drawn;

    /** True, and remembered, when {@code now} differs from what the part was last drawn from (or it never was). */
    boolean changed(Object now) {
        if (drawn && java.util.Objects.equals(now, last)) {
            return false;
        }
        last = now;
        drawn = true;
        return true;
    }

    /** The part is gone (the page shows something else): the next {@link #changed} draws it. */
    void forget() {
        drawn = false;
        last = null;
    }
}
