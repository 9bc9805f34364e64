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

    /** A setting with its unit, range and a sentence of help (null for a stored setting operators cannot change). */
    public record SettingView(String name, String value, Instant updatedAt, String unit, Integer min, Integer max,
                              String help) {
        static SettingView of(Setting s) {
            return Settings.definition(s.name())
                    .map(d -> new SettingView(s.name(), s.value(), s.updatedAt(), d.unit(), d.min(), d.max(), d.help()))
                    .orElseGet(() -> new SettingView(s.name(), s.value(), s.updatedAt(), null, null, null, null));
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
