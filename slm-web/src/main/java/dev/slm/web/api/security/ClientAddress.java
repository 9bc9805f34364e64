package dev.slm.web.api.security;

import dev.slm.platform.SlmConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The address a request comes from, as the login throttle counts it.
 * <p>
 * Behind a reverse proxy every request comes from the proxy, so one attacker's failures would lock out everyone.
 * {@code SLM_TRUSTED_PROXIES} lists the proxies whose {@code X-Forwarded-For} is believed: read from the right (the
 * end a proxy appends to), the first address that is not a trusted proxy is the client's — entries further left were
 * sent by the client and may be forged. Without the setting the header is ignored: a client could otherwise name a
 * fresh address for every guess.
 * <p>
 * An IPv6 client counts by its /64: a host usually holds a whole /64, so single addresses would cost an attacker nothing.
 */
@ApplicationScoped
public class ClientAddress {

    // octets without leading zeros: anything else InetAddress would not take for a literal, and look up in DNS
    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV4_PORT = Pattern.compile("(" + OCTET + "(\\." + OCTET + "){3}):\\d{1,5}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    private static final Pattern IPV6_BRACKETS = Pattern.compile("\\[([0-9a-fA-F:.]{2,45})](:\\d{1,5})?");

    @Inject
    SlmConfig config;

    private Set<InetAddress> trustedProxies = Set.of();

    @PostConstruct
    void readTrustedProxies() {
        trustedProxies = trusted(config.trustedProxies());
    }

    /** @throws IllegalArgumentException naming an entry that is not an IP address (names are not looked up) */
    static Set<InetAddress> trusted(List<String> entries) {
        return entries.stream().map(e -> parse(e).orElseThrow(() -> new IllegalArgumentException(
                "SLM_TRUSTED_PROXIES: '" + e + "' is not an IP address"))).collect(Collectors.toUnmodifiableSet());
    }

    public Set<InetAddress> trustedProxies() {
        return trustedProxies;
    }

    public String of(HttpServletRequest request) {
        List<String> forwarded = new ArrayList<>();
        for (String header : Collections.list(request.getHeaders("X-Forwarded-For"))) {
            for (String part : header.split(",")) {
                forwarded.add(part.trim());
            }
        }
        return resolve(request.getRemoteAddr(), forwarded, trustedProxies);
    }

    /** The client's key: the peer, or (when the peer is a trusted proxy) the forwarded address described above. */
    static String resolve(String remote, List<String> forwardedFor, Set<InetAddress> trustedProxies) {
        Optional<InetAddress> peer = parse(remote);
        if (peer.isEmpty()) {
            return "unknown";
        }
        InetAddress client = peer.get();
        for (int i = forwardedFor.size() - 1; i >= 0 && trustedProxies.contains(client); i--) {
            Optional<InetAddress> hop = parse(forwardedFor.get(i));
            if (hop.isEmpty()) {
                break; // garbage where a proxy should have written an address: count the proxy itself
            }
            client = hop.get();
        }
        return key(client);
    }

    private static String key(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            for (int i = 8; i < 16; i++) {
                b[i] = 0;
            }
            try {
                return InetAddress.getByAddress(b).getHostAddress() + "/64";
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return a.getHostAddress();
    }

    /** An IP literal (an IPv4 one may carry a port, an IPv6 one brackets and a port); never a DNS lookup. */
    static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        var bracketed = IPV6_BRACKETS.matcher(s);
        var withPort = IPV4_PORT.matcher(s);
        if (bracketed.matches()) {
            s = bracketed.group(1);
        } else if (withPort.matches()) {
            s = withPort.group(1);
        }
        if (IPV6.matcher(s).matches() && s.contains(":")) {
            s = "[" + s + "]"; // in brackets InetAddress parses it or refuses it, and never looks it up
        } else if (!IPV4.matcher(s).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
