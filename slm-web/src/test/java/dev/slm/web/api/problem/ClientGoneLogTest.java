package dev.slm.web.api.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slm.platform.LoggerFilter;
import dev.slm.web.api.JsonBody;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class ClientGoneLogTest {

    @Test
    void aConnectionTheClientClosedIsToldFromTheServersOwnFaults() {
        // as Grizzly and Jersey wrap it when an answer finds the connection closed
        assertTrue(ClientGoneLog.isClientGone(new UncheckedIOException(new IOException("Connection is closed",
                new IOException("Locally closed")))));
        assertTrue(ClientGoneLog.isClientGone(new RuntimeException(new IOException("Broken pipe"))));
        assertTrue(ClientGoneLog.isClientGone(new IOException("Connection reset by peer")));
        assertTrue(ClientGoneLog.isClientGone(new IllegalStateException(new JsonBody.ClientGone(new EOFException()))));
        // the server's own: a cached package that ends early, a disk that is full, a bare EOF of a file it reads
        assertFalse(ClientGoneLog.isClientGone(new IOException("the cached package /x ended early")));
        assertFalse(ClientGoneLog.isClientGone(new UncheckedIOException(new IOException("No space left on device"))));
        assertFalse(ClientGoneLog.isClientGone(new EOFException()));
        assertFalse(ClientGoneLog.isClientGone(new IOException((String) null)));
        assertFalse(ClientGoneLog.isClientGone(null));
    }

    @Test
    void aValvesStackWrittenAsTextIsRecognisedByItsExceptionLines() {
        String valve = "org.apache.catalina.core.StandardHostValve@36a38b71: Exception processing ErrorPage[errorCode=500,"
                + " location=/error-page]\njava.io.IOException: Connection is closed\n\tat org.glassfish.grizzly.nio"
                + ".NIOConnection.assertOpen(NIOConnection.java:427)\nCaused by: java.io.IOException: Locally closed\n";
        assertTrue(ClientGoneLog.isClientGoneText(valve));
        assertTrue(ClientGoneLog.isClientGoneText("x\njakarta.servlet.ServletException: y\n\tat a.b(C.java:1)\n"
                + "Caused by: java.io.IOException: Broken pipe\n\tat d.e(F.java:2)"));
        assertFalse(ClientGoneLog.isClientGoneText("a fault\njava.lang.IllegalStateException: Connection is closed\n\tat a.b(C.java:1)"));
        assertFalse(ClientGoneLog.isClientGoneText("java.io.IOException: Connection is closed, said without a stack"));
        assertFalse(ClientGoneLog.isClientGoneText("the client said: java.io.IOException: Connection is closed"));
        assertFalse(ClientGoneLog.isClientGoneText(null));
    }

    @Test
    void theContainersRefusalIsNamedCut() {
        assertEquals("java.lang.IllegalStateException: Host header a:1>; x contained a non-decimal value",
                LoggerFilter.named(new IllegalStateException("Host header a:1>; x contained a non-decimal value"), 200));
        assertEquals("java.lang.IllegalArgumentException: " + "x".repeat(200) + "… (5000 characters)",
                LoggerFilter.named(new IllegalArgumentException("x".repeat(5000)), 200));
        assertEquals("java.lang.IllegalStateException", LoggerFilter.named(new IllegalStateException(), 200));
        assertEquals("no exception given", LoggerFilter.named(null, 200));
    }

    @Test
    void recordsOfAClientsLeavingAreDroppedAndTheRestPassThroughTheFilterBefore() {
        Logger logger = Logger.getLogger("client-gone-log-test");
        logger.setUseParentHandlers(false);
        List<String> written = new ArrayList<>();
        logger.addHandler(collecting(written));
        logger.setFilter(new ClientGoneLog.Dropping(r -> !r.getMessage().contains("secret")));
        logger.log(Level.SEVERE, "writing the answer", new UncheckedIOException(new IOException("Connection is closed")));
        logger.log(Level.WARNING, "Servlet.service() threw exception", new IOException("Broken pipe"));
        logger.log(Level.SEVERE, "a real fault", new IllegalStateException("bug"));
        logger.log(Level.WARNING, "a secret");
        logger.info("deployed");
        logger.log(Level.SEVERE, ClientGoneLog.CONTAINER_EXCEPTION, new IllegalArgumentException("URLDecoder: Illegal hex characters"));

        assertEquals(List.of("a real fault", "deployed"), written);
    }

    @Test
    void tyrusClosingAConnectionForAFrameItCannotTakeIsDroppedItsOtherRecordsPass() {
        Logger tyrus = Logger.getLogger(ClientGoneLog.TYRUS);
        List<String> written = new ArrayList<>();
        Handler handler = collecting(written);
        tyrus.addHandler(handler);
        Filter before = tyrus.getFilter();
        tyrus.setUseParentHandlers(false);
        try {
            tyrus.setFilter(new ClientGoneLog.Dropping(null));
            tyrus.log(Level.WARNING, "Unexpected error, closing connection.", new IllegalArgumentException("Buffer overflow."));
            tyrus.log(Level.WARNING, "an endpoint failed", new IllegalStateException("bug"));
        } finally {
            tyrus.setFilter(before);
            tyrus.removeHandler(handler);
            tyrus.setUseParentHandlers(true);
        }
        assertEquals(List.of("an endpoint failed"), written);
    }

    /** A handler that keeps each record's message. */
    private static Handler collecting(List<String> written) {
        return new Handler() {
            @Override
            public void publish(LogRecord r) {
                written.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }
}
