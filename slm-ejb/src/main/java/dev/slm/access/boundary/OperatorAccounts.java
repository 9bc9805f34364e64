package dev.slm.access.boundary;

import dev.slm.access.entity.OperatorAccount;
import dev.slm.access.entity.Role;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Creates operators' accounts and checks their passwords; only PBKDF2 hashes are stored. Accounts are for admins (a
 * method without its own annotation too); checking a password is open, since it comes before any login.
 */
@Stateless
@RolesAllowed(Role.Names.ADMIN)
public class OperatorAccounts {

    public static final Pattern USERNAME = Pattern.compile("[a-z][a-z0-9._-]{1,63}");
    public static final int MIN_PASSWORD_LENGTH = 12;

    @PersistenceContext
    EntityManager em;

    @Inject
    Pbkdf2PasswordHash hash;

    @Inject
    Clock clock;

    @PermitAll
    public long count() {
        return em.createNamedQuery(OperatorAccount.COUNT, Long.class).getSingleResult();
    }

    public List<OperatorAccount> all() {
        return em.createNamedQuery(OperatorAccount.ALL, OperatorAccount.class).getResultList();
    }

    /** A name no account can have (a NUL, 500 characters: a login's Basic header) is unknown, never a query. */
    @PermitAll
    public Optional<OperatorAccount> find(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(em.find(OperatorAccount.class, username));
    }

    /** @throws InvalidInput for a bad name or a weak password; {@link Conflict} for a taken name */
    public OperatorAccount create(String username, String password, Role role) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new InvalidInput("username must match " + USERNAME.pattern());
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new InvalidInput("password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (role == null) {
            throw new InvalidInput("role is required: one of ADMIN, OPERATOR, VIEWER");
        }
        if (em.find(OperatorAccount.class, username) != null) {
            throw new Conflict("an account named '" + username + "' exists already");
        }
        OperatorAccount account = new OperatorAccount(username, hashOf(password), role, clock.instant());
        em.persist(account);
        return account;
    }

    /**
     * The first account of an empty installation, an admin; nothing when any account exists. Open: it runs at the
     * server's start ({@link FirstAdmin}), which has no caller, and it can only ever make the first account.
     *
     * @return whether it was created
     */
    @PermitAll
    public boolean createFirstAdmin(String username, String password) {
        if (count() > 0) {
            return false;
        }
        create(username, password, Role.ADMIN);
        return true;
    }

    /**
     * The account whose password matches, if any. An unknown or impossible name costs the same PBKDF2 as a wrong
     * password (against a hash of a random password): otherwise the answer's time (1 ms against ~60 ms) would tell
     * an attacker which accounts exist.
     */
    @PermitAll
    public Optional<OperatorAccount> verify(String username, char[] password) {
        Optional<OperatorAccount> account = username != null && USERNAME.matcher(username).matches()
                ? find(username) : Optional.empty();
        boolean matches = hash.verify(password, account.map(OperatorAccount::passwordHash).orElseGet(this::dummyHash));
        return account.filter(a -> matches);
    }

    private static volatile String dummyHash;

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) {
            char[] random = new char[24];
            SecureRandom rnd = new SecureRandom();
            for (int i = 0; i < random.length; i++) {
                random[i] = (char) ('a' + rnd.nextInt(26));
            }
            h = hashOf(new String(random));
            dummyHash = h;
        }
        return h;
    }

    private String hashOf(String password) {
        hash.initialize(Map.of("Pbkdf2PasswordHash.Iterations", "100000",
                "Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA256"));
        return hash.generate(password.toCharArray());
    }

}
