package dev.slm.web.api.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    final Set<InetAddress> proxy = ClientAddress.trusted(List.of("10.0.0.1"));

    @Test
    void withoutATrustedProxyTheHeaderIsIgnored() {
        assertEquals("203.0.113.5", ClientAddress.resolve("203.0.113.5", List.of("198.51.100.1"), Set.of()));
        assertEquals("203.0.113.5", ClientAddress.resolve("203.0.113.5", List.of("198.51.100.1"), proxy));
    }

    @Test
    void behindATrustedProxyTheRightmostAddressThatIsNotAProxyIsTheClient() {
        // the client wrote 1.1.1.1 itself; the proxy appended the address it saw
        assertEquals("198.51.100.7", ClientAddress.resolve("10.0.0.1", List.of("1.1.1.1", "198.51.100.7"), proxy));
        assertEquals("198.51.100.7", ClientAddress.resolve("10.0.0.1", List.of("198.51.100.7", "10.0.0.1"), proxy));
        assertEquals("10.0.0.1", ClientAddress.resolve("10.0.0.1", List.of(), proxy));
    }

    @Test
    void garbageWhereAnAddressShouldBeCountsAsTheProxyAndIsNeverLookedUp() {
        // "localhost" resolves without DNS (from /etc/hosts): a parser that looked names up would take it
        for (String junk : List.of("evil.example", "localhost", "999.1.1.1", "01.2.3.4", "unknown", "", "1::2::3", "a b",
                "::1%eth0")) {
            assertEquals("10.0.0.1", ClientAddress.resolve("10.0.0.1", List.of(junk), proxy), junk);
            assertTrue(ClientAddress.parse(junk).isEmpty(), "not looked up: " + junk);
        }
    }

    @Test
    void portsAndBracketsAreDroppedAndIpv6CountsByItsSlash64() {
        assertEquals("198.51.100.7", ClientAddress.resolve("10.0.0.1", List.of("198.51.100.7:4711"), proxy));
        assertEquals("2001:db8:1:2:0:0:0:0/64", ClientAddress.resolve("10.0.0.1", List.of("[2001:db8:1:2::99]:443"), proxy));
        assertEquals(ClientAddress.resolve("2001:db8:1:2::1", List.of(), Set.of()),
                ClientAddress.resolve("2001:db8:1:2:ffff::1", List.of(), Set.of()));
    }

    @Test
    void aTrustedProxyThatIsNotAnAddressStopsTheServer() {
        assertThrows(IllegalArgumentException.class, () -> ClientAddress.trusted(List.of("proxy.internal")));
    }
}
