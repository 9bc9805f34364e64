package dev.slm.web.api.security;

import dev.slm.access.boundary.LoginThrottle;
import dev.slm.web.api.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * How operators are recognised: HTTP Basic for API calls and scripts, the web session for the web app (and the API
 * and {@code /ws/events} from its pages), and the login form ({@code POST /login}). Requests without either (agents
 * use bearer tokens, checked per node by {@code AgentTokenFilter}) pass unauthenticated: {@code LoginRequired} answers
 * 401 where a login is needed. The caller set here is the container's, so the boundary EJBs' {@code @RolesAllowed}
 * checks it — for the web app's own requests too, each restored from its HTTP session. A verified credential is remembered for a minute, so a script's calls do not each pay for
 * PBKDF2 (never past a lockout).
 * <p>
 * It runs before anything else for every request, so it also owns: the security headers ({@link SecurityHeaders}),
 * the login throttle ({@link LoginThrottle}: refused at once with 429 and {@code Retry-After}, never by making the
 * request wait, which would let a few hundred attempts hold every request thread) and the same-origin rule
 * ({@link RequestOrigin}): a state-changing request that a browser says comes from another site is refused whatever
 * authenticates it (a browser resends Basic credentials it once asked for, too), and one authenticated by the
 * session cookie, like the login form, must say it comes from our own pages. Scripts send no Origin and pass.
 */
@ApplicationScoped
public class ApiAuthenticationMechanism implements HttpAuthenticationMechanism {

    private static final long REMEMBER_NANOS = Duration.ofMinutes(1).toNanos();
    private static final Logger LOG = Logger.getLogger(ApiAuthenticationMechanism.class.getName());
    private static final long HINT_EVERY_NANOS = Duration.ofMinutes(1).toNanos();
    private static final Jsonb JSON = JsonbBuilder.create();

    @Inject
    IdentityStoreHandler identityStores;

    @Inject
    LoginThrottle throttle;

    @Inject
    ClientAddress clientAddress;

    @Inject
    RequestOrigin origins;

    private final Map<String, Remembered> recent = new ConcurrentHashMap<>();
    private final AtomicLong lastOriginHint = new AtomicLong(System.nanoTime() - HINT_EVERY_NANOS);

    private record Remembered(CredentialValidationResult result, long until) {
    }

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        SecurityHeaders.apply(response);
        if (request.isRequestedSessionIdFromURL()) {
            // the session travels in its cookie only (SessionCookies), but the container still takes ;jsessionid= from
            // a URL, where logs and Referer leak it and a planted link chooses the session; the web app reads the
            // session's operator itself, so merely not authenticating the request would not be enough
            return refuse(response, context, 400, "Bad Request", "a session id in the URL is not accepted: the session"
                    + " travels in its cookie");
        }
        boolean changesState = RequestOrigin.changesState(request);
        if (changesState && origins.declaresForeign(request)) {
            return crossOrigin(request, response, context);
        }
        if ("POST".equals(request.getMethod()) && request.getRequestURI().equals(request.getContextPath() + "/login")) {
            return formLogin(request, response, context);
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            HttpSession session = request.getSession(false);
            if (session != null && session.getAttribute(SESSION_OPERATOR) instanceof SessionOperator operator) {
                if (changesState && !origins.declaresOwn(request)) {
                    return crossOrigin(request, response, context);
                }
                return context.notifyContainerAboutLogin(operator.name(), operator.groups());
            }
            return context.doNothing();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return unauthorized(response, context, "malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return unauthorized(response, context, "malformed Basic credentials");
        }
        String user = decoded.substring(0, colon);
        String address = clientAddress.of(request);
        String key = fingerprint(decoded);
        long now = System.nanoTime();
        Remembered known = recent.get(key);
        CredentialValidationResult result;
        if (known != null && known.until() - now > 0) {
            Optional<Duration> locked = throttle.lockedFor(user, address);
            if (locked.isPresent()) {
                return tooManyFailures(response, context, LoginThrottle.accountKey(user), address, locked.get());
            }
            result = known.result();
        } else {
            try (LoginThrottle.Attempt attempt = throttle.begin(user, address)) {
                if (attempt.refused()) {
                    return tooManyFailures(response, context, attempt.account(), address, attempt.retryAfter());
                }
                result = identityStores.validate(new UsernamePasswordCredential(user, decoded.substring(colon + 1)));
                if (result.getStatus() == CredentialValidationResult.Status.VALID) {
                    attempt.succeeded();
                    if (recent.size() > 1000) {
                        recent.clear();
                    }
                    recent.put(key, new Remembered(result, now + REMEMBER_NANOS));
                } else {
                    attempt.failed();
                }
            }
        }
        if (result.getStatus() != CredentialValidationResult.Status.VALID) {
            return unauthorized(response, context, "wrong user name or password");
        }
        return context.notifyContainerAboutLogin(result);
    }

