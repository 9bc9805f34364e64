package dev.slm.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code java -jar slm-launcher/target/slm-server.jar}: the server for a single machine. Without SLM_DB_URL it
 * runs an embedded PostgreSQL whose data lives in {@code <SLM_DATA_DIR>/postgres} (default {@code $HOME/.slm}),
 * so a restart keeps every node, setting and status.
 */
public final class ServerLauncher {

    private ServerLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        LaunchSettings settings;
        try {
            settings = LaunchSettings.from(env);
            // what a run killed with SIGKILL left running holds the port and the data: stopped before the check
            MicroServer.stopLeftover(settings.dataDir().resolve("run"));
            settings.requirePortFree();
        } catch (LaunchSettings.Refused e) {
            System.err.println("slm: " + e.getMessage());
            System.exit(1);
            return;
        }
        Path dataDir = settings.dataDir();
        env.put("SLM_DATA_DIR", dataDir.toString());
        Path home = installDir();

        EmbeddedPostgres embedded = null;
        if (isBlank(env.get("SLM_DB_URL"))) {
            System.out.println("slm: no SLM_DB_URL configured: starting an embedded PostgreSQL with its data in "
                    + dataDir.resolve("postgres"));
            EmbeddedDatabase.Started db;
            try {
                db = EmbeddedDatabase.start(dataDir.resolve("postgres"), dataDir.resolve("postgres.password"));
            } catch (LaunchSettings.Refused e) {
                System.err.println("slm: " + e.getMessage());
                System.exit(1);
                return;
            }
            embedded = db.postgres();
            env.put("SLM_DB_URL", embedded.getJdbcUrl("postgres", "postgres"));
            env.put("SLM_DB_USER", "postgres");
            env.put("SLM_DB_PASSWORD", db.password());
        }
        MicroServer server = MicroServer.start(home.resolve("runtime/payara-micro.jar"), home.resolve("runtime/ROOT.war"),
                settings.bindAddress(), settings.port(), settings.heapMiB(), settings.javaOptions(), dataDir.resolve("run"),
                env, null);
        System.out.println("slm: the server runs with a heap of at most " + settings.heapMiB() + " MiB (SLM_HEAP)");
        EmbeddedPostgres db = embedded;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
                if (db != null) {
                    db.close();
                }
            } catch (Exception e) {
                System.err.println("slm: shutdown: " + e.getMessage());
            }
        }));
        try {
            server.awaitReady(Duration.ofMinutes(3));
        } catch (IOException e) {
            System.err.println("slm: the SLM server did not start: " + e.getMessage());
            System.err.println("slm: the server's log above has the details; stopping");
            System.exit(1); // the shutdown hook stops Payara Micro and the embedded database
        }
        printBanner(server, dataDir, env, embedded != null);
        System.exit(server.process().waitFor());
    }

    private static void printBanner(MicroServer server, Path dataDir, Map<String, String> env, boolean embedded) {
        Path passwordFile = dataDir.resolve("initial-admin-password");
        String login;
        if (!isBlank(env.get("SLM_ADMIN_PASSWORD"))) {
            login = "log in as 'admin' with the password in SLM_ADMIN_PASSWORD";
        } else if (Files.exists(passwordFile)) {
            login = "log in as 'admin' with the generated password in " + passwordFile;
        } else {
            login = "log in with an existing operator account";
        }
        System.out.println();
        System.out.println("slm: the SLM server is ready" + (embedded ? " (embedded PostgreSQL)" : ""));
        System.out.println("slm: open " + server.baseUri() + "  (API under " + server.baseUri() + "api/)");
        System.out.println("slm: " + login);
    }

    private static Path installDir() throws URISyntaxException {
        Path jar = Path.of(ServerLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.getParent();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
