package dev.slm.web.api.security;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

/**
 * How a request's body is framed, checked before anything reads it; a refusal closes the connection (what follows
 * on it cannot be told apart from the body). Three rules, for anyone's request:
 * <ul>
 * <li>{@code Transfer-Encoding} is exactly {@code chunked} or absent. Grizzly takes a request with any other coding
 * ({@code xchunked}, {@code gzip, chunked}, {@code identity}) as one without a body and reads the body as the next
 * request — measured: a request hidden in such a body was answered — while a proxy in front that frames it as
 * RFC 9112 6.1 says sends it as one request: the classic opening for smuggling a request past the proxy. RFC 9112
 * 6.3 says to refuse such a request with 400 and close.</li>
 * <li>A form body ({@code application/x-www-form-urlencoded}, the login form's) declares its length and takes at
 * most {@value #MAX_FORM_BYTES} bytes: the login form sends a name and a password, and a declared body over
 * Grizzly's 2 MB form limit had the first {@code getParameter} throw — a 500 and an 8 KB stack in the log for any
 * page, anyone's. Vaadin's own requests are JSON.</li>
 * <li>A request that asks to switch protocols ({@code Upgrade}: {@code h2c}, which Java's HttpClient sends by default,
 * {@code websocket}, anything) carries no body. Grizzly hands such a body to the protocol asked for, not to the
 * application: reading it waited 30 s (a request thread held, anyone's) and then found it cut short (a misleading
 * 400). The server speaks HTTP/1.1 only (HTTP/2 is off, see {@code MicroServer}); a WebSocket handshake is a GET.</li>
 * </ul>
 */
final class RequestFraming {

    /** A name and a password fit in 1 KB; 64 times that leaves room for any browser's additions. */
    static final long MAX_FORM_BYTES = 64 * 1024;

    private static final String FORM = "application/x-www-form-urlencoded";

    /** Why a request is refused: its status, the problem's title and detail. */
    record Refusal(int status, String title, String detail) {
    }

    private RequestFraming() {
    }

    /**
     * @param transferEncodings every {@code Transfer-Encoding} header of the request, as sent
     * @param upgrade           its {@code Upgrade} header, or null
     * @param contentType       the request's content type, or null
     * @param contentLength     its declared length, or -1
     * @return why the request is refused, or null when its framing is one the server reads as the sender meant
     */
    static Refusal refusal(Enumeration<String> transferEncodings, String upgrade, String contentType, long contentLength) {
        List<String> codings = transferEncodings == null ? List.of() : Collections.list(transferEncodings);
        boolean chunked = !codings.isEmpty();
        if (chunked && !(codings.size() == 1 && codings.get(0).strip().equalsIgnoreCase("chunked"))) {
            return new Refusal(400, "Bad Request", "Transfer-Encoding takes only 'chunked' (RFC 9112 6.3)");
        }
        if (upgrade != null && (chunked || contentLength > 0)) {
            return new Refusal(400, "Bad Request", "a request with a body cannot ask to switch protocols: this server"
                    + " speaks HTTP/1.1 only; send it without the Upgrade header (Java's HttpClient:"
                    + " .version(HttpClient.Version.HTTP_1_1))");
        }
        if (contentType != null && isForm(contentType)) {
            if (chunked) {
                return new Refusal(411, "Length Required", "a form body must declare its length (Content-Length)");
            }
            if (contentLength > MAX_FORM_BYTES) {
                return new Refusal(413, "Content Too Large", "a form body takes at most " + MAX_FORM_BYTES + " bytes");
            }
        }
        return null;
    }

    /**
     * Grizzly parses a body as a form when its type starts with the form's (case-sensitive, so
     * {@code application/x-www-form-urlencodedzz} too): a prefix in any case covers every type it parses.
     */
    private static boolean isForm(String contentType) {
        return contentType.strip().toLowerCase(Locale.ROOT).startsWith(FORM);
    }
}
