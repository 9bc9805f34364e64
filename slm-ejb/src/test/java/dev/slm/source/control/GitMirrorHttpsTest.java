package dev.slm.source.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror fetching over HTTPS with a token, as from a git host: a real TLS server (the JDK's, with a certificate
 * made here by keytool and trusted by this test only) serving a bare repository made with the git command over git's
 * HTTP protocol, and refusing any request without the right Basic credentials (user {@code x-access-token}).
 */
class GitMirrorHttpsTest {

    static final String TOKEN = "ghs_test-token-0123456789";

    @TempDir
    Path tmp;

    HttpsServer server;
    GitMirror mirror;
    SSLSocketFactory previous;
    final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    String head;

    @BeforeEach
    void setUp() throws Exception {
        Path work = tmp.resolve("work");
        Path bare = tmp.resolve("repo.git");
        git(tmp, "init", "-q", "--bare", "-b", "main", bare.toString());
        git(tmp, "init", "-q", "-b", "main", work.toString());
        Files.writeString(work.resolve("app.txt"), "served over https\n");
        git(work, "add", "-A");
        git(work, "commit", "-q", "-m", "over https");
        git(work, "push", "-q", bare.toString(), "main");
        git(bare, "update-server-info");
        head = git(work, "rev-parse", "HEAD").trim();

        Path keystore = tmp.resolve("server.p12");
        run(tmp, "keytool", "-genkeypair", "-alias", "git", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
        previous = HttpsURLConnection.getDefaultSSLSocketFactory();
        HttpsURLConnection.setDefaultSSLSocketFactory(clientContext.getSocketFactory()); // JGit's JDK transport uses it

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        server.createContext("/repo.git", exchange -> serve(exchange, bare));
        server.start();
        mirror = new GitMirror(tmp.resolve("mirror.git"));
    }

    @AfterEach
    void tearDown() {
        mirror.close();
        server.stop(0);
        HttpsURLConnection.setDefaultSSLSocketFactory(previous);
    }

    /** git's "dumb" HTTP protocol: the repository's files, behind Basic authentication. */
    private void serve(HttpExchange exchange, Path bare) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        authorizations.add(String.valueOf(auth));
        String expected = "Basic " + Base64.getEncoder().encodeToString(("x-access-token:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(auth)) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
            return;
        }
        String path = exchange.getRequestURI().getPath().substring("/repo.git".length());
        Path file = bare.resolve(path.startsWith("/") ? path.substring(1) : path).normalize();
        if (!file.startsWith(bare) || !Files.isRegularFile(file)) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        byte[] body = Files.readAllBytes(file);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/repo.git";
    }

    @Test
    void fetchesOverHttpsWithTheToken() {
        assertEquals(head, mirror.fetch(url(), "main", new UsernamePasswordCredentialsProvider("x-access-token", TOKEN)).id());
        assertTrue(authorizations.stream().anyMatch(a -> a.startsWith("Basic ")), "the token was sent");
    }

    @Test
    void aWrongTokenIsAnErrorThatDoesNotRepeatTheToken() {
        GitMirror.SourceUnavailable e = assertThrows(GitMirror.SourceUnavailable.class,
                () -> mirror.fetch(url(), "main", new UsernamePasswordCredentialsProvider("x-access-token", "wrong-secret")));
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-secret"), e.getMessage());
        assertTrue(mirror.commit(head).isEmpty(), "nothing was fetched");
    }

    @Test
    void noTokenIsRefused() {
        assertThrows(GitMirror.SourceUnavailable.class, () -> mirror.fetch(url(), "main", null));
        assertTrue(authorizations.stream().allMatch("null"::equals), "no credentials were sent");
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@t",
                "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        return run(dir, command.toArray(String[]::new));
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
