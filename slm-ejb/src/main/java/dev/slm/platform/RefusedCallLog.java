package dev.slm.platform;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.AccessLocalException;
import jakarta.ejb.EJBAccessException;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A call a boundary EJB's {@code @RolesAllowed} refused is an answer (403, or a message in the UI), not a server
 * fault: the container logs it as one ("A system exception occurred …", then the exception's whole stack, about 100
 * lines for each refused request), so a viewer clicking at what they may not do, or a script with a viewer's password,
 * could write the disk full. Those two records become one line at most every 10 s with the count since the last, like
 * the other warnings anyone may cause ({@link ThrottledLog}); every other record of the container passes unchanged.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RefusedCallLog {

    /** The logger of Payara's EJB container ({@code com.sun.ejb.containers.BaseContainer}). */
    static final String CONTAINER = "jakarta.enterprise.ejb.container";

    private static final Logger LOG = Logger.getLogger(RefusedCallLog.class.getName());

    private LoggerFilter installed;

    @PostConstruct
    void install() {
        ThrottledLog refused = new ThrottledLog(LOG, Duration.ofSeconds(10), "calls refused");
        installed = LoggerFilter.install(CONTAINER, previous -> new Refusals(Logger.getLogger(CONTAINER), previous, refused));
    }

    @PreDestroy
    void uninstall() {
        installed.close();
    }

    /**
     * The container writes a refusal as two records in a row on the calling thread: first "AS-EJB-00056" naming the
     * bean and method (without the exception), then the exception with an empty message. The first is held until the
     * second shows whether it was a refusal; if not, it is written then, before the second, as the container would
     * have.
     */
    static final class Refusals implements Filter {

        /** The key of "A system exception occurred during an invocation on EJB {0}, method: {1}". */
        static final String SYSTEM_EXCEPTION = "AS-EJB-00056";

        private final Filter previous;
        private final Logger container;
        private final ThrottledLog refused;
        private final ThreadLocal<LogRecord> held = new ThreadLocal<>();
        private final ThreadLocal<Boolean> replaying = new ThreadLocal<>();

        Refusals(Logger container, Filter previous, ThrottledLog refused) {
            this.container = container;
            this.previous = previous;
            this.refused = refused;
        }

        @Override
        public boolean isLoggable(LogRecord record) {
            if (Boolean.TRUE.equals(replaying.get())) {
                return previous == null || previous.isLoggable(record);
            }
            LogRecord first = held.get();
            if (first != null) {
                held.remove();
                if (isRefusal(record.getThrown())) {
                    refuse(call(first));
                    return false;
                }
                replay(first);
            }
            if (isRefusal(record.getThrown())) {
                refuse("a call");
                return false;
            }
            if (record.getLevel() == Level.WARNING && SYSTEM_EXCEPTION.equals(record.getMessage())) {
                held.set(record);
                return false;
            }
            return previous == null || previous.isLoggable(record);
        }

        private void refuse(String call) {
            refused.warning(() -> "refused: " + call + ", for a caller without its role");
        }

        private void replay(LogRecord record) {
            replaying.set(Boolean.TRUE);
            try {
                container.log(record);
            } finally {
                replaying.remove();
            }
        }

        private static boolean isRefusal(Throwable thrown) {
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                if (t instanceof AccessLocalException || t instanceof EJBAccessException) {
                    return true;
                }
            }
            return false;
        }

        /** "SourceTracker.refresh", from the first record's parameters (the bean's name, the method). */
        private static String call(LogRecord first) {
            Object[] p = first.getParameters();
            String bean = p != null && p.length > 0 ? String.valueOf(p[0]) : "an EJB";
            String method = p != null && p.length > 1 && p[1] instanceof Method m ? m.getName() : "?";
            return bean + "." + method;
        }
    }
}
