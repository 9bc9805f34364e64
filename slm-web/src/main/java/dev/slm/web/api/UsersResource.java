package dev.slm.web.api;

import jakarta.enterprise.context.ApplicationScoped;
import dev.slm.access.boundary.OperatorAccounts;
import dev.slm.access.entity.OperatorAccount;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * Operators' accounts (admins only: {@link OperatorAccounts} checks the role, and every rule — names, passwords, the
 * last enabled admin — is its own). Passwords are never returned.
 */
@ApplicationScoped
@Path("users")
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    @Inject
    OperatorAccounts accounts;

    public record UserView(String username, String role, boolean disabled, Instant disabledAt, Instant createdAt) {
        static UserView of(OperatorAccount a) {
            return new UserView(a.username(), a.role().name(), a.disabled(), a.disabledAt(), a.createdAt());
        }
    }

    @GET
    public List<UserView> all() {
        return accounts.all().stream().map(UserView::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@Valid @NotNull(message = "is required") Requests.NewUser body) {
        OperatorAccount a = accounts.create(body.username(), body.password(), body.roleOrNull());
        return Response.created(URI.create("users/" + a.username())).entity(UserView.of(a)).build();
    }

    /** One account; 400 for a name no account can have, 404 for an unknown one. */
    @GET
    @Path("{name}")
    public UserView one(@PathParam("name") String name) {
        return UserView.of(accounts.get(name));
    }

    /** Role, disabled, a new password: each optional, all or nothing; 409 when no enabled admin would remain. */
    @PATCH
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public UserView change(@PathParam("name") String name,
                           @Valid @NotNull(message = "is required") Requests.UserChange body) {
        return UserView.of(accounts.change(name, body.change()));
    }

    /** The same as PATCH: the fields left out stay as they are (a client need not know every field to send one). */
    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public UserView put(@PathParam("name") String name,
                        @Valid @NotNull(message = "is required") Requests.UserChange body) {
        return change(name, body);
    }

    /** 204; 404 for an unknown account, 409 for the last enabled admin. */
    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        accounts.delete(name);
        return Response.noContent().build();
    }
}
