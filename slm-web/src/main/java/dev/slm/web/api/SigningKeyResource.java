package dev.slm.web.api;

import dev.slm.packages.boundary.CodePackages;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The public half of the package signing key. Public by nature, so no login is needed; hand it to agents
 * over a channel you trust (the Ansible role), not by fetching it from the server they are to distrust.
 */
@PermitAll
@ApplicationScoped
@Path("signing-key")
public class SigningKeyResource {

    @Inject
    CodePackages packages;

    public record Key(String algorithm, String publicKey, String fingerprint) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Key key() {
        return new Key("Ed25519", packages.publicKeyBase64(), packages.publicKeyFingerprint());
    }
}
