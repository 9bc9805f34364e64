package dev.slm.source.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.eclipse.jgit.api.TransportConfigCallback;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.JGitKeyCache;
import org.eclipse.jgit.transport.sshd.KeyPasswordProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * How the mirror fetches over SSH (issue 16): with the deploy key of {@code SLM_GIT_SSH_KEY} (its passphrase from
 * {@code SLM_GIT_SSH_KEY_PASSPHRASE}) and only the host keys of {@code SLM_GIT_KNOWN_HOSTS} — strictly: an unknown or
 * changed host key is a fetch error that says which key was offered and how to pin it, never a silent accept. Nothing
 * of the server's own {@code ~/.ssh} (keys, known hosts, config) is read: the SSH home is a directory of its own in
 * the data directory. The key and the known hosts are read at each fetch, so replacing a file needs no restart.
 */
public final class SshAccess implements TransportConfigCallback {

    private final Path key;
    private final String passphrase;
    private final Path knownHosts;
    private final Path home;
    /** Why the host key check of the current fetch refused (fetches are one at a time: GitMirror), or null. */
    private volatile String refusal;

    /** @param key null: no key (a fetch over SSH then fails saying so) */
    public SshAccess(Path key, String passphrase, Path knownHosts, Path home) {
        this.key = key;
        this.passphrase = passphrase;
        this.knownHosts = knownHosts;
        this.home = home;
    }

    /**
     * An SSH server that says nothing for this long is given up: a host that drops packets, or a port where something
     * else listens, held the refresh (and the operator's request) for the whole fetch time-out, 120 s.
     */
    static final int SSH_TIMEOUT_S = 30;
    /** A private key file is a few KiB; anything larger (or not a file: a FIFO, /dev/zero) is no key. */
    static final long MAX_KEY_BYTES = 64 * 1024;

    @Override
    public void configure(org.eclipse.jgit.transport.Transport transport) {
        if (transport instanceof SshTransport ssh) {
            refusal = null;
            String unusable = unusableKey();
            if (unusable != null) {
                refusal = unusable;
                throw new IllegalStateException(unusable);
            }
            ssh.setTimeout(SSH_TIMEOUT_S);
            ssh.setSshSessionFactory(factory());
        }
    }

