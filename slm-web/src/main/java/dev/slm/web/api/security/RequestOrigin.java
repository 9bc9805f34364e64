package dev.slm.web.api.security;

import dev.slm.platform.SlmConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a request comes from the server's own pages, by what the browser says: {@code Origin} (sent with every
 * POST, PUT, DELETE and WebSocket handshake by current browsers; a page cannot forge it) and, failing that,
 * {@code Sec-Fetch-Site}.
 * <p>
 * <b>The server's own origin</b> is {@code SLM_PUBLIC_URL}'s scheme, host and port when that is set; then the
 * {@code Host} header plays no part, and a request whose Host was changed on the way cannot make a foreign Origin
 * look like ours. Behind a reverse proxy that terminates TLS or rewrites Host, set it: the server sees
 * {@code http://backend:8080} while the browser says {@code https://slm.example.com}, and every change made in the
 * web app would be refused. Without it, the origin is the request's scheme and {@code Host}. That is safe against
 * browsers: a page cannot set Host to anything but the host it loads, and the session cookie is only sent to the
 * host that set it — a rebound DNS name (evil.example pointing at this server) makes Host and Origin agree, but
 * carries evil.example's cookies, not an operator's session. Only a client that already holds the cookie can send a
 * Host of its choice, and it needs no forgery.
 */
@ApplicationScoped
public class RequestOrigin {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    SlmConfig config;

    private Optional<String> publicOrigin = Optional.empty();

    @PostConstruct
    void readPublicUrl() {
        publicOrigin = config.publicUrl().map(url -> originOf(url).orElseThrow(() -> new IllegalArgumentException(
                "SLM_PUBLIC_URL must be the http:// or https:// URL browsers use, e.g. https://slm.example.com, not '"
                        + url + "'")));
    }

    /** Browsers reach the server over HTTPS (the session cookie is then Secure even if TLS ends at a proxy). */
    public boolean publicUrlIsHttps() {
        return publicOrigin.filter(o -> o.startsWith("https://")).isPresent();
    }

    /** Changes state: any method but GET, HEAD and OPTIONS, and every WebSocket handshake (it opens a channel). */
    public static boolean changesState(HttpServletRequest request) {
        return !SAFE_METHODS.contains(request.getMethod()) || "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    }

    /**
     * The browser says the request comes from another site: an Origin that is not ours (also {@code null}: sandboxed
     * frames, redirects from elsewhere), or {@code Sec-Fetch-Site: cross-site|same-site}. Scripts send neither.
     */
    public boolean declaresForeign(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return !isOwn(origin, request);
        }
        String site = request.getHeader("Sec-Fetch-Site");
        return "cross-site".equalsIgnoreCase(site) || "same-site".equalsIgnoreCase(site);
    }

    /** The browser says the request comes from our own pages: Origin is ours, or (no Origin) Sec-Fetch-Site: same-origin. */
    public boolean declaresOwn(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return isOwn(origin, request);
        }
        return "same-origin".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"));
    }

    /** This server's origin for the request, as described above; empty when there is no usable Host. */
    public Optional<String> own(HttpServletRequest request) {
        if (publicOrigin.isPresent()) {
            return publicOrigin;
        }
        String host = request.getHeader("Host");
        return host == null ? Optional.empty() : originOf(request.getScheme() + "://" + host);
    }

    private boolean isOwn(String origin, HttpServletRequest request) {
        Optional<String> own = own(request);
        return own.isPresent() && originOf(origin).equals(own);
    }

    /** {@code scheme://host[:port]} in lower case, the default port left out; empty unless an http(s) origin. */
    static Optional<String> originOf(String url) {
        try {
            URI u = new URI(url.trim());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null || u.getRawUserInfo() != null) {
                return Optional.empty();
            }
            int port = u.getPort();
            boolean defaultPort = port == -1 || scheme.equals("http") && port == 80 || scheme.equals("https") && port == 443;
            return Optional.of(scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port));
        } catch (java.net.URISyntaxException e) {
            return Optional.empty();
        }
    }
}
