package dev.slm.web.ui;

import dev.slm.platform.ThrottledLog;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * What went wrong in the web app that nothing caught — a page's bug, or a request no page would send — written at most
 * once per 10 s with the count since (ThrottledLog), each message cut to {@value #MESSAGE_CHARS} characters and each
 * stack to {@value #FRAMES} frames. Vaadin's own handler wrote every one in full, and what it wrote repeated what the
 * request held: a UIDL request with a 1 MB junk body (anyone's: an anonymous session suffices) put 2 MB into the log.
 */
final class UiErrorLog {

    static final int MESSAGE_CHARS = 300;
    static final int FRAMES = 25;
    private static final int CAUSES = 5;

    private static final ThrottledLog LOG = new ThrottledLog(Logger.getLogger(UiErrorLog.class.getName()),
            Duration.ofSeconds(10), "errors in the web app");

    private UiErrorLog() {
    }

    /**
     * Vaadin's handler but for its log: what it ignores (a browser that went away) stays ignored, an error it shows as
     * an error view still is, the rest is written bounded.
     */
    static final class Handler extends com.vaadin.flow.server.DefaultErrorHandler {
        @Override
        public void error(com.vaadin.flow.server.ErrorEvent event) {
            Throwable t = findRelevantThrowable(event.getThrowable());
            if (!shouldHandle(t) || com.vaadin.flow.server.ErrorHandlerUtil.handleErrorByRedirectingToErrorView(t)) {
                return;
            }
            UiErrorLog.error(t);
        }
    }

    static void error(Throwable t) {
        LOG.warning(() -> "unexpected error in the web app: " + describe(t));
    }

    /** The exception and its causes, each message cut and each stack shortened. */
    static String describe(Throwable thrown) {
        StringBuilder b = new StringBuilder();
        int causes = 0;
        for (Throwable t = thrown; t != null && causes < CAUSES; t = t.getCause() == t ? null : t.getCause(), causes++) {
            if (causes > 0) {
                b.append("\nCaused by: ");
            }
            b.append(dev.slm.platform.LoggerFilter.named(t, MESSAGE_CHARS));
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, FRAMES); i++) {
                b.append("\n\tat ").append(frames[i]);
            }
            if (frames.length > FRAMES) {
                b.append("\n\t… ").append(frames.length - FRAMES).append(" more");
            }
        }
        return b.toString();
    }
}
