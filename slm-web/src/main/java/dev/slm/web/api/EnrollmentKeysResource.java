package dev.slm.web.api;

import dev.slm.fleet.boundary.EnrollmentKeys;
import dev.slm.fleet.entity.EnrollmentKey;
import dev.slm.fleet.entity.EnrollmentUse;
import dev.slm.platform.InvalidInput;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Enrollment keys (admin): {@code POST} creates one and shows its secret once, {@code GET} lists them (never the
 * secret), {@code GET /{id}/uses} says which nodes enrolled with it, from where, {@code DELETE /{id}} revokes it (kept,
 * with its uses). The role is checked by the EJB.
 */
@ApplicationScoped
@Path("enrollment-keys")
@Produces(MediaType.APPLICATION_JSON)
public class EnrollmentKeysResource {

    @Inject
    EnrollmentKeys keys;

    /** A key as admins see it; {@code key} only in the answer that created it. */
    public record KeyView(long enrollmentKeyId, String name, String key, Instant createdAt, String createdBy,
                          Instant expiresAt, Integer maxUses, int uses, List<String> roles, boolean allowReenroll,
                          Instant revokedAt, String revokedBy, String state) {
        static KeyView of(EnrollmentKey k, String secret, Instant now) {
            String unusable = k.unusable(now);
            return new KeyView(k.id(), k.name(), secret, k.createdAt(), k.createdBy(), k.expiresAt(), k.maxUses(),
                    k.uses(), k.roles(), k.allowReenroll(), k.revokedAt(), k.revokedBy(),
                    unusable == null ? "valid" : unusable.replace(' ', '_'));
        }
    }

    public record UseView(String nodeId, Instant usedAt, String remoteAddress, boolean reenrolled) {
        static UseView of(EnrollmentUse u) {
            return new UseView(u.nodeId(), u.usedAt(), u.remoteAddress(), u.reenrolled());
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@Valid @NotNull(message = "is required") Requests.NewEnrollmentKey body,
                           @Context SecurityContext security) {
        Instant expires = instant("expires_at", body.expiresAt());
        EnrollmentKeys.Created c = keys.create(body.name(), expires, body.maxUses(), body.roles(),
                Boolean.TRUE.equals(body.allowReenroll()), security.getUserPrincipal().getName());
        return Response.created(URI.create("enrollment-keys/" + c.key().id()))
                .entity(KeyView.of(c.key(), c.secret(), Instant.now())).build();
    }

    @GET
    public List<KeyView> all() {
        Instant now = Instant.now();
        return keys.all().stream().map(k -> KeyView.of(k, null, now)).toList();
    }

    @GET
    @Path("{id}/uses")
    public List<UseView> uses(@PathParam("id") String id) {
        return keys.uses(OperationsResource.pathNumber("enrollment key id", id)).stream().map(UseView::of).toList();
    }

    @DELETE
    @Path("{id}")
    public KeyView revoke(@PathParam("id") String id, @Context SecurityContext security) {
        return KeyView.of(keys.revoke(OperationsResource.pathNumber("enrollment key id", id),
                security.getUserPrincipal().getName()), null, Instant.now());
    }

    /** An instant with its offset ({@code 2026-12-24T18:00:00+01:00}, {@code …Z}); null when not given. */
    static Instant instant(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidInput(field + " must be a time with its offset, such as 2026-12-24T18:00:00+01:00 or"
                    + " 2026-12-24T17:00:00Z");
        }
    }
}