    /**
     * The web app's login form ({@code POST /login}, fields {@code username} and {@code password}), from our own pages
     * only (a foreign page could otherwise log the browser in to an account of its choosing): on success the
     * operator is kept in the HTTP session (under a fresh id: no fixation) and applied to each of its requests, and
     * the browser goes to the start page; otherwise back to the login page with {@code ?error}, or with
     * {@code ?locked=<seconds>} while the throttle refuses.
     */
    private AuthenticationStatus formLogin(HttpServletRequest request, HttpServletResponse response,
                                           HttpMessageContext context) {
        if (!origins.declaresOwn(request)) {
            return crossOrigin(request, response, context);
        }
        String user = request.getParameter("username");
        String password = request.getParameter("password");
        String root = request.getContextPath();
        if (user == null || password == null || user.isBlank()) {
            return context.redirect(root + "/login?error");
        }
        CredentialValidationResult result;
        try (LoginThrottle.Attempt attempt = throttle.begin(user.trim(), clientAddress.of(request))) {
            if (attempt.refused()) {
                return context.redirect(root + "/login?locked=" + attempt.retryAfter().toSeconds());
            }
            result = identityStores.validate(new UsernamePasswordCredential(user.trim(), password));
            if (result.getStatus() != CredentialValidationResult.Status.VALID) {
                attempt.failed();
                return context.redirect(root + "/login?error");
            }
            attempt.succeeded();
        }
        HttpSession session = request.getSession(true);
        request.changeSessionId();
        AnonymousSessions.loggedIn(session);
        session.setAttribute(SESSION_OPERATOR, new SessionOperator(result.getCallerPrincipal().getName(),
                Set.copyOf(result.getCallerGroups())));
        SessionCookies.harden(request, response, origins.publicUrlIsHttps() || request.isSecure());
        return context.redirect(root + "/");
    }

    /** The session attribute of a logged-in operator. */
    public static final String SESSION_OPERATOR = "slm.operator";

    /** Who is logged in to the web app and the groups (roles) they are in. */
    public record SessionOperator(String name, Set<String> groups) implements java.io.Serializable {
    }

    private static AuthenticationStatus unauthorized(HttpServletResponse response, HttpMessageContext context,
                                                     String detail) {
        response.setHeader("WWW-Authenticate", "Basic realm=\"SLM\"");
        return refuse(response, context, 401, "Unauthorized", detail);
    }

    private static AuthenticationStatus tooManyFailures(HttpServletResponse response, HttpMessageContext context,
                                                        String account, String address, Duration retryAfter) {
        response.setHeader("Retry-After", Long.toString(retryAfter.toSeconds()));
        return refuse(response, context, 429, "Too Many Requests", "too many failed logins as '" + account + "' from "
                + address + ": try again in " + retryAfter.toSeconds() + " s");
    }

    private AuthenticationStatus crossOrigin(HttpServletRequest request, HttpServletResponse response,
                                             HttpMessageContext context) {
        String origin = Optional.ofNullable(request.getHeader("Origin"))
                .orElse("none (Sec-Fetch-Site: " + request.getHeader("Sec-Fetch-Site") + ")");
        String own = origins.own(request).orElse("unknown (no Host header)");
        long now = System.nanoTime();
        long last = lastOriginHint.get();
        if (now - last > HINT_EVERY_NANOS && lastOriginHint.compareAndSet(last, now)) {
            // an attack, or a proxy the server does not know about: say which, at most once a minute
            LOG.warning("Refused a cross-origin " + request.getMethod() + " " + request.getRequestURI() + " from origin "
                    + origin + " (this server's origin: " + own + "). If browsers reach the server through a reverse"
                    + " proxy under another scheme or host, set SLM_PUBLIC_URL to the URL they use.");
        }
        return refuse(response, context, 403, "Forbidden", "cross-origin request refused: a browser request that"
                + " changes something must come from this server's own pages (origin " + own + "), not from "
                + origin + "; scripts authenticate with HTTP Basic and send no Origin");
    }

    private static AuthenticationStatus refuse(HttpServletResponse response, HttpMessageContext context, int status,
                                               String title, String detail) {
        try {
            response.setStatus(status);
            response.setContentType(Problem.MEDIA_TYPE);
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write(JSON.toJson(new Problem("about:blank", title, status, detail)));
        } catch (IOException e) {
            // the client went away; nothing left to tell it
        }
        return AuthenticationStatus.SEND_FAILURE;
    }

    private static String fingerprint(String credentials) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(credentials.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
