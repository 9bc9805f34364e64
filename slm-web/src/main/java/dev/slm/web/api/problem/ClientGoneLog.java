package dev.slm.web.api.problem;

import dev.slm.platform.LoggerFilter;
import dev.slm.web.api.JsonBody;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A client that went away — closed the connection before its body was sent, or before its answer was written — is
 * not a server fault, but Jersey and the web container log it as one: a request that declared 200 bytes, sent 10 and
 * closed wrote four stack traces (~20 KB) into the server log, and anyone may send it. Their records whose exception
 * is a connection the client closed are dropped here ({@link JsonBody.ClientGone} for a body, Grizzly's "Connection is
 * closed" and the socket's broken pipe or reset for an answer); {@link ErrorPageServlet} neither logs nor answers one,
 * {@link ClientGoneFilter} ends one that reaches it (any API call's, the heartbeat's too); {@link ProblemMappers}
 * answers a broken body 400 without a log line. Every other record passes unchanged.
 */
@WebListener
public class ClientGoneLog implements ServletContextListener {

    /**
     * The loggers that write a client's leaving as a fault: Jersey's, when an answer finds the connection closed, and
     * the web container's, when the error page that follows does. (The container's "Servlet.service() threw exception"
     * goes through a logger of its own, past any filter here: it is prevented where the exception would leave the
     * application, {@link ErrorPageServlet} and {@link ClientGoneFilter}.)
     */
    static final List<String> LOGGERS = List.of("org.glassfish.jersey.server.ServerRuntime$Responder",
            "jakarta.enterprise.web", "jakarta.enterprise.web.core", ClientGoneLog.GRIZZLY_CHAIN,
            ClientGoneLog.GRIZZLY_PARAMETERS, ClientGoneLog.GRIZZLY_SERVER,
            // Vaadin's, when the page's answer finds the connection closed: "Error writing 'index.html' to response"
            "com.vaadin.flow.server.communication.IndexHtmlRequestHandler", ClientGoneLog.TYRUS);

    /**
     * Tyrus's logger for a WebSocket connection it closes on a frame it cannot take: one larger than the incoming
     * buffer (web.xml) wrote "Unexpected error, closing connection." with a 2.5 KB stack per connection.
     */
    static final String TYRUS = "org.glassfish.tyrus.core.TyrusEndpointWrapper";

    /**
     * Grizzly's logger for a query or form parameter it cannot decode ({@code ?x=%zz}): "GRIZZLY0156 … Parameter [x]
     * with value [%zz] has been ignored", the name and value as sent, whatever their length and line breaks — anyone's:
     * a 1 MB form value wrote 1 MB, and a line break in it wrote a line of the sender's into the log.
     */
    static final String GRIZZLY_PARAMETERS = "org.glassfish.grizzly.http.util.Parameters";
    /** Grizzly's logger for a request with both Content-Length and Transfer-Encoding: a SEVERE line each (answer 400). */
    static final String GRIZZLY_SERVER = "org.glassfish.grizzly.http.HttpServerFilter";

    /**
     * Grizzly's logger for a request whose framing it cannot read: a chunk size that is not hex wrote "GRIZZLY0013:
     * Exception during FilterChain execution" with a 2.2 KB stack, anyone's, once per request. The client gets no
     * answer (the connection is closed), so a throttled line of its own instead.
     */
    static final String GRIZZLY_CHAIN = "org.glassfish.grizzly.filterchain.DefaultFilterChain";
    /** Grizzly's exception for such a request (its class is the container's, not on the application's class path). */
    static final String BROKEN_CONTENT = "org.glassfish.grizzly.http.HttpBrokenContentException";

    /** What Grizzly and the JDK say of a connection the other side closed or broke. */
    private static final Set<String> CLOSED = Set.of("Connection is closed", "Locally closed", "Broken pipe",
            "Connection reset by peer", "Connection reset");

    private final List<LoggerFilter> installed = new ArrayList<>();

    /** Whether the exception, or one it was caused by, is a client that went away. */
    public static boolean isClientGone(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JsonBody.ClientGone
                    || t instanceof IOException && t.getMessage() != null && CLOSED.contains(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a record's text holds the stack of a client that went away: catalina's valves write an exception as
     * text (their logger prints the stack into the message; the record carries no exception), so a client that
     * pipelined 20 requests and closed had "Exception processing ErrorPage[errorCode=500 …]" written with the stack of
     * "java.io.IOException: Connection is closed" for each queued one, ~100 KB per connection.
     */
    static boolean isClientGoneText(String message) {
        if (message == null || !message.contains("\tat ")) {
            return false;
        }
        for (String line : message.split("\n")) {
            String exception = line.startsWith("Caused by: ") ? line.substring("Caused by: ".length()) : line;
            if (exception.startsWith("java.io.IOException: ")
                    && CLOSED.contains(exception.substring("java.io.IOException: ".length()).trim())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        for (String name : LOGGERS) {
            installed.add(LoggerFilter.install(name, Dropping::new));
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        installed.forEach(LoggerFilter::close);
    }

    /**
     * The web container's SEVERE "An exception or error occurred in the container during the request processing",
     * with the stack, for a request it refuses before the application: a path with an escape that is not hex
     * ({@code /%zz}) or a {@code Host} it cannot parse — anyone's, answered by Payara itself with an empty 200
     * (Payara issue #8000), ~2.8 KB each (145 KB for 51 pipelined on one connection). One line per 10 s with the
     * count instead, naming the exception (cut), so that a fault of the container itself still shows.
     */
    static final String CONTAINER_EXCEPTION = "AS-WEB-CORE-00037";

    private static final dev.slm.platform.ThrottledLog CONTAINER_EXCEPTIONS = throttled("requests the container refused");
    private static final dev.slm.platform.ThrottledLog BROKEN_REQUESTS = throttled("requests with a broken body");
    private static final dev.slm.platform.ThrottledLog MALFORMED_REQUESTS = throttled("malformed requests");

    /** A line per 10 s at most, with the count of {@code counted} since the last. */
    private static dev.slm.platform.ThrottledLog throttled(String counted) {
        return new dev.slm.platform.ThrottledLog(Logger.getLogger(ClientGoneLog.class.getName()),
                java.time.Duration.ofSeconds(10), counted);
    }

    /**
     * Drops a record whose exception is a client that went away, and counts the container's record of a request it
     * refused and Grizzly's of a body or parameter it could not read or of contradicting headers (never quoting what
     * the request sent); asks the filter it replaced about the others.
     */
    static final class Dropping implements Filter {
        private final Filter previous;

        Dropping(Filter previous) {
            this.previous = previous;
        }

        @Override
        public boolean isLoggable(LogRecord record) {
            if (CONTAINER_EXCEPTION.equals(record.getMessage())) {
                CONTAINER_EXCEPTIONS.warning(() -> "the container refused a request before the application (a malformed"
                        + " escape or Host header does this): " + LoggerFilter.named(record.getThrown(), 200));
                return false;
            }
            if (record.getThrown() != null && BROKEN_CONTENT.equals(record.getThrown().getClass().getName())) {
                BROKEN_REQUESTS.warning(() -> "a request's body could not be read (its framing is broken; the"
                        + " connection was closed): " + LoggerFilter.named(record.getThrown(), 200));
                return false;
            }
            String message = record.getMessage() == null ? "" : record.getMessage();
            if (message.startsWith("GRIZZLY0156")) {
                MALFORMED_REQUESTS.warning(() -> "a request's query or form parameter held a malformed escape; the"
                        + " container ignored that parameter");
                return false;
            }
            if (TYRUS.equals(record.getLoggerName()) && message.contains("closing connection")) {
                MALFORMED_REQUESTS.warning(() -> "a WebSocket connection was closed for a frame the server does not take: "
                        + LoggerFilter.named(record.getThrown(), 200));
                return false;
            }
            if (message.contains("Content-Length and Transfer-Encoding")) {
                MALFORMED_REQUESTS.warning(() -> "a request carried both Content-Length and Transfer-Encoding; the"
                        + " container refused it (400)");
                return false;
            }
            return !isClientGone(record.getThrown()) && !isClientGoneText(record.getMessage())
                    && (previous == null || previous.isLoggable(record));
        }
    }
}
