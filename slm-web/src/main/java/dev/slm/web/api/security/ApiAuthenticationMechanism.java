package dev.slm.web.api.security;

import dev.slm.web.api.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
import java.util.Set;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP Basic for operators' API calls. Requests without Basic credentials (agents use bearer tokens, checked
 * per node by {@code AgentTokenFilter}) pass unauthenticated; role checks then answer 401 where a login is needed.
 * A verified credential is remembered for a minute, so a script's calls do not each pay for PBKDF2.
 */
@ApplicationScoped
public class ApiAuthenticationMechanism implements HttpAuthenticationMechanism {

    private static final long REMEMBER_NANOS = Duration.ofMinutes(1).toNanos();

    @Inject
    IdentityStoreHandler identityStores;

    private final Map<String, Remembered> recent = new ConcurrentHashMap<>();

    private record Remembered(CredentialValidationResult result, long until) {
    }

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        if ("POST".equals(request.getMethod()) && request.getRequestURI().equals(request.getContextPath() + "/login")) {
            return formLogin(request, context);
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            HttpSession session = request.getSession(false);
            if (session != null && session.getAttribute(SESSION_OPERATOR) instanceof SessionOperator operator) {
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
        String key = fingerprint(decoded);
        long now = System.nanoTime();
        Remembered known = recent.get(key);
        CredentialValidationResult result;
        if (known != null && known.until() - now > 0) {
            result = known.result();
        } else {
            result = identityStores.validate(
                    new UsernamePasswordCredential(decoded.substring(0, colon), decoded.substring(colon + 1)));
            if (result.getStatus() == CredentialValidationResult.Status.VALID) {
                if (recent.size() > 1000) {
                    recent.clear();
                }
                recent.put(key, new Remembered(result, now + REMEMBER_NANOS));
            }
        }
        if (result.getStatus() != CredentialValidationResult.Status.VALID) {
            return unauthorized(response, context, "wrong user name or password");
        }
        return context.notifyContainerAboutLogin(result);
    }

    /**
     * The web app's login form ({@code POST /login}, fields {@code username} and {@code password}): on success the
     * operator is kept in the HTTP session (under a fresh id: no fixation) and applied to each of its requests, and
     * the browser goes to the start page; otherwise back to the login page with {@code ?error}.
     */
    private AuthenticationStatus formLogin(HttpServletRequest request, HttpMessageContext context) {
        String user = request.getParameter("username");
        String password = request.getParameter("password");
        String root = request.getContextPath();
        if (user == null || password == null || user.isBlank()) {
            return context.redirect(root + "/login?error");
        }
        CredentialValidationResult result = identityStores.validate(new UsernamePasswordCredential(user.trim(), password));
        if (result.getStatus() != CredentialValidationResult.Status.VALID) {
            return context.redirect(root + "/login?error");
        }
        HttpSession session = request.getSession(true);
        request.changeSessionId();
        session.setAttribute(SESSION_OPERATOR, new SessionOperator(result.getCallerPrincipal().getName(),
                Set.copyOf(result.getCallerGroups())));
        return context.redirect(root + "/");
    }

    /** The session attribute of a logged-in operator. */
    public static final String SESSION_OPERATOR = "slm.operator";

    /** Who is logged in to the web app and the groups (roles) they are in. */
    public record SessionOperator(String name, Set<String> groups) implements java.io.Serializable {
    }

    private static AuthenticationStatus unauthorized(HttpServletResponse response, HttpMessageContext context,
                                                     String detail) {
        try {
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Basic realm=\"SLM\"");
            response.setContentType(Problem.MEDIA_TYPE);
            response.getWriter().write(JsonbBuilder.create().toJson(
                    new Problem("about:blank", "Unauthorized", 401, detail)));
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
