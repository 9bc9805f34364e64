package dev.slm.web.api.security;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * How a request is framed, checked before anything reads its body; a refusal closes the connection (what follows on
 * it cannot be told apart from the body). The rules, for anyone's request:
 * <ul>
 * <li>A body declares its length ({@code Content-Length}); {@code Transfer-Encoding} is refused: 411 for
 * {@code chunked}, 400 for anything else. Grizzly took a coding other than a lone {@code chunked} ({@code xchunked},
 * {@code gzip, chunked}, {@code identity}) for no body and answered the request hidden in the body as the next one,
 * and it reads chunks loosely (bytes after a chunk's data are skipped up to the line's end, an empty size line ends
 * the body, a bare LF ends a line) — each a way for a request to be framed one way by a proxy in front and another
 * by the server, i.e. smuggled past the proxy (measured: the hidden request was answered). No client of ours sends
 * a chunked body: agents, browsers, Vaadin, forges' webhooks and Ansible all send a length. RFC 9112 6.3 and 6.1.</li>
 * <li>Headers that say one thing once ({@link #SINGLE}): given twice, 400 — with two {@code Host} or
 * {@code Authorization} headers the server took the first while a proxy may have judged the request by the other.</li>
 * <li>A form body ({@code application/x-www-form-urlencoded}, the login form's) takes at most
 * {@value #MAX_FORM_BYTES} bytes: the login form sends a name and a password, and a body over Grizzly's 2 MB form
 * limit had the first {@code getParameter} throw — a 500 and an 8 KB stack in the log for any page. Vaadin's own
 * requests are JSON.</li>
 * <li>A request that asks to switch protocols ({@code Upgrade}: {@code h2c}, which Java's HttpClient sends by default,
 * {@code websocket}, anything) carries no body. Grizzly hands such a body to the protocol asked for, not to the
 * application: reading it waited 30 s (a request thread held) and then found it cut short (a misleading 400). The
 * server speaks HTTP/1.1 only (HTTP/2 is off, see {@code MicroServer}); a WebSocket handshake is a GET.</li>
 * </ul>
 */
final class RequestFraming {

    /** A name and a password fit in 1 KB; 64 times that leaves room for any browser's additions. */
    static final long MAX_FORM_BYTES = 64 * 1024;

    /** Headers a request gives at most once (Content-Length: Grizzly refuses two already). */
    static final List<String> SINGLE = List.of("Host", "Authorization", "Content-Type", "Origin", "Upgrade", "Range",
            "If-Range", "Expect");

    private static final String FORM = "application/x-www-form-urlencoded";

    /** Why a request is refused: its status, the problem's title and detail. */
    record Refusal(int status, String title, String detail) {
    }

    private RequestFraming() {
    }

    /**
     * @param headers       every value of a header of the request, by name, as sent ({@code getHeaders})
     * @param contentType   the request's content type, or null
     * @param contentLength its declared length, or -1
     * @return why the request is refused, or null when its framing is one the server reads as the sender meant
     */
    static Refusal refusal(Function<String, Enumeration<String>> headers, String contentType, long contentLength) {
        // every request passes here, each heartbeat too: the headers are looked at without a copy unless one is there
        Enumeration<String> transferEncodings = headers.apply("Transfer-Encoding");
        if (present(transferEncodings)) {
            List<String> codings = Collections.list(transferEncodings);
            return codings.size() == 1 && codings.get(0).strip().equalsIgnoreCase("chunked")
                    ? new Refusal(411, "Length Required", "a request body must declare its length (Content-Length):"
                    + " chunked request bodies are not taken")
                    : new Refusal(400, "Bad Request", "Transfer-Encoding is not taken (RFC 9112 6.3): send the body"
                    + " with a Content-Length");
        }
        for (String name : SINGLE) {
            if (twice(headers.apply(name))) {
                return new Refusal(400, "Bad Request", "the header " + name + " may be given once only");
            }
        }
        if (contentLength > 0 && present(headers.apply("Upgrade"))) {
            return new Refusal(400, "Bad Request", "a request with a body cannot ask to switch protocols: this server"
                    + " speaks HTTP/1.1 only; send it without the Upgrade header (Java's HttpClient:"
                    + " .version(HttpClient.Version.HTTP_1_1))");
        }
        if (contentType != null && isForm(contentType) && contentLength > MAX_FORM_BYTES) {
            return new Refusal(413, "Content Too Large", "a form body takes at most " + MAX_FORM_BYTES + " bytes");
        }
        return null;
    }

    private static boolean present(Enumeration<String> values) {
        return values != null && values.hasMoreElements();
    }

    private static boolean twice(Enumeration<String> values) {
        if (!present(values)) {
            return false;
        }
        values.nextElement();
        return values.hasMoreElements();
    }

    /**
     * Grizzly parses a body as a form when its type starts with the form's (case-sensitive, so
     * {@code application/x-www-form-urlencodedzz} too): a prefix in any case covers every type it parses.
     */
    private static boolean isForm(String contentType) {
        return contentType.strip().toLowerCase(Locale.ROOT).startsWith(FORM);
    }
}
