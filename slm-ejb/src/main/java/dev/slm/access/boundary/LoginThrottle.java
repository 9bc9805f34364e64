package dev.slm.access.boundary;

import dev.slm.platform.SlmConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Failed logins (HTTP Basic and the web login form), counted per (account, address), per address and per account,
 * so that guessing operators' passwords costs time. Nothing here waits: a refused attempt is answered at once with
 * how long to wait, so hundreds of attempts tie up no request thread.
 * <ul>
 * <li>An account from one address: after {@code SLM_LOGIN_MAX_FAILURES} (5) failures that pair is locked for
 * {@code SLM_LOGIN_LOCKOUT} (1 min); every further failure after a lockout locks it again for twice as long, up to
 * {@code SLM_LOGIN_LOCKOUT_MAX} (1 h). About 35 guesses a day per pair.</li>
 * <li>One address, whatever the accounts (password spraying): locked after {@code SLM_LOGIN_MAX_FAILURES_PER_ADDRESS}
 * (20) failures, in the same growing way.</li>
 * <li>One account, whatever the addresses (a distributed attack): after {@code SLM_LOGIN_MAX_FAILURES_PER_ACCOUNT}
 * (50) failures, only addresses that have <em>no</em> failure for the account may still try it until the lockout ends.
 * The real admin, at an address the attacker does not share, therefore always gets in with the right password,
 * and the attacker gets one guess per address, not five. A lockout of the whole account would hand an attacker a
 * way to lock the admin out from anywhere, for ever.</li>
 * </ul>
 * A correct password resets its pair; the address's and the account's counts fade only with time (after
 * {@code SLM_LOGIN_LOCKOUT_MAX} without a failure), so an attacker cannot wash them with an account of their own.
 * Attempts still being verified count as failures until they end: fifty parallel guesses get no more than five
 * through. Unknown and invalid user names are throttled exactly like real ones (a difference would tell which
 * accounts exist); names that cannot be an account share one key, {@link #INVALID_NAME}.
 */
@ApplicationScoped
public class LoginThrottle {

    /**
     * The most records kept per kind (pairs, addresses, accounts): ~200 bytes each, so ~2 MB per kind whatever names
     * and addresses an attacker rotates. When full, the record whose last failure is oldest goes first; evicting a
     * live lockout takes over 500 addresses (20 new keys each before their own lockout).
     */
    public static final int CAPACITY = 10_000;
    public static final String INVALID_NAME = "(not a user name)";
    private static final Logger LOG = Logger.getLogger(LoginThrottle.class.getName());

    /** What the settings say; refused at start-up when they make no sense. */
    public record Policy(int maxFailures, int maxFailuresPerAddress, int maxFailuresPerAccount, Duration lockout,
                         Duration maxLockout) {
        public Policy {
            atLeastOne("SLM_LOGIN_MAX_FAILURES", maxFailures);
            atLeastOne("SLM_LOGIN_MAX_FAILURES_PER_ADDRESS", maxFailuresPerAddress);
            atLeastOne("SLM_LOGIN_MAX_FAILURES_PER_ACCOUNT", maxFailuresPerAccount);
            if (maxLockout.compareTo(lockout) < 0) {
                throw new IllegalArgumentException("SLM_LOGIN_LOCKOUT_MAX (" + maxLockout
                        + ") must not be shorter than SLM_LOGIN_LOCKOUT (" + lockout + ")");
            }
        }

        static Policy of(SlmConfig config) {
            return new Policy(config.loginMaxFailures(), config.loginMaxFailuresPerAddress(),
                    config.loginMaxFailuresPerAccount(), config.loginLockout(), config.loginLockoutMax());
        }

        private static void atLeastOne(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1, not " + value);
            }
        }

        Duration lockoutNumber(int n) {
            Duration d = lockout;
            for (int i = 1; i < n && d.compareTo(maxLockout) < 0; i++) {
                d = d.multipliedBy(2);
            }
            return d.compareTo(maxLockout) > 0 ? maxLockout : d;
        }
    }

    /**
     * One remembered key. {@code account} null: the address's own count (any account); {@code address} null: the
     * account's own count (any address).
     */
    public record Entry(String account, String address, int failures, Instant lastFailure, Instant lockedUntil) {
    }

    @Inject
    SlmConfig config;

    @Inject
    Clock clock;

    private Policy policy;
    // one lock for the three tables: held for microseconds, while each attempt it guards costs PBKDF2 (~60 ms)
    private final Object lock = new Object();
    private final Table pairs = new Table();
    private final Table addresses = new Table();
    private final Table accounts = new Table();

    public LoginThrottle() {
    }

    /** For tests without a container. */
    public LoginThrottle(Policy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    @PostConstruct
    void readPolicy() {
        policy = Policy.of(config);
    }

    /** Reads the settings at start-up, so that a bad one stops the server with its name rather than the first login. */
    void atStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        LOG.fine(() -> "failed logins are throttled: " + policy);
    }

    /** The key a user name is counted under: itself if it can be an account, else {@link #INVALID_NAME}. */
    public static String accountKey(String username) {
        return username != null && OperatorAccounts.USERNAME.matcher(username).matches() ? username : INVALID_NAME;
    }

    /**
     * Asks to verify a password of {@code username} from {@code address} (see the web module's ClientAddress). A
     * refused attempt must not be verified; an allowed one must end with {@link Attempt#failed()} or
     * {@link Attempt#succeeded()}, or be closed (an error: it then counts as neither).
     */
    public Attempt begin(String username, String address) {
        String account = accountKey(username);
        synchronized (lock) {
            Instant now = clock.instant();
            Record pair = pairs.find(pairKey(account, address), now);
            Record fromAddress = addresses.find(address, now);
            Record ofAccount = accounts.find(account, now);
            Instant until = lockedUntil(pair, fromAddress, ofAccount, now);
            if (until != null) {
                return new Attempt(account, address, retryAfter(now, until));
            }
            if (busy(pair, policy.maxFailures()) || busy(fromAddress, policy.maxFailuresPerAddress())) {
                // as many guesses are being verified as the count allows: the next waits for their outcome
                return new Attempt(account, address, Duration.ofSeconds(1));
            }
            Attempt attempt = new Attempt(account, address, null);
            attempt.pair = pairs.findOrAdd(pairKey(account, address), account, address, now);
            attempt.fromAddress = addresses.findOrAdd(address, null, address, now);
            attempt.ofAccount = accounts.findOrAdd(account, account, null, now);
            attempt.pair.inFlight++;
            attempt.fromAddress.inFlight++;
            attempt.ofAccount.inFlight++;
            return attempt;
        }
    }

    /**
     * How long {@code username} from {@code address} is still locked out, if it is: for credentials verified a moment
     * ago and remembered, which must not pass a lockout either.
     */
    public java.util.Optional<Duration> lockedFor(String username, String address) {
        String account = accountKey(username);
        synchronized (lock) {
            Instant now = clock.instant();
            Instant until = lockedUntil(pairs.find(pairKey(account, address), now), addresses.find(address, now),
                    accounts.find(account, now), now);
            return until == null ? java.util.Optional.empty() : java.util.Optional.of(retryAfter(now, until));
        }
    }

    /** Every remembered key with failures, the latest failure first; admins read it through {@link LoginFailures}. */
    List<Entry> entries() {
        synchronized (lock) {
            Instant now = clock.instant();
            List<Entry> all = new ArrayList<>();
            for (Table t : List.of(pairs, addresses, accounts)) {
                t.forget(now);
                for (Record r : t.records.values()) {
                    if (r.failures > 0) {
                        all.add(new Entry(r.account, r.address, r.failures, r.lastFailure,
                                r.lockedAt(now) ? r.lockedUntil : null));
                    }
                }
            }
            all.sort(Comparator.comparing(Entry::lastFailure).reversed());
            return all;
        }
    }

    /** How many keys are remembered, all kinds together (bounded by 3 × {@link #CAPACITY}). */
    public int size() {
        synchronized (lock) {
            return pairs.records.size() + addresses.records.size() + accounts.records.size();
        }
    }

    private Instant lockedUntil(Record pair, Record fromAddress, Record ofAccount, Instant now) {
        Instant until = null;
        if (pair != null && pair.lockedAt(now)) {
            until = pair.lockedUntil;
        }
        if (fromAddress != null && fromAddress.lockedAt(now)) {
            until = later(until, fromAddress.lockedUntil);
        }
        if (ofAccount != null && ofAccount.lockedAt(now) && pair != null && pair.failures > 0) {
            until = later(until, ofAccount.lockedUntil);
        }
        return until;
    }

    private static boolean busy(Record r, int threshold) {
        return r != null && r.inFlight >= Math.max(1, threshold - r.failures);
    }

    private void failed(Attempt a) {
        synchronized (lock) {
            Instant now = clock.instant();
            a.pair.inFlight--;
            a.fromAddress.inFlight--;
            a.ofAccount.inFlight--;
            List<String> lockouts = new ArrayList<>();
            count(pairs, pairKey(a.account, a.address), a.pair, policy.maxFailures(), now, lockouts);
            count(addresses, a.address, a.fromAddress, policy.maxFailuresPerAddress(), now, lockouts);
            count(accounts, a.account, a.ofAccount, policy.maxFailuresPerAccount(), now, lockouts);
            LOG.info("Failed login as '" + a.account + "' from " + a.address + " (" + a.pair.failures + " from there, "
                    + a.fromAddress.failures + " from the address, " + a.ofAccount.failures + " of the account)");
            lockouts.forEach(LOG::warning);
        }
    }

    private void count(Table table, String key, Record r, int threshold, Instant now, List<String> lockouts) {
        r.failures++;
        r.lastFailure = now;
        table.touch(key, r);
        if (r.failures >= threshold) {
            r.lockouts++;
            Duration lockout = policy.lockoutNumber(r.lockouts);
            r.lockedUntil = now.plus(lockout);
            lockouts.add(describe(r) + " locked out for " + lockout.toSeconds() + " s after " + r.failures
                    + " failed logins" + (r.address == null ? ": only addresses without failures may still log in as it" : ""));
        }
    }

    private static String describe(Record r) {
        if (r.account == null) {
            return "Logins from " + r.address;
        }
        return r.address == null ? "Account '" + r.account + "'" : "Logins as '" + r.account + "' from " + r.address;
    }

    private void succeeded(Attempt a) {
        synchronized (lock) {
            pairs.remove(pairKey(a.account, a.address), a.pair);
            release(addresses, a.address, a.fromAddress);
            release(accounts, a.account, a.ofAccount);
        }
    }

    private void abandoned(Attempt a) {
        synchronized (lock) {
            release(pairs, pairKey(a.account, a.address), a.pair);
            release(addresses, a.address, a.fromAddress);
            release(accounts, a.account, a.ofAccount);
        }
    }

    private static void release(Table table, String key, Record r) {
        r.inFlight--;
        if (r.failures == 0 && r.inFlight == 0) {
            table.remove(key, r);
        }
    }

    private static String pairKey(String account, String address) {
        return account + '\n' + address;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static Duration retryAfter(Instant now, Instant until) {
        long millis = Duration.between(now, until).toMillis();
        return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
    }

    /** An attempt to verify a password: refused (wait {@link #retryAfter()}), or allowed and then ended once. */
    public final class Attempt implements AutoCloseable {
        private final String account;
        private final String address;
        private final Duration refusedFor;
        private Record pair;
        private Record fromAddress;
        private Record ofAccount;
        private boolean ended;

        private Attempt(String account, String address, Duration refusedFor) {
            this.account = account;
            this.address = address;
            this.refusedFor = refusedFor;
        }

        public boolean refused() {
            return refusedFor != null;
        }

        /** How long to wait before trying again (whole seconds, at least one), when refused. */
        public Duration retryAfter() {
            return refusedFor;
        }

        /** The account key the attempt counts under ({@link #accountKey}). */
        public String account() {
            return account;
        }

        public void failed() {
            if (end()) {
                LoginThrottle.this.failed(this);
            }
        }

        public void succeeded() {
            if (end()) {
                LoginThrottle.this.succeeded(this);
            }
        }

        @Override
        public void close() {
            if (end()) {
                abandoned(this);
            }
        }

        private boolean end() {
            boolean first = !ended && !refused();
            ended = true;
            return first;
        }
    }

    private static final class Record {
        final String account;
        final String address;
        int failures;
        int lockouts;
        int inFlight;
        Instant lastFailure;
        Instant lockedUntil;
        final Instant created;

        Record(String account, String address, Instant created) {
            this.account = account;
            this.address = address;
            this.created = created;
        }

        boolean lockedAt(Instant now) {
            return lockedUntil != null && lockedUntil.isAfter(now);
        }

        /** Nothing to remember any more: no attempt running, no lockout, and quiet for the longest lockout. */
        boolean forgettable(Instant now, Duration memory) {
            Instant quietSince = lockedUntil != null ? lockedUntil : lastFailure != null ? lastFailure : created;
            return inFlight <= 0 && !lockedAt(now) && quietSince.plus(memory).isBefore(now);
        }
    }

    /** Records of one kind, the least recently failed first (a failure moves its record to the end). */
    private final class Table {
        final LinkedHashMap<String, Record> records = new LinkedHashMap<>();

        Record find(String key, Instant now) {
            Record r = records.get(key);
            if (r != null && r.forgettable(now, policy.maxLockout())) {
                records.remove(key);
                return null;
            }
            return r;
        }

        Record findOrAdd(String key, String account, String address, Instant now) {
            Record r = find(key, now);
            if (r == null) {
                if (records.size() >= CAPACITY) {
                    // the eldest is the least recently failed: forgettable first, if anything is
                    Iterator<Map.Entry<String, Record>> eldest = records.entrySet().iterator();
                    eldest.next();
                    eldest.remove();
                }
                r = new Record(account, address, now);
                records.put(key, r);
            }
            return r;
        }

        void touch(String key, Record r) {
            if (records.remove(key, r)) {
                records.put(key, r);
            }
        }

        void remove(String key, Record r) {
            records.remove(key, r);
        }

        void forget(Instant now) {
            records.values().removeIf(r -> r.forgettable(now, policy.maxLockout()));
        }
    }
}