    /** Why the key cannot be used before anything is tried: none set, not a regular file, too large; or null. */
    private String unusableKey() {
        if (key == null) {
            return "an SSH URL needs a deploy key: SLM_GIT_SSH_KEY is not set";
        }
        try {
            if (!Files.isRegularFile(key) || !Files.isReadable(key)) {
                return "SLM_GIT_SSH_KEY (" + key + ") is not a readable file";
            }
            if (Files.size(key) > MAX_KEY_BYTES) {
                return "SLM_GIT_SSH_KEY (" + key + ") is larger than a private key (" + Files.size(key) + " bytes)";
            }
        } catch (IOException e) {
            return "SLM_GIT_SSH_KEY (" + key + ") cannot be read: " + e.getMessage();
        }
        // loaded here as the session will: a wrong passphrase or a file that is no private key is said as such, not
        // as "the server refused the key" (JGit reports every key it could not offer as "no keys to try")
        try (java.io.InputStream in = Files.newInputStream(key)) {
            Iterable<java.security.KeyPair> pairs = org.apache.sshd.common.util.security.SecurityUtils.loadKeyPairIdentities(
                    null, org.apache.sshd.common.NamedResource.ofName("SLM_GIT_SSH_KEY"), in,
                    passphrase == null ? org.apache.sshd.common.config.keys.FilePasswordProvider.EMPTY
                            : org.apache.sshd.common.config.keys.FilePasswordProvider.of(passphrase));
            if (pairs == null || !pairs.iterator().hasNext()) {
                return "the key of SLM_GIT_SSH_KEY (" + key + ") is no private key this server reads (OpenSSH or PEM"
                        + " format; a .pub file is the public half)";
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return "the key of SLM_GIT_SSH_KEY (" + key + ") cannot be read: " + (passphrase == null
                    ? "is it encrypted? Then set SLM_GIT_SSH_KEY_PASSPHRASE"
                    : "is SLM_GIT_SSH_KEY_PASSPHRASE right?") + " (" + e.getClass().getSimpleName() + ")";
        }
        return null;
    }

    /** What the host key check refused in the last fetch, if it did. */
    public Optional<String> refusal() {
        return Optional.ofNullable(refusal);
    }

    private SshdSessionFactory factory() {
        try {
            Files.createDirectories(home.resolve(".ssh"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the SSH home " + home, e);
        }
        return new SshdSessionFactoryBuilder()
                .setHomeDirectory(home.toFile())
                .setSshDirectory(home.resolve(".ssh").toFile())
                .setConfigStoreFactory((h, f, user) -> null) // no ssh_config of anyone's
                .setPreferredAuthentications("publickey")
                .setDefaultIdentities(dir -> key == null ? List.of() : List.of(key))
                .setDefaultKnownHostsFiles(dir -> knownHosts == null ? List.of() : List.of(knownHosts))
                .setServerKeyDatabase((h, s) -> new PinnedHostKeys())
                .setKeyPasswordProvider(cp -> new Passphrase())
                .build(new JGitKeyCache());
    }

    /** The host keys of SLM_GIT_KNOWN_HOSTS and nothing else. */
    private final class PinnedHostKeys implements ServerKeyDatabase {

        @Override
        public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
            return known(host(connectAddress, remoteAddress), port(connectAddress, remoteAddress));
        }

        @Override
        public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
                              Configuration config, CredentialsProvider provider) {
            String host = host(connectAddress, remoteAddress);
            int port = port(connectAddress, remoteAddress);
            String offered = KeyUtils.getKeyType(serverKey) + " key " + KeyUtils.getFingerPrint(serverKey);
            String name = port == 22 ? host : "[" + host + "]:" + port;
            if (entries(host, port, "revoked").stream().anyMatch(k -> KeyUtils.compareKeys(k, serverKey))) {
                // as OpenSSH: a key marked @revoked is refused whatever other line pins it
                refusal = "the host key of " + name + " is REVOKED in SLM_GIT_KNOWN_HOSTS (" + knownHosts + "): it offered"
                        + " the " + offered + ", which a line marked @revoked names";
                return false;
            }
            List<PublicKey> known = known(host, port);
            if (known.stream().anyMatch(k -> KeyUtils.compareKeys(k, serverKey))) {
                return true;
            }
            if (refusal != null) { // the known hosts file could not be read: said as such
                return false;
            }
            refusal = known.isEmpty()
                    ? "the host key of " + name + " is unknown: it offered the " + offered + ", and "
                    + (knownHosts == null ? "no SLM_GIT_KNOWN_HOSTS is set" : !Files.isRegularFile(knownHosts)
                    ? "SLM_GIT_KNOWN_HOSTS (" + knownHosts + ") is not a file (a typo in the path?)"
                    : "SLM_GIT_KNOWN_HOSTS (" + knownHosts + ") has no line for it") + ". Check that fingerprint with the forge, then pin it: ssh-keyscan "
                    + (port == 22 ? "" : "-p " + port + " ") + host + " >> the known hosts file"
                    : "the host key of " + name + " has CHANGED: it offered the " + offered + ", not the key pinned in "
                    + knownHosts + ". This may be an attack; if the forge really changed its key, replace its line";
            return false;
        }

        /** The plain host keys pinned for this host (a line with a marker — @revoked, @cert-authority — is none). */
        private List<PublicKey> known(String host, int port) {
            return entries(host, port, null);
        }

        /** @param marker the lines with this marker ("revoked"), or without any when null */
        private List<PublicKey> entries(String host, int port, String marker) {
            if (knownHosts == null || !Files.isRegularFile(knownHosts)) {
                return List.of();
            }
            List<PublicKey> keys = new ArrayList<>();
            try {
                for (KnownHostEntry e : KnownHostEntry.readKnownHostEntries(knownHosts)) {
                    String m = e.getMarker() == null || e.getMarker().isEmpty() ? null : e.getMarker();
                    if (e.getKeyEntry() != null && java.util.Objects.equals(m, marker) && e.isHostMatch(host, port)) {
                        keys.add(e.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING));
                    }
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                refusal = "SLM_GIT_KNOWN_HOSTS (" + knownHosts + ") cannot be read: " + e.getMessage();
                return List.of();
            }
            keys.removeIf(java.util.Objects::isNull);
            return keys;
        }
    }

    /** "[host]:port" or "host" as JGit names the address it connects to; the socket's when it names none. */
    static String host(String connectAddress, InetSocketAddress remote) {
        if (connectAddress != null && connectAddress.startsWith("[") && connectAddress.contains("]")) {
            return connectAddress.substring(1, connectAddress.indexOf(']'));
        }
        if (connectAddress != null && !connectAddress.isEmpty()) {
            int colon = connectAddress.lastIndexOf(':');
            return colon > 0 && connectAddress.indexOf(':') == colon ? connectAddress.substring(0, colon) : connectAddress;
        }
        return remote.getHostString();
    }

    static int port(String connectAddress, InetSocketAddress remote) {
        if (connectAddress != null) {
            int colon = connectAddress.lastIndexOf(':');
            boolean bracketed = connectAddress.startsWith("[") && colon > connectAddress.indexOf(']');
            boolean plain = !connectAddress.startsWith("[") && colon > 0 && connectAddress.indexOf(':') == colon;
            if (bracketed || plain) {
                try {
                    return Integer.parseInt(connectAddress.substring(colon + 1));
                } catch (NumberFormatException e) {
                    return remote.getPort();
                }
            }
        }
        return remote == null ? 22 : remote.getPort();
    }

    /** SLM_GIT_SSH_KEY_PASSPHRASE, once: a wrong one is not tried again and again. */
    private final class Passphrase implements KeyPasswordProvider {
        @Override
        public char[] getPassphrase(URIish uri, int attempt) {
            return passphrase == null || attempt > 0 ? null : passphrase.toCharArray();
        }

        @Override
        public void setAttempts(int attempts) {
            // one attempt, whatever is asked
        }

        @Override
        public boolean keyLoaded(URIish uri, int attempt, Exception error) throws IOException, GeneralSecurityException {
            return false;
        }
    }
}
