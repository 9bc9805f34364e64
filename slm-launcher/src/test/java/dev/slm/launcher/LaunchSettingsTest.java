package dev.slm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LaunchSettingsTest {

    @Test
    void thePortDefaultsTo8080AndTakesSurroundingSpaces() throws Exception {
        assertEquals(8080, LaunchSettings.port(null));
        assertEquals(8080, LaunchSettings.port(" "));
        assertEquals(9000, LaunchSettings.port(" 9000 "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"eighty", "0", "-1", "65536", "8080.0", "0x50", "99999999999"})
    void aPortThatIsNotOneToTwoPowerSixteenIsRefusedWithOneLine(String value) {
        LaunchSettings.Refused e = assertThrows(LaunchSettings.Refused.class, () -> LaunchSettings.port(value));
        assertEquals("SLM_PORT must be a port number from 1 to 65535, not '" + value + "'", e.getMessage());
    }

    @Test
    void theBindAddressMustBeOneOfThisMachine() throws Exception {
        assertEquals("0.0.0.0", LaunchSettings.bindAddress(null));
        assertEquals("127.0.0.1", LaunchSettings.bindAddress("127.0.0.1"));
        assertTrue(assertThrows(LaunchSettings.Refused.class, () -> LaunchSettings.bindAddress("192.0.2.7"))
                .getMessage().startsWith("SLM_BIND 192.0.2.7 is not an address of this machine"));
        assertEquals("127.0.0.1", LaunchSettings.bindAddress("localhost"));
        for (String notAnAddress : new String[] {"example.com", "300.1.1.1", "127.0.0.1:80", "::g"}) {
            assertTrue(assertThrows(LaunchSettings.Refused.class, () -> LaunchSettings.bindAddress(notAnAddress))
                    .getMessage().contains("SLM_BIND"), notAnAddress);
        }
    }

    @Test
    void theDataDirectoryFollowsHomeUnlessConfigured() {
        assertEquals(Path.of("/srv/slm"), LaunchSettings.dataDir(Map.of("SLM_DATA_DIR", "/srv/slm", "HOME", "/home/a")));
        assertEquals(Path.of("/home/a/.slm"), LaunchSettings.dataDir(Map.of("HOME", "/home/a")));
    }

    @Test
    void aPortTakenByAnythingIsRefused() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            LaunchSettings.Refused e = assertThrows(LaunchSettings.Refused.class,
                    () -> new LaunchSettings(port, "0.0.0.0", Path.of("/tmp"), 512, List.of()).requirePortFree());
            assertEquals("port " + port + " is in use: stop what runs there or set SLM_PORT", e.getMessage());
        }
    }

    @Test
    void javaOptionsAreSplitOnSpacesAndNoneByDefault() throws Exception {
        assertEquals(List.of(), LaunchSettings.javaOptions(null));
        assertEquals(List.of(), LaunchSettings.javaOptions("  "));
        assertEquals(List.of("-XX:+UseSerialGC", "-Xlog:gc:gc.log"), LaunchSettings.javaOptions(" -XX:+UseSerialGC\t -Xlog:gc:gc.log "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"UseSerialGC", "-jar other.jar", "-cp /tmp", "-classpath=x", "--class-path /x", "-",
            "-Dname=\"a b\"", "-Dx=a\u0000b", "-Dx=it's", "-Xmx1g Main"})
    void aWordThatIsNotAJvmOptionIsRefusedWithOneLine(String value) {
        LaunchSettings.Refused e = assertThrows(LaunchSettings.Refused.class, () -> LaunchSettings.javaOptions(value));
        assertTrue(e.getMessage().startsWith("SLM_JAVA_OPTIONS takes JVM options"), e.getMessage());
    }

    @Test
    void theHeapIsAQuarterOfTheMachineBetween512MiBAnd2GiBUnlessConfigured() throws Exception {
        assertEquals(512, LaunchSettings.heapMiB(null, 1024));
        assertEquals(1024, LaunchSettings.heapMiB(null, 4096));
        assertEquals(2048, LaunchSettings.heapMiB(" ", 24 * 1024));
        assertEquals(768, LaunchSettings.heapMiB("768m", 4096));
        assertEquals(3072, LaunchSettings.heapMiB("3G", 4096));
        for (String bad : new String[] {"lots", "100m", "9g", "1.5g", "-1g", "1t"}) {
            assertTrue(assertThrows(LaunchSettings.Refused.class, () -> LaunchSettings.heapMiB(bad, 4096)).getMessage()
                    .startsWith("SLM_HEAP must be a heap size from 256m to this machine's 4096m"), bad);
        }
    }

    /** Before: these passed the run command's checks and failed the server's start ("Broken pipe" in the summary). */
    @ParameterizedTest
    @ValueSource(strings = {"SLM_FETCH_INTERVAL=soon", "SLM_FETCH_INTERVAL=0s", "SLM_LOGIN_LOCKOUT=-1m",
            "SLM_LOGIN_LOCKOUT_MAX=forever", "SLM_UI_GONE_AFTER=0", "SLM_UI_GONE_AFTER=100000h", "SLM_UI_GONE_AFTER=500ms",
            "SLM_ANONYMOUS_SESSION_TIMEOUT=soon", "SLM_ANONYMOUS_SESSION_TIMEOUT=25h", "SLM_PACKAGE_CACHE_MB=2GB", "SLM_LOGIN_MAX_FAILURES=five",
            "SLM_LOGIN_MAX_FAILURES_PER_ADDRESS=0", "SLM_LOGIN_MAX_FAILURES_PER_ACCOUNT=99999999999", "SLM_ANONYMOUS_SESSIONS_MAX=many",
            "SLM_GIT_URL=htps://example.com/repo.git", "SLM_GIT_URL=ftp://example.com/repo.git",
            "SLM_GIT_BRANCH=main..x", "SLM_PUBLIC_URL=slm.example.com", "SLM_TRUSTED_PROXIES=10.0.0.1,proxy.lan",
            "SLM_DB_URL=postgres://localhost/slm", "SLM_GIT_PATH=.", "SLM_GIT_PATH=./app", "SLM_GIT_PATH=app/.",
            "SLM_GIT_PATH=../app", "SLM_GIT_PATH=deploy/../app", "SLM_GIT_PATH=deploy//web", "SLM_GIT_PATH=/./"})
    void aServerSettingThatCannotBeUsedIsRefusedWithOneLineNamingIt(String setting) {
        String name = setting.substring(0, setting.indexOf('='));
        String value = setting.substring(setting.indexOf('=') + 1);
        LaunchSettings.Refused e = assertThrows(LaunchSettings.Refused.class,
                () -> LaunchSettings.from(Map.of(name, value, "SLM_PORT", "8080", "SLM_BIND", "127.0.0.1")));
        assertTrue(e.getMessage().startsWith(name + " must be "), e.getMessage());
        assertTrue(e.getMessage().contains(value.contains("proxy") ? "proxy.lan" : value), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void serverSettingsInTheirDocumentedFormsPass() throws Exception {
        Map<String, String> env = Map.of("SLM_FETCH_INTERVAL", "PT5M", "SLM_LOGIN_LOCKOUT", "30s",
                "SLM_GIT_URL", "git@github.com:acme/site.git", "SLM_GIT_BRANCH", "release/2.x",
                "SLM_PUBLIC_URL", "https://slm.example.com", "SLM_TRUSTED_PROXIES", "10.0.0.1, ::1",
                "SLM_DB_URL", "jdbc:postgresql://db:5432/slm", "SLM_PACKAGE_CACHE_MB", "512",
                "SLM_PORT", "8080", "SLM_BIND", "127.0.0.1");
        assertEquals(8080, LaunchSettings.from(env).port());
        for (String path : List.of("app", "/app/", "deploy/web", "", "/", " app ", ".config/app", "a..b")) {
            assertEquals(8080, LaunchSettings.from(Map.of("SLM_GIT_PATH", path, "SLM_PORT", "8080", "SLM_BIND",
                    "127.0.0.1")).port(), path);
        }
        assertEquals(8080, LaunchSettings.from(Map.of("SLM_GIT_URL", "file:///srv/repo.git", "SLM_PORT", "8080",
                "SLM_BIND", "127.0.0.1")).port());
    }
}
