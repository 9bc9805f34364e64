package dev.slm.web.api;

import jakarta.enterprise.context.ApplicationScoped;
import dev.slm.access.boundary.OperatorAccounts;
import dev.slm.access.entity.OperatorAccount;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/** Operators' accounts (admins only). Passwords are never returned. */
@ApplicationScoped
@Path("users")
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    @Inject
    OperatorAccounts accounts;

    public record UserView(String username, String role, Instant createdAt) {
        static UserView of(OperatorAccount a) {
            return new UserView(a.username(), a.role().name(), a.createdAt());
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
        return Response.created(URI.create("api/users/" + a.username())).entity(UserView.of(a)).build();
    }
}
