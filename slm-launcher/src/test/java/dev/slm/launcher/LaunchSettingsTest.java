package dev.slm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
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
                    () -> new LaunchSettings(port, "0.0.0.0", Path.of("/tmp"), 512).requirePortFree());
            assertEquals("port " + port + " is in use: stop what runs there or set SLM_PORT", e.getMessage());
        }
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
}
