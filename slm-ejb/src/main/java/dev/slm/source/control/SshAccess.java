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

    @Override
    public void configure(org.eclipse.jgit.transport.Transport transport) {
        if (transport instanceof SshTransport ssh) {
            refusal = null;
            ssh.setSshSessionFactory(factory());
        }
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
            List<PublicKey> known = known(host, port);
            if (known.stream().anyMatch(k -> KeyUtils.compareKeys(k, serverKey))) {
                return true;
            }
            String offered = KeyUtils.getKeyType(serverKey) + " key " + KeyUtils.getFingerPrint(serverKey);
            String name = port == 22 ? host : "[" + host + "]:" + port;
            refusal = known.isEmpty()
                    ? "the host key of " + name + " is unknown: it offered the " + offered + ", and "
                    + (knownHosts == null ? "no SLM_GIT_KNOWN_HOSTS is set" : "SLM_GIT_KNOWN_HOSTS (" + knownHosts
                    + ") has no line for it") + ". Check that fingerprint with the forge, then pin it: ssh-keyscan "
                    + (port == 22 ? "" : "-p " + port + " ") + host + " >> the known hosts file"
                    : "the host key of " + name + " has CHANGED: it offered the " + offered + ", not the key pinned in "
                    + knownHosts + ". This may be an attack; if the forge really changed its key, replace its line";
            return false;
        }

        private List<PublicKey> known(String host, int port) {
            if (knownHosts == null || !Files.isRegularFile(knownHosts)) {
                return List.of();
            }
            List<PublicKey> keys = new ArrayList<>();
            try {
                for (KnownHostEntry e : KnownHostEntry.readKnownHostEntries(knownHosts)) {
                    if (e.getKeyEntry() != null && e.isHostMatch(host, port)) {
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
