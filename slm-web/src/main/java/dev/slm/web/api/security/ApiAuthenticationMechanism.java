package dev.slm.web.api.security;

import dev.slm.access.boundary.LoginThrottle;
import dev.slm.access.boundary.OperatorAccounts;
import dev.slm.platform.Shown;
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
 * An earlier login — a session's, a remembered credential — holds only while its account does: each request reads the
 * account by its key (one primary-key read, against ~60 ms of PBKDF2) and takes its role as it is now. A session whose
 * account was disabled, deleted or given a new password since its login ends at that request (invalidated: the API
 * answers 401, the web app goes to the login page); a remembered credential is checked again in full.
 * <p>
 * It runs before anything else for every request, so it also owns: the body's framing ({@link RequestFraming}),
 * the security headers ({@link SecurityHeaders}),
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

    @Inject
    OperatorAccounts accounts;

    private final Map<String, Remembered> recent = new ConcurrentHashMap<>();
    private final AtomicLong lastOriginHint = new AtomicLong(System.nanoTime() - HINT_EVERY_NANOS);

    private record Remembered(CredentialValidationResult result, String stamp, long until) {
    }

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        SecurityHeaders.apply(response);
        RequestFraming.Refusal framing = RequestFraming.refusal(request::getHeaders, request.getContentType(),
                request.getContentLengthLong());
        if (framing != null) {
            response.setHeader("Connection", "close");
            return refuse(response, context, framing.status(), framing.title(), framing.detail());
        }
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
                Optional<SessionOperator> now = accounts.enabled(operator.name())
                        .map(a -> new SessionOperator(a.username(), a.role().groups(), stamp(a.passwordHash())))
                        .filter(o -> o.stamp().equals(operator.stamp()));
                if (now.isEmpty()) {
                    LOG.info("ended a web session of '" + operator.name() + "': the account was disabled, deleted or"
                            + " given a new password since its login");
                    endSession(session);
                    return context.doNothing();
                }
                if (!now.get().equals(operator)) {
                    session.setAttribute(SESSION_OPERATOR, now.get()); // a new role counts from this request on
                }
                return context.notifyContainerAboutLogin(now.get().name(), now.get().groups());
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
        if (known != null && (known.until() - now <= 0 || !stillHolds(user, known))) {
            recent.remove(key, known);
            known = null;
        }
        if (known != null) {
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
                    String stamp = accounts.enabled(user).map(a -> stamp(a.passwordHash())).orElse(null);
                    if (stamp != null) {
                        recent.put(key, new Remembered(result, stamp, now + REMEMBER_NANOS));
                    }
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
        Optional<String> stamp = accounts.enabled(result.getCallerPrincipal().getName()).map(a -> stamp(a.passwordHash()));
        if (stamp.isEmpty()) { // disabled or deleted between the password check and now
            return context.redirect(root + "/login?error");
        }
        HttpSession session = request.getSession(true);
        request.changeSessionId();
        AnonymousSessions.loggedIn(session);
        session.setAttribute(SESSION_OPERATOR, new SessionOperator(result.getCallerPrincipal().getName(),
                Set.copyOf(result.getCallerGroups()), stamp.get()));
        SessionCookies.harden(request, response, origins.publicUrlIsHttps() || request.isSecure());
        return context.redirect(root + "/");
    }

    /** The session attribute of a logged-in operator. */
    public static final String SESSION_OPERATOR = "slm.operator";

    /**
     * Who is logged in to the web app, the groups (roles) they are in, and a {@link #stamp} of the password they logged
     * in with: a new password ends the session.
     */
    public record SessionOperator(String name, Set<String> groups, String stamp) implements java.io.Serializable {
    }

    /** A remembered credential holds while its account is enabled, with the same password and role. */
    private boolean stillHolds(String user, Remembered known) {
        return accounts.enabled(user).filter(a -> stamp(a.passwordHash()).equals(known.stamp())
                && a.role().groups().equals(Set.copyOf(known.result().getCallerGroups()))).isPresent();
    }

    /**
     * What a login remembers of the password it was made with: a digest of its stored hash (PBKDF2 with a fresh salt,
     * so a new password, even the same one again, gives a new stamp); the hash itself never goes into a session.
     */
    static String stamp(String passwordHash) {
        return fingerprint(passwordHash).substring(0, 32);
    }

    private static void endSession(HttpSession session) {
        try {
            session.invalidate();
        } catch (IllegalStateException alreadyInvalidated) {
            // a parallel request of the same page ended it first: ended either way
        }
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
            // an attack, or a proxy the server does not know about: say which, at most once a minute — each value cut
            // (anyone's path, Origin and Host: a 3,000-character Host wrote a 3.5 KB line)
            LOG.warning("Refused a cross-origin " + request.getMethod() + " " + Shown.printable(request.getRequestURI(), 100)
                    + " from origin " + Shown.printable(origin, 100) + " (this server's origin: " + Shown.printable(own, 100)
                    + "). If browsers reach the server through a reverse proxy under another scheme or host, set"
                    + " SLM_PUBLIC_URL to the URL they use.");
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
