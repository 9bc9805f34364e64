package dev.slm.web.api.security;

import dev.slm.access.boundary.OperatorAccounts;
import dev.slm.access.entity.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;

/**
 * Operators from the database. A caller is put in the groups its role holds ({@link Role#groups()}: its own and every
 * one below it), so "operator" is true for an admin too; groups map to the container's roles one to one.
 */
@ApplicationScoped
public class OperatorIdentityStore implements IdentityStore {

    @Inject
    OperatorAccounts accounts;

    @Override
    public CredentialValidationResult validate(Credential credential) {
        if (!(credential instanceof UsernamePasswordCredential up)) {
            return CredentialValidationResult.NOT_VALIDATED_RESULT;
        }
        return accounts.verify(up.getCaller(), up.getPassword().getValue())
                .map(a -> new CredentialValidationResult(a.username(), a.role().groups()))
                .orElse(CredentialValidationResult.INVALID_RESULT);
    }
}
