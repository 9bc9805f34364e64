package dev.slm.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.ejb.AccessLocalException;
import jakarta.ejb.EJBAccessException;
import jakarta.ejb.EJBException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The container's records as Payara's BaseContainer writes them, through the filter, on one logger each test. */
class RefusedCallLogTest {

    static int loggers;

    Logger container;
    final List<String> written = new ArrayList<>();
    final List<String> ours = new ArrayList<>();

    @BeforeEach
    void install() {
        container = Logger.getLogger("refused-call-log-test-container-" + ++loggers);
        container.setUseParentHandlers(false);
        container.addHandler(collecting(written));
        Logger log = Logger.getLogger("refused-call-log-test-" + loggers);
        log.setUseParentHandlers(false);
        log.addHandler(collecting(ours));
        container.setFilter(new RefusedCallLog.Refusals(container, null,
                new ThrottledLog(log, Duration.ofSeconds(10), "calls refused")));
    }

    @Test
    void aRefusedCallIsOneShortLineInsteadOfTheContainersWarningAndStack() throws Exception {
        systemException("SourceTracker", "refresh", new AccessLocalException("Client not authorized for this invocation"));

        assertEquals(List.of(), written);
        assertEquals(List.of("WARNING refused: SourceTracker.refresh, for a caller without its role"), ours);
    }

    @Test
    void aFloodOfRefusalsWritesOneLinePerWindow() throws Exception {
        for (int i = 0; i < 500; i++) {
            systemException("SyncOperations", "request", new EJBAccessException("denied"));
        }
        assertEquals(List.of(), written);
        assertEquals(1, ours.size(), ours.toString());
    }

    @Test
    void anyOtherSystemExceptionIsWrittenAsTheContainerWroteItInOrder() throws Exception {
        systemException("Rollouts", "advance", new EJBException(new IllegalStateException("a real fault")));

        assertEquals(List.of("WARNING AS-EJB-00056 [Rollouts, public abstract void dev.slm.platform.RefusedCallLogTest$Beans.advance()]",
                "WARNING  IllegalStateException"), written);
        assertEquals(List.of(), ours);
    }

    @Test
    void aSystemExceptionWarningFollowedBySomethingElseIsNotLost() {
        LogRecord first = new LogRecord(Level.WARNING, RefusedCallLog.Refusals.SYSTEM_EXCEPTION);
        first.setParameters(new Object[] {"Bean", null});
        container.log(first);
        container.info("another thing");
        container.log(Level.WARNING, "", new AccessLocalException("a refusal on its own"));
        container.fine("below the level: not written");

        assertEquals(List.of("WARNING AS-EJB-00056 [Bean, null]", "INFO another thing"), written);
        assertEquals(List.of("WARNING refused: a call, for a caller without its role"), ours);
    }

    @Test
    void recordsOfTheContainerThatAreNoSystemExceptionPassAndAFilterBeforeOursStillApplies() {
        container.setFilter(new RefusedCallLog.Refusals(container,
                r -> !(r.getMessage() + java.util.Arrays.toString(r.getParameters())).contains("secret"),
                new ThrottledLog(Logger.getLogger("unused"), Duration.ofSeconds(10), "calls refused")));
        container.info("deployed");
        container.warning("a secret");
        LogRecord first = new LogRecord(Level.WARNING, RefusedCallLog.Refusals.SYSTEM_EXCEPTION);
        first.setParameters(new Object[] {"secret bean", null});
        container.log(first);
        container.log(Level.WARNING, "", new IllegalStateException());

        assertEquals(List.of("INFO deployed", "WARNING  IllegalStateException"), written);
    }

    /** Stands for the boundary EJBs' methods. */
    interface Beans {
        void refresh();

        void request();

        void advance();
    }

    /** As BaseContainer.postInvoke: the warning naming bean and method, then the exception with an empty message. */
    private void systemException(String bean, String method, Exception e) throws Exception {
        LogRecord first = new LogRecord(Level.WARNING, RefusedCallLog.Refusals.SYSTEM_EXCEPTION);
        first.setParameters(new Object[] {bean, Beans.class.getMethod(method)});
        container.log(first);
        container.log(Level.WARNING, "", e);
    }

    private static Handler collecting(List<String> into) {
        // what the record says, and the root of its exception: "WARNING  IllegalStateException"
        return new Handler() {
            @Override
            public void publish(LogRecord r) {
                String params = r.getParameters() == null ? "" : " " + java.util.Arrays.toString(r.getParameters());
                into.add(r.getLevel() + " " + r.getMessage() + params + describe(r.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "";
        }
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return " " + root.getClass().getSimpleName();
    }
}
