package dev.slm.platform;

import java.util.function.UnaryOperator;
import java.util.logging.Filter;
import java.util.logging.Logger;

/**
 * A filter of the application's put in front of a server logger's own, for records that anyone's request can cause
 * (a refused call, a client that went away) and that the server would write with whole stacks. The filter gets the
 * one it replaced, to ask about every record it does not handle itself; {@link #close} puts that one back.
 */
public final class LoggerFilter implements AutoCloseable {

    /** Held: a logger nobody references may be collected, and the filter set on it with it. */
    private final Logger logger;
    private final Filter previous;
    private final Filter installed;

    private LoggerFilter(Logger logger, Filter previous, Filter installed) {
        this.logger = logger;
        this.previous = previous;
        this.installed = installed;
    }

    /** @param before given the logger's filter until now (null for none), the filter to install in front of it */
    public static LoggerFilter install(String loggerName, UnaryOperator<Filter> before) {
        Logger logger = Logger.getLogger(loggerName);
        Filter previous = logger.getFilter();
        Filter installed = before.apply(previous);
        logger.setFilter(installed);
        return new LoggerFilter(logger, previous, installed);
    }

    /**
     * Puts the replaced filter back, unless another has been installed since. A filter's class is the application's:
     * left installed, it would keep the undeployed application loaded.
     */
    @Override
    public void close() {
        if (logger.getFilter() == installed) {
            logger.setFilter(previous);
        }
    }

    /**
     * "the exception's class: its message" for a one-line record of an exception anyone can cause, the message cut
     * after {@code chars} characters: a request's junk can be the message (a 1 MB body was logged whole, twice).
     */
    public static String named(Throwable t, int chars) {
        if (t == null) {
            return "no exception given";
        }
        String message = t.getMessage();
        return t.getClass().getName() + (message == null ? "" : ": " + (message.length() > chars
                ? message.substring(0, chars) + "… (" + message.length() + " characters)" : message));
    }
}
