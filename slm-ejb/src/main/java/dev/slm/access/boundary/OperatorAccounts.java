package dev.slm.access.boundary;

import dev.slm.access.entity.OperatorAccount;
import dev.slm.access.entity.Role;
import dev.slm.platform.Conflict;
import dev.slm.platform.InvalidInput;
import dev.slm.platform.NotFound;
import jakarta.annotation.Resource;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.SessionContext;
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
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Creates, changes and deletes operators' accounts and checks their passwords; only PBKDF2 hashes are stored. Accounts
 * are for admins (a method without its own annotation too); checking a password is open, since it comes before any
 * login. One enabled admin always remains: a change or deletion that would leave none is refused (a {@link Conflict}),
 * whoever asks — so an admin cannot lock everybody out, themself included.
 */
@Stateless
@RolesAllowed(Role.Names.ADMIN)
public class OperatorAccounts {

    public static final Pattern USERNAME = Pattern.compile("[a-z][a-z0-9._-]{1,63}");
    public static final int MIN_PASSWORD_LENGTH = 12;
    /**
     * Changes of accounts take this transaction-scoped advisory lock, one after the other: two admins demoting each
     * other at the same moment would otherwise each count two enabled admins and leave none.
     */
    static final long ACCOUNTS_LOCK = 0x534C4D5F41434354L; // "SLM_ACCT"

    /** What an admin changes on an account; a null field stays as it is. */
    public record Change(Role role, Boolean disabled, String password) {
        public boolean isEmpty() {
            return role == null && disabled == null && password == null;
        }
    }

    private static final Logger LOG = Logger.getLogger(OperatorAccounts.class.getName());

    @PersistenceContext
    EntityManager em;

    @Resource
    SessionContext context;

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

    /**
     * One account, for admins.
     *
     * @throws InvalidInput for a name no account can have; {@link NotFound} for an unknown account
     */
    public OperatorAccount get(String username) {
        usernameProblem(username).ifPresent(p -> {
            throw new InvalidInput(p);
        });
        return find(username).orElseThrow(() -> new NotFound("no user '" + username + "'"));
    }

    /** A name no account can have (a NUL, 500 characters: a login's Basic header) is unknown, never a query. */
    @PermitAll
    public Optional<OperatorAccount> find(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(em.find(OperatorAccount.class, username));
    }

    /** Why this cannot be a user name, if it cannot (the rule of every account, for forms to say next to the field). */
    public static Optional<String> usernameProblem(String username) {
        if (username == null || username.isEmpty()) {
            return Optional.of("username is required");
        }
        if (username.length() > 64) {
            return Optional.of("username must have at most 64 characters, not " + username.length());
        }
        return USERNAME.matcher(username).matches() ? Optional.empty() : Optional.of("username must match "
                + USERNAME.pattern() + ": a lower-case letter, then 1 to 63 lower-case letters, digits, '.', '_' or '-'");
    }

