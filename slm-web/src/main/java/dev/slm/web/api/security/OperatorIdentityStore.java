package dev.slm.web.api.security;

import dev.slm.access.boundary.OperatorAccounts;
import dev.slm.access.entity.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Operators from the database. A caller is put in the group of its role and of every role below it,
 * so "operator" is true for an admin too.
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
                .map(a -> new CredentialValidationResult(a.username(), groupsOf(a.role())))
                .orElse(CredentialValidationResult.INVALID_RESULT);
    }

    static Set<String> groupsOf(Role role) {
        return Arrays.stream(Role.values()).filter(role::includes).map(Role::roleName).collect(Collectors.toSet());
    }
}
