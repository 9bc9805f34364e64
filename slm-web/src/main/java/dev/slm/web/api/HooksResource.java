package dev.slm.web.api;

import dev.slm.source.boundary.PushHooks;
import dev.slm.web.api.problem.Problem;
import dev.slm.web.api.security.ClientAddress;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /api/hooks/git}: push webhooks from GitHub, GitLab, Gitea/Forgejo and Bitbucket ({@link PushHooks}).
 * No login: the delivery's signature (or GitLab's token) with {@code SLM_WEBHOOK_SECRET} is its authentication,
 * checked before anything of the body is parsed. The body is read raw (the HMAC covers its bytes), at most
 * {@link #LIMIT} bytes — a declared larger one is refused before a byte is read. JSON, or GitHub's form encoding
 * ({@code payload=<json>}) once the signature holds.
 */
@ApplicationScoped
@Path("hooks")
@PermitAll
public class HooksResource {

    /** A push event names at most a few dozen commits (forges cut the list at 20): 2 MiB leaves room and bounds it. */
    static final int LIMIT = 2 * 1024 * 1024;

    @Inject
    PushHooks hooks;

    @Inject
    ClientAddress clientAddress;

    @POST
    @Path("git")
    @Produces(MediaType.APPLICATION_JSON)
    public Response git(@Context HttpServletRequest request) throws IOException {
        byte[] body = JsonBody.read(request.getInputStream(), request.getContentLengthLong(), LIMIT);
        String type = request.getContentType() == null ? "" : request.getContentType();
        PushHooks.Outcome o = hooks.receive(request::getHeader, body, clientAddress.of(request),
                type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33) ? HooksResource::formPayload : b -> b);
        if (o.status() >= 400) {
            return Problem.response(o.status(), Response.Status.fromStatusCode(o.status()).getReasonPhrase(), o.result());
        }
        return Response.status(o.status()).type(MediaType.APPLICATION_JSON)
                .entity(Json.createObjectBuilder().add("result", o.result()).build().toString()).build();
    }

    /** GitHub's form encoding: the JSON is the {@code payload} parameter. */
    private static byte[] formPayload(byte[] body) {
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.startsWith("payload=")) {
                try {
                    return URLDecoder.decode(pair.substring(8), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the form's payload is not URL-encoded");
                }
            }
        }
        throw new IllegalArgumentException("the form has no payload parameter");
    }
}