    /**
     * Why this cannot be a password, if it cannot: at least {@value #MIN_PASSWORD_LENGTH} characters, not all of
     * them white space (twelve spaces passed the length rule).
     */
    public static Optional<String> passwordProblem(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            return Optional.of("password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        return password.isBlank() ? Optional.of("password must not be only white space") : Optional.empty();
    }

    /**
     * Why a change of an account would leave no enabled admin, if it would: the account is an enabled admin now, will
     * not be one after the change (demoted, disabled or deleted: {@code action}), and is the only one.
     */
    static Optional<String> lastAdminProblem(String username, boolean enabledAdminNow, boolean enabledAdminAfter,
                                             long enabledAdmins, String action) {
        if (!enabledAdminNow || enabledAdminAfter || enabledAdmins > 1) {
            return Optional.empty();
        }
        return Optional.of("'" + username + "' is the last enabled admin and cannot be " + action
                + ": make another account an admin first");
    }

    /** @throws InvalidInput for a bad name or a weak password; {@link Conflict} for a taken name */
    public OperatorAccount create(String username, String password, Role role) {
        usernameProblem(username).ifPresent(p -> {
            throw new InvalidInput(p);
        });
        passwordProblem(password).ifPresent(p -> {
            throw new InvalidInput(p);
        });
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
     * Changes an account's role, enables or disables it, or sets a new password (same rules as at creation); all or
     * nothing. A disabled account cannot log in, and its open sessions end at their next request (the authentication
     * mechanism looks the account up for each); a new password ends them too.
     *
     * @throws InvalidInput for a name no account can have, an empty change or a weak password; {@link NotFound} for
     *                      an unknown account; {@link Conflict} when no enabled admin would remain
     */
    public OperatorAccount change(String username, Change change) {
        if (change == null || change.isEmpty()) {
            throw new InvalidInput("nothing to change: give role, disabled or password");
        }
        if (change.password() != null) {
            passwordProblem(change.password()).ifPresent(p -> {
                throw new InvalidInput(p);
            });
        }
        OperatorAccount account = lockedAccount(username);
        Role role = change.role() == null ? account.role() : change.role();
        boolean disabled = change.disabled() == null ? account.disabled() : change.disabled();
        String action = role != Role.ADMIN && account.role() == Role.ADMIN ? "made " + role.roleName() : "disabled";
        refuseIfLastAdmin(account, role == Role.ADMIN && !disabled, action);
        account.changeRole(role);
        account.disable(disabled, clock.instant());
        if (change.password() != null) {
            account.changePasswordHash(hashOf(change.password()));
        }
        LOG.info(caller() + " changed the account '" + username + "': " + (change.role() == null ? "" : "role "
                + role.roleName() + ", ") + (change.disabled() == null ? "" : disabled ? "disabled, " : "enabled, ")
                + (change.password() == null ? "" : "new password, ") + "now " + role.roleName()
                + (disabled ? " (disabled)" : ""));
        return account;
    }

    /**
     * Deletes an account; what it did (operations it requested, nodes it registered) keeps its name.
     *
     * @throws InvalidInput for a name no account can have; {@link NotFound} for an unknown account; {@link Conflict}
     *                      for the last enabled admin
     */
    public void delete(String username) {
        OperatorAccount account = lockedAccount(username);
        refuseIfLastAdmin(account, false, "deleted");
        em.remove(account);
        LOG.info(caller() + " deleted the account '" + username + "' (" + account.role().roleName() + ")");
    }

    /** Takes the accounts' lock, then reads the account. */
    private OperatorAccount lockedAccount(String username) {
        usernameProblem(username).ifPresent(p -> {
            throw new InvalidInput(p);
        });
        em.createNativeQuery("SELECT pg_advisory_xact_lock(?1)").setParameter(1, ACCOUNTS_LOCK).getSingleResult();
        OperatorAccount account = em.find(OperatorAccount.class, username);
        if (account == null) {
            throw new NotFound("no user '" + username + "'");
        }
        return account;
    }

    private void refuseIfLastAdmin(OperatorAccount account, boolean enabledAdminAfter, String action) {
        if (!account.isEnabledAdmin() || enabledAdminAfter) {
            return;
        }
        long admins = em.createNamedQuery(OperatorAccount.ENABLED_ADMINS, OperatorAccount.class)
                .setParameter("admin", Role.ADMIN).getResultList().size();
        lastAdminProblem(account.username(), true, false, admins, action).ifPresent(p -> {
            throw new Conflict(p);
        });
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
     * The account as it is now if it exists and is enabled, for a request that carries an earlier login (a web
     * session, a remembered HTTP Basic credential): one read by primary key, no password check.
     */
    @PermitAll
    public Optional<OperatorAccount> enabled(String username) {
        return find(username).filter(a -> !a.disabled());
    }

    /**
     * The account whose password matches and that is enabled, if any. An unknown or impossible name costs the same PBKDF2 as a wrong
     * password (against a hash of a random password): otherwise the answer's time (1 ms against ~60 ms) would tell
     * an attacker which accounts exist.
     */
    @PermitAll
    public Optional<OperatorAccount> verify(String username, char[] password) {
        Optional<OperatorAccount> account = username != null && USERNAME.matcher(username).matches()
                ? find(username) : Optional.empty();
        boolean matches = hash.verify(password, account.map(OperatorAccount::passwordHash).orElseGet(this::dummyHash));
        // a disabled account is refused after the same PBKDF2: the time does not tell it from a wrong password
        return account.filter(a -> matches && !a.disabled());
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

    private String caller() {
        return context.getCallerPrincipal() == null ? "nobody" : context.getCallerPrincipal().getName();
    }

    private String hashOf(String password) {
        hash.initialize(Map.of("Pbkdf2PasswordHash.Iterations", "100000",
                "Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA256"));
        return hash.generate(password.toCharArray());
    }

}
