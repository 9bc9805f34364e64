package dev.slm.web.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.net.URL;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AgentSnippetTest {

    static final String KEY = "MCowBQYDK2VwAyEAq1+/zXyZ0123456789abcdefghijklmnopqrstuvwx=";

    @Test
    void theSnippetHoldsExactlyTheKeysTheAgentReadsForTheServerTheNodeTheTokenAndTheSigningKey() throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(AgentSnippet.properties("https://slm.example.com/", "web-9", KEY)));
        // slm-agent's AgentConfig (server.url, node.id, token.file) and UpdaterFactory (signing.key)
        assertEquals(Set.of("server.url", "node.id", "token.file", "signing.key"), p.stringPropertyNames());
        assertEquals("https://slm.example.com/", p.getProperty("server.url"));
        assertEquals("web-9", p.getProperty("node.id"));
        assertEquals("/etc/slm-agent/token", p.getProperty("token.file"));
        assertEquals(KEY, p.getProperty("signing.key"));
    }

    @Test
    void aValueWithABackslashOrALineBreakIsReadBackAsItIs() throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(AgentSnippet.properties("https://a\\b/\nnode.id = evil", "web-9", KEY)));
        assertEquals("https://a\\b/\nnode.id = evil", p.getProperty("server.url"));
        assertEquals("web-9", p.getProperty("node.id"));
    }

    @Test
    void theServerUrlIsSlmPublicUrlWhenSet() throws Exception {
        assertEquals("https://slm.example.com/", AgentSnippet.serverUrl(Optional.of("https://slm.example.com"),
                new URL("http://10.0.0.5:8080/admin"), ""));
        assertEquals("https://slm.example.com/slm/", AgentSnippet.serverUrl(Optional.of("https://slm.example.com/slm/"),
                null, ""));
    }

    @Test
    void otherwiseTheServerUrlIsTheOriginTheBrowserUsedWithTheContextPath() throws Exception {
        assertEquals("http://10.0.0.5:8080/", AgentSnippet.serverUrl(Optional.empty(),
                new URL("http://10.0.0.5:8080/admin?x=1#y"), ""));
        assertEquals("https://slm.example.com/slm/", AgentSnippet.serverUrl(Optional.empty(),
                new URL("https://slm.example.com/slm/admin"), "/slm"));
    }
}
