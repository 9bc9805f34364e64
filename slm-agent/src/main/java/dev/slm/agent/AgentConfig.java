package dev.slm.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * {@code /etc/slm-agent/agent.properties}:
 * <pre>
 * server.url   = https://slm.example.com      (required)
 * node.id      = web-3                         (required)
 * token.file   = /etc/slm-agent/token          (required; the node's bearer token, owner-only)
 * state.dir    = /var/lib/slm-agent            (version.json lives here)
 * hostname     = web-3.example.com             (default: the machine's host name)
 * roles        = web,eu                        (reported to the server)
 *
 * # updates (without install.dir and signing.key the agent only reports, and refuses sync commands)
 * install.dir          = /opt/slm-agent         (releases/ and the current symlink)
 * signing.key          = MCowBQYDK2VwAyEA...    (the server's Ed25519 public key, pinned: GET /api/signing-key)
 * keep.releases        = 3
 * service.controller   = systemd | process
 * service.unit         = myapp.service          (systemd)
 * service.start        = ./bin/serve            (process: run in current/)
 * drain.timeout.s      = 30                     (graceful restarts)
 * drain.command        = ./bin/drain            (graceful: asks the service to finish its work; returns when it has;
 *                                                without it the service gets SIGTERM / systemctl stop)
 * health.url           = http://127.0.0.1:8080/health   (or health.command = ...)
 * health.deadline.s    = 30
 * hook.timeout.s       = 60
 * self.managed         = false                  (true: the code this node deploys is the agent itself, run by
 *                                                bin/slm-agent-launcher from install.dir; see SelfServiceController)
 * download.limit.kb.s  = 0                      (bandwidth cap for package downloads; 0: none)
 * read.timeout.s       = 60                     (how long the server may send nothing in the middle of an answer
 *                                                or a download before the agent gives the connection up)
 * </pre>
 */
public record AgentConfig(URI serverUrl, String nodeId, Path tokenFile, Path stateDir, String hostname,
                          List<String> roles, Properties properties, Path baseDir) {

    public static final Path DEFAULT_FILE = Path.of("/etc/slm-agent/agent.properties");
    /** What the server registers (NodeRegistry.NODE_ID); the id becomes part of every URL path the token goes to. */
    static final java.util.regex.Pattern NODE_ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    public static AgentConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        Path base = file.toAbsolutePath().getParent();
        String server = required(p, "server.url", file);
        URI serverUrl;
        try {
            serverUrl = URI.create(server.endsWith("/") ? server : server + "/");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": server.url is not a URL: " + server);
        }
        if (!"http".equals(serverUrl.getScheme()) && !"https".equals(serverUrl.getScheme())) {
            throw new IllegalArgumentException(file + ": server.url must start with https:// (or http://)");
        }
        if (serverUrl.getHost() == null || serverUrl.getRawUserInfo() != null || serverUrl.getRawQuery() != null
                || serverUrl.getRawFragment() != null) {
            // the token goes to this origin only, and a package URL must resolve to it: user info would make every
            // one "not on the server", and a host Java cannot parse (say, with '_') every call fail
            throw new IllegalArgumentException(file + ": server.url must be https://host[:port][/path], with a host"
                    + " name Java accepts and no user info, query or fragment: " + server);
        }
        String nodeId = required(p, "node.id", file);
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException(file + ": node.id must be the id the node was registered with (lower-case"
                    + " letters, digits, '.', '_', '-'; at most 63), not " + nodeId);
        }
        String roles = p.getProperty("roles", "").trim();
        return new AgentConfig(serverUrl, nodeId,
                base.resolve(required(p, "token.file", file)),
                base.resolve(p.getProperty("state.dir", "/var/lib/slm-agent").trim()),
                p.getProperty("hostname", localHostname()).trim(),
                roles.isEmpty() ? List.of() : Arrays.stream(roles.split(",")).map(String::trim).toList(), p, base);
    }

    /** The token is read for every call, so a rotated token file takes effect without a restart. */
    public String token() throws IOException {
        String token = Files.readString(tokenFile).trim();
        if (token.isEmpty()) {
            throw new IOException("the token file " + tokenFile + " is empty");
        }
        return token;
    }

    public java.util.Optional<String> get(String key) {
        String v = properties.getProperty(key);
        return v == null || v.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(v.trim());
    }

    public long seconds(String key, long fallback) {
        try {
            return get(key).map(Long::parseLong).orElse(fallback);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number of seconds");
        }
    }

    public Path path(String key) {
        return get(key).map(baseDir::resolve).orElse(null);
    }

    public Path versionFile() {
        return stateDir.resolve(VersionFile.NAME);
    }

    public static String agentVersion() {
        try (InputStream in = AgentConfig.class.getResourceAsStream("agent-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    private static String required(Properties p, String key, Path file) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(file + ": " + key + " is required");
        }
        return v.trim();
    }

    private static String localHostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
