package dev.slm.web.ui;

import java.net.URL;
import java.util.Optional;

/**
 * The {@code agent.properties} the token dialog offers for a node: the keys the agent reads (slm-agent's
 * {@code AgentConfig}: {@code server.url}, {@code node.id}, {@code token.file}; {@code signing.key} from
 * {@code UpdaterFactory}), with this server's URL and signing key. The token itself goes into the token file, not
 * here: the agent reads it from {@code token.file} for every call, so a new token needs no restart.
 */
final class AgentSnippet {

    static final String TOKEN_FILE = "/etc/slm-agent/token";

    private AgentSnippet() {
    }

    static String properties(String serverUrl, String nodeId, String signingKey) {
        return "# /etc/slm-agent/agent.properties (every key: the README's \"The agent\")\n"
                + "server.url  = " + escaped(serverUrl) + "\n"
                + "node.id     = " + escaped(nodeId) + "\n"
                + "# the token above, alone in this file, readable by the agent's user only (chmod 600)\n"
                + "token.file  = " + TOKEN_FILE + "\n"
                + "# the server's package-signing key (Ed25519), pinned: the agent refuses packages it did not sign\n"
                + "signing.key = " + escaped(signingKey) + "\n"
                + "# to let the agent install code, add install.dir and the service's keys (service.controller, ...)\n";
    }

    /**
     * The URL agents should use: {@code SLM_PUBLIC_URL} when it is set, otherwise the scheme, host and port the browser
     * used, with the application's context path.
     */
    static String serverUrl(Optional<String> publicUrl, URL browserUrl, String contextPath) {
        if (publicUrl.isPresent()) {
            String u = publicUrl.get().trim();
            return u.endsWith("/") ? u : u + "/";
        }
        String path = contextPath == null ? "" : contextPath.replaceAll("/+$", "");
        return browserUrl.getProtocol() + "://" + browserUrl.getAuthority() + path + "/";
    }

    /** A value java.util.Properties reads back as it is (a backslash is an escape there, a line break ends the value). */
    private static String escaped(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }
}
