package dev.slm.web.api;

import jakarta.enterprise.context.ApplicationScoped;
import dev.slm.fleet.boundary.Settings;
import dev.slm.fleet.entity.Setting;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** Settings kept in the database: everyone may read them, admins change them. */
@ApplicationScoped
@Path("settings")
@Produces(MediaType.APPLICATION_JSON)
public class SettingsResource {

    @Inject
    Settings settings;

    public record SettingView(String name, String value, Instant updatedAt) {
        static SettingView of(Setting s) {
            return new SettingView(s.name(), s.value(), s.updatedAt());
        }
    }

    @GET
    public List<SettingView> all() {
        return settings.all().stream().map(SettingView::of).toList();
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public SettingView change(@PathParam("name") String name,
                              @Valid @NotNull(message = "is required") Requests.SettingChange body) {
        return SettingView.of(settings.change(name, body.value()));
    }
}
